import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Services
import Storage
import TestSupport
import Testing

@testable import App
@testable import Web

/// Knowing someone's PIN is not being them: an account registered online is of low assurance and
/// sees nothing the registers hold about the person, nor may it use services that need more.
@Suite struct AssuranceTests {
    @Test(arguments: TestEngine.available)
    func registeringWithSomeoneElsesPINGivesALowAccountThatSeesNothingOfThem(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            // A resident in the population register who has no account.
            let residents = try await values("record_key", of: "rr_population", in: url)
            let people = Set(try await values("pin", of: "people", in: url))
            let unclaimed = residents.filter { !people.contains($0) }
            guard let pin = unclaimed.first else {
                Issue.record("no resident without an account")
                return
            }
            let contents = try await values("content", of: "rr_population", in: url)
            let family = contents.first(where: { $0.contains(pin) }) ?? ""

            var attacker = Browser(client)
            let registered = try await attacker.post(
                "/register",
                form: [
                    "pin": pin, "familyName": "Someone", "givenName": "Else", "password": "a long enough password",
                ])
            #expect(registered.status == .seeOther)
            _ = try await attacker.signIn(pin, password: "a long enough password")

            // The form is not filled from the register: the resident's name is nowhere on it.
            let form = try await attacker.get("/services/no-criminal-record/apply")
            #expect(form.status == .ok)
            let name = PortalTests.matches(#""familyName":"([^"]+)""#, in: family).first ?? "?"
            #expect(!form.text.contains(name), "register data shown to a low account")
            // Applying for a service that needs more is refused, with the reason beside the form.
            let platform = try await Platform.start(
                AppConfiguration(databaseURL: url, bcryptCost: 4), logger: TestLog.quiet)
            do {
                var strict = try await platform.applications.catalogue.service("no-criminal-record")
                strict.id = "no-criminal-record-strict"
                strict.assurance = .substantial
                try await platform.applications.catalogue.publish(strict, at: 0)
                let submission = { (assurance: Assurance) in
                    Submission(
                        serviceID: strict.id,
                        applicant: Principal(pin: pin, displayName: "", post: nil, assurance: assurance),
                        language: .en, answers: ["familyName": "A", "givenName": "B", "purpose": "visa"],
                        idempotencyKey: try IdempotencyKey(UUID().uuidString))
                }
                let refused = await #expect(throws: ValidationError.self) {
                    try await platform.applications.submit(try submission(.low))
                }
                #expect(refused?.fields.first?.messageKey == "error_assurance_too_low")
                _ = try await platform.applications.submit(try submission(.substantial))
                await platform.database.shutdown()
            } catch {
                await platform.database.shutdown()
                throw error
            }
            // "Who looked at my data" is not theirs to see.
            let access = try await attacker.get("/cabinet/data-access")
            #expect(access.status == .ok && !access.text.contains("<table"))
            #expect(try await attacker.get("/cabinet/data-access.csv").status == .forbidden)
        }
    }
}
