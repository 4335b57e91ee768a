import Core
import Foundation
import HummingbirdTesting
import Identity
import TestSupport
import Testing

@testable import Web

/// A phone or e-mail changes only when the code sent to the new one is typed back.
@Suite struct ContactChangeTests {
    @Test(arguments: TestEngine.available)
    func aNewPhoneIsConfirmedWithTheCodeSentToIt(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var person = Browser(client)
            _ = try await person.signIn(PortalTests.citizen)
            #expect(try await person.get("/cabinet").text.contains(#"href="/cabinet/contact""#))

            // Bad input: refused beside the field, nothing sent.
            for (channel, value) in [
                ("phone", "12345"), ("phone", "+7 916 123 45 67"), ("email", "not-an-address"), ("fax", "1"),
            ] {
                let bad = try await person.post("/cabinet/contact", form: ["channel": channel, "value": value])
                #expect(bad.status == .unprocessableContent && bad.text.contains(#"id="error-summary""#), "\(value)")
            }
            #expect(try await count("outbox", in: url) == 0)
            #expect(try await count("contact_changes", in: url) == 0)

            // The code goes to the new phone, not the old one.
            #expect(
                try await person.post("/cabinet/contact", form: ["channel": "phone", "value": "0700 123 456"]).status
                    == .seeOther)
            let recipients = try await values("recipient", of: "outbox", in: url)
            #expect(recipients == ["+996 700 123 456"])
            let code = try #require(
                PortalTests.matches(#"is ([0-9]{6})"#, in: try await values("body", of: "outbox", in: url).joined())
                    .first)
            let waiting = try await person.get("/cabinet/contact")
            #expect(
                waiting.text.contains("A code went to +996 700 123 456") && waiting.text.contains("+996 555 100 417"))
            #expect(
                try await person.post("/cabinet/contact", form: ["channel": "phone", "value": "0700 123 457"]).status
                    == .tooManyRequests, "one code a minute")
            let wrong = try await person.post(
                "/cabinet/contact/confirm", form: ["code": code == "000000" ? "111111" : "000000"])
            #expect(wrong.status == .unprocessableContent && wrong.text.contains(#"id="code-error""#))
            #expect(try await person.get("/cabinet").text.contains("+996 555 100 417"), "unchanged until confirmed")

            // Another person cannot use the code.
            var other = Browser(client)
            _ = try await other.signIn(ServicesWebTests.other)
            #expect(
                try await other.post("/cabinet/contact/confirm", form: ["code": code]).status == .unprocessableContent)

            let before = try await count("ledger_entries", in: url)
            let cabinet = try await person.submit("/cabinet/contact/confirm", form: ["code": code])
            #expect(
                cabinet.text.contains("Your contact details are changed") && cabinet.text.contains("+996 700 123 456"))
            #expect(try await AppealTests.kinds(since: before, client, url: url) == ["identity.contact.changed"])
            #expect(try await count("contact_changes", in: url) == 0)
            #expect(
                try await person.post("/cabinet/contact/confirm", form: ["code": code]).status == .unprocessableContent)
        }
    }

    @Test func phonesAndAddressesAreReadAsPeopleTypeThem() {
        #expect(ContactChange.phone("0555 12-34-56") == "+996 555 123 456")
        #expect(ContactChange.phone("+996 (700) 123 456") == "+996 700 123 456")
        #expect(ContactChange.phone("+7 916 123 45 67") == nil)
        #expect(ContactChange.phone("0555 12345a") == nil)
        #expect(ContactChange.email(" Aigul@Example.KG ") == "aigul@example.kg")
        #expect(ContactChange.email("a@b") == nil)
        #expect(ContactChange.email("a b@c.kg") == nil)
        #expect(ContactChange.email("<script>@x.kg") == nil)
    }
}
