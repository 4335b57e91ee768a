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
            // Applying for a service that needs more (the certificate needs substantial) is refused,
            // with the reason above the form, and nothing is stored.
            let refused = try await attacker.post(
                "/services/no-criminal-record/apply",
                multipart: [
                    "idempotencyKey": try ServicesWebTests.key(form), "familyName": "A", "givenName": "B",
                    "purpose": "visa", "intent": "submit",
                ])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("This service needs an account whose owner has been confirmed"))
            #expect(try await count("applications", in: url) == 0)
            // "Who looked at my data" is not theirs to see.
            let access = try await attacker.get("/cabinet/data-access")
            #expect(access.status == .ok && !access.text.contains("<table"))
            #expect(try await attacker.get("/cabinet/data-access.csv").status == .forbidden)
        }
    }

    static let password = "a long enough password"

    /// Registers `pin` online (a low account) in `browser`, with `extra` fields, and signs in.
    static func registerAndSignIn(_ browser: inout Browser, _ pin: String, _ extra: [String: String] = [:])
        async throws
    {
        let fields = ["pin": pin, "familyName": "A", "givenName": "B", "password": password]
        let registered = try await browser.post("/register", form: fields.merging(extra) { _, new in new })
        #expect(registered.status == .seeOther)
        _ = try await browser.signIn(pin, password: password)
    }

    /// A resident of the population register without an account, and the phone the register holds.
    static func unclaimedResident(in url: String) async throws -> (pin: String, phone: String) {
        let people = Set(try await values("pin", of: "people", in: url))
        for content in try await values("content", of: "rr_population", in: url) {
            guard let pin = PortalTests.matches(#""pin":"([0-9]{14})""#, in: content).first, !people.contains(pin),
                let phone = PortalTests.matches(#""phone":"([^"]+)""#, in: content).first
            else { continue }
            return (pin, phone)
        }
        throw DomainError.notFound
    }

    @Test(arguments: TestEngine.available)
    func aCodeSentToTheRegisteredPhoneRaisesTheAccountToSubstantial(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            let (pin, phone) = try await Self.unclaimedResident(in: url)
            var person = Browser(client)
            // The phone typed at registration is not where the code goes: the register's is.
            try await Self.registerAndSignIn(&person, pin, ["phone": "+996 999 000 000"])
            let cabinet = try await person.get("/cabinet")
            #expect(cabinet.text.contains(#"id="cabinet-assurance">Low<"#))
            #expect(cabinet.text.contains(#"href="/cabinet/assurance""#))

            // A code before one was asked for, and malformed codes, are refused beside the field.
            let early = try await person.post("/cabinet/assurance", form: ["code": "123456"])
            #expect(early.status == .unprocessableContent && early.text.contains("has expired or was never sent"))
            let malformed = try await person.post("/cabinet/assurance", form: ["code": "12ab"])
            #expect(malformed.status == .unprocessableContent && malformed.text.contains("The code is 6 digits."))

            #expect(try await person.post("/cabinet/assurance/code", form: [:]).status == .seeOther)
            let sms = try await values("body", of: "outbox", in: url)
            let recipients = try await values("recipient", of: "outbox", in: url)
            #expect(recipients == [phone])
            let code = try #require(PortalTests.matches(#"code is ([0-9]{6})"#, in: sms.joined()).first)
            let page = try await person.get("/cabinet/assurance")
            #expect(page.text.contains("A code was sent to +996 *** *** " + String(phone.filter(\.isNumber).suffix(3))))
            // Asking again at once sends nothing more, and the page says why.
            let again = try await person.post("/cabinet/assurance/code", form: [:])
            #expect(again.headers[.location] == "/cabinet/assurance?error=error_code_too_soon")
            #expect(try await person.get("/cabinet/assurance?error=error_code_too_soon").text.contains("just now"))
            #expect(try await count("outbox", in: url) == 1)
            // An unknown error key in the address is not echoed.
            #expect(!(try await person.get("/cabinet/assurance?error=<b>x</b>").text.contains("<b>x</b>")))

            let wrong = try await person.post(
                "/cabinet/assurance", form: ["code": code == "000000" ? "111111" : "000000"])
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("That code is not right."))
            let right = try await person.post("/cabinet/assurance", form: ["code": code])
            #expect(right.status == .seeOther)
            #expect(try await person.get("/cabinet").text.contains(#"id="cabinet-assurance">Substantial<"#))
            // The same code does not work twice, and the register's data is now theirs to see.
            #expect(try await person.post("/cabinet/assurance", form: ["code": code]).status == .unprocessableContent)
            let access = try await person.get("/cabinet/data-access")
            #expect(access.text.contains("An activation code sent to the phone in the register"))
            #expect(try await person.get("/cabinet/data-access.csv").status == .ok)
            #expect(try await values("assurance", of: "accounts", in: url).contains("substantial"))
        }
    }

    @Test(arguments: TestEngine.available)
    func guessingTheCodeStopsAfterFiveTries(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            let (pin, _) = try await Self.unclaimedResident(in: url)
            var person = Browser(client)
            try await Self.registerAndSignIn(&person, pin)
            _ = try await person.post("/cabinet/assurance/code", form: [:])
            let code = try #require(
                PortalTests.matches(
                    #"code is ([0-9]{6})"#, in: try await values("body", of: "outbox", in: url).joined()
                )
                .first)
            let wrong = code == "000000" ? "111111" : "000000"
            for _ in 0..<5 { _ = try await person.post("/cabinet/assurance", form: ["code": wrong]) }
            let blocked = try await person.post("/cabinet/assurance", form: ["code": code])
            #expect(blocked.status == .tooManyRequests)
            #expect(try await person.get("/cabinet").text.contains(#"id="cabinet-assurance">Low<"#))
        }
    }

    @Test(arguments: TestEngine.available)
    func aPersonTheRegisterHasNoPhoneForIsSentToAPublicServiceCentre(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var person = Browser(client)
            // Not in the population register at all.
            try await Self.registerAndSignIn(&person, "21503198500123")
            let sent = try await person.post("/cabinet/assurance/code", form: [:])
            #expect(sent.headers[.location] == "/cabinet/assurance?error=error_no_registered_phone")
            #expect(try await count("outbox", in: url) == 0)
            // A demo account is high already: nothing to raise.
            var demo = Browser(client)
            _ = try await demo.signIn(PortalTests.citizen)
            #expect(!(try await demo.get("/cabinet/assurance").text.contains("send-code")))
            let refused = try await demo.post("/cabinet/assurance/code", form: [:])
            #expect(refused.headers[.location] == "/cabinet/assurance?error=error_already_confirmed")
        }
    }

    @Test(arguments: TestEngine.available)
    func aRegistrarConfirmsAnAccountAgainstAPassportAndTheRegister(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            let (pin, _) = try await Self.unclaimedResident(in: url)
            let content = try #require(
                try await values("content", of: "rr_population", in: url).first { $0.contains(pin) })
            let family = try #require(PortalTests.matches(#""familyName":"([^"]+)""#, in: content).first)
            let given = try #require(PortalTests.matches(#""givenName":"([^"]+)""#, in: content).first)
            var person = Browser(client)
            _ = try await person.post(
                "/register",
                form: ["pin": pin, "familyName": "X", "givenName": "Y", "password": "a long enough password"])

            // Only a registrar may: not a citizen, not an official of another role.
            var citizen = Browser(client)
            _ = try await citizen.signIn(PortalTests.citizen)
            #expect(try await citizen.get("/office/accounts").status == .forbidden)
            var specialist = Browser(client)
            _ = try await specialist.signIn("21404199200901")
            #expect(try await specialist.post("/office/accounts", form: ["pin": pin]).status == .forbidden)

            let clerk = "20106198800712"
            var registrar = Browser(client)
            _ = try await registrar.signIn(clerk)
            let page = try await registrar.get("/office/accounts")
            #expect(page.status == .ok && page.text.contains(#"href="/office/accounts""#))
            #expect(!page.text.contains(family), "the registrar is shown nothing of the register")
            let good = [
                "pin": pin, "familyName": family, "givenName": given, "documentNumber": "ID1234567", "seen": "yes",
            ]
            func refused(_ changes: [String: String?], _ field: String, _ text: String) async throws {
                var form = good
                for (key, value) in changes { form[key] = value }
                let answer = try await registrar.post("/office/accounts", form: form.compactMapValues { $0 })
                #expect(answer.status == .unprocessableContent, "\(changes)")
                #expect(answer.text.contains(#"id="\#(field)-error""#) && answer.text.contains(text), "\(changes)")
            }
            try await refused(["familyName": "Someone"], "familyName", "Does not match the population register.")
            try await refused(["seen": nil], "seen", "The passport must be seen in person.")
            try await refused(["documentNumber": "12"], "documentNumber", "6 to 12 Latin letters")
            try await refused(["pin": clerk], "pin", "You cannot confirm your own account.")
            try await refused(["pin": "21503198500123"], "pin", "There is no account with this PIN.")
            try await refused(["pin": "123"], "pin", "exactly 14 digits")
            #expect(try await values("assurance", of: "accounts", in: url).filter { $0 == "low" }.count == 1)

            let done = try await registrar.post("/office/accounts", form: good)
            #expect(done.headers[.location] == "/office/accounts?done=1")
            #expect(try await registrar.get("/office/accounts?done=1").text.contains(#"id="confirmed""#))
            _ = try await person.signIn(pin, password: "a long enough password")
            #expect(try await person.get("/cabinet").text.contains(#"id="cabinet-assurance">High<"#))
            // The check of the register is in the person's "who looked at my data".
            #expect(
                try await person.get("/cabinet/data-access").text.contains(
                    "Your identity document checked at a Public Service Centre"))
        }
    }
}
