import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Web

/// Other systems read a person's data only for a stated purpose, under their own name, and the
/// person sees each read.
@Suite struct ReadPurposeTests {
    @Test(arguments: TestEngine.available)
    func aPersonsRecordNeedsAPurposeAndTheReadIsShownToThem(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            let (reader, _) = try await APITests.issueToken(client, scopes: ["identity:read"])
            let bare = try await APITests.call(client, .get, "/api/v1/people/\(PortalTests.citizen)", token: reader)
            #expect(bare.status == .unprocessableContent)
            let read = try await APITests.call(
                client, .get, "/api/v1/people/\(PortalTests.citizen)?purpose=pension%20eligibility&caseNumber=P-17",
                token: reader)
            #expect(read.status == .ok)
            #expect(read.headers[.cacheControl] == "no-store", "a person's data is kept by no cache")
            var citizen = Browser(client)
            _ = try await citizen.signIn(PortalTests.citizen)
            let log = try await citizen.get("/cabinet/data-access.json")
            #expect(log.text.contains("pension eligibility") && log.text.contains("P-17"))
        }
    }

    @Test(arguments: TestEngine.available)
    func aMediatorHeaderNamingAnotherMemberIsRefused(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            let token = try await RegistryWebTests.token(client, agency: "MOH", scopes: ["registry:read"])
            let own = try await RegistryWebTests.call(
                client, .get, "/data/health_facilities/1", token: token, mediator: "KG/GOV/MOH/his")
            #expect(own.status == .ok)
            let other = try await RegistryWebTests.call(
                client, .get, "/data/health_facilities/1", token: token, mediator: "KG/GOV/MOES/emis")
            #expect(other.status == .forbidden)
        }
    }
}
