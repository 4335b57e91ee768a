import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Ledger
import Participation
import Storage
import TestSupport
import Testing

@testable import Web

/// A petition as JSON: the published figures, districts with fewer than five signatures left out.
@Suite struct PetitionAPITests {
    @Test(arguments: TestEngine.available)
    func anyoneReadsAPetitionsFiguresAndSmallDistrictsAreLeftOut(engine: TestEngine) async throws {
        try await withApp(engine) { client, url in
            let database = try await Database.open(
                try DatabaseLocation(url), logger: TestLog.quiet, connectionWait: .seconds(300))
            do {
                let ledger = try await LedgerService.open(database, origin: "tazakoom.kg/ledger")
                let petitions = PetitionService(store: SQLPetitionStore(database: database, ledger: ledger))
                let person = { (n: Int) in
                    Principal(
                        pin: "2150319850\(String(format: "%04d", n))", displayName: "P", post: nil,
                        assurance: .substantial)
                }
                let petition = try await petitions.opened(
                    title: "Open the Ala-Archa road all year", body: "Keep the road to Ala-Archa open in winter.",
                    level: .national, area: "KG", threshold: 6, by: person(0))
                for n in 1...6 {
                    _ = try await petitions.sign(petition.id, by: person(n), region: "CHUY", district: "ALAMUDUN")
                }
                for n in 7...8 {
                    _ = try await petitions.sign(petition.id, by: person(n), region: "OSH", district: "KARA-SUU")
                }

                let answer = try await client.executeRequest(
                    uri: "/api/v1/petitions/\(petition.id)", method: .get, headers: [:], body: nil)
                #expect(answer.status == .ok)
                let json = try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: answer.body)) as? [String: Any])
                #expect(json["signatures"] as? Int == 8 && json["threshold"] as? Int == 6)
                #expect(json["dutyToAnswer"] as? Bool == true)
                let districts = try #require(json["byDistrict"] as? [[String: Any]])
                #expect(districts.first { $0["district"] as? String == "ALAMUDUN" }?["signatures"] as? Int == 6)
                #expect(
                    districts.first { $0["district"] as? String == "KARA-SUU" }?["signatures"] is NSNull,
                    "2 is left out")
                for bad in ["nope", String(repeating: "x", count: 200)] {
                    let missing = try await client.executeRequest(
                        uri: "/api/v1/petitions/\(bad)", method: .get, headers: [:], body: nil)
                    #expect(missing.status == .notFound)
                }
            } catch {
                Issue.record(error)
            }
            await database.shutdown()
        }
    }
}
