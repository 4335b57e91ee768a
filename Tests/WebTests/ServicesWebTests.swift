import Core
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Registries
import SQLKit
import Services
import Synchronization
import TestSupport
import Testing

@testable import App
@testable import Web

/// Applications end to end through the HTTP server: apply, pay, decide, documents, and who may
/// see and do what. On both engines.
@Suite struct ServicesWebTests {
    static let other = "20303198500231"  // another citizen
    static let srsHead = "13009197500333"  // SRS head + specialist
    static let srsClerk = "20106198800712"
    static let bchHead = "11003198100266"  // BCH head + specialist
    static let mojSpecialist = "12505198200478"
    static let mohSpecialist = "21404199200901"
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x30, count: 64)
    static let pdf: [UInt8] = Array("%PDF-1.4\n%demo charter\n".utf8)

    static func applicationID(_ response: TestResponse) throws -> String {
        let location = try #require(
            response.headers[.location],
            "redirected to the application: \(response.status) \(response.text.prefix(300))")
        return String(location.split(separator: "/").last ?? "")
    }

    static func key(_ page: TestResponse) throws -> String {
        try #require(PortalTests.matches(#"name="idempotencyKey" value="([^"]+)""#, in: page.text).first)
    }

    /// Applies through the form; returns the application's tracking number.
    static func apply(
        _ browser: inout Browser, _ service: String, _ fields: [String: String],
        files: [String: (filename: String, bytes: [UInt8])] = [:]
    ) async throws -> String {
        let form = try await browser.get("/services/\(service)/apply")
        var all = fields
        all["idempotencyKey"] = try key(form)
        all["intent"] = "submit"
        return try applicationID(try await browser.post("/services/\(service)/apply", multipart: all, files: files))
    }

    static func status(_ page: TestResponse) -> String {
        PortalTests.matches(#"data-status="([a-z_]+)""#, in: page.text).first ?? "?"
    }

    @Test(arguments: TestEngine.available)
    func aCitizenAppliesPaysAndReceivesASignedCertificateThatVerifies(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var citizen = Browser(client)
            _ = try await citizen.signIn(PortalTests.citizen)
            // Found in Kyrgyz by a Kyrgyz word of its title.
            citizen.acceptLanguage = "ky"
            let found = try await citizen.get("/services?q=" + Browser.encode("соттуулугу"))
            #expect(
                found.text.contains("/services/no-criminal-record") && !found.text.contains("/services/building-permit")
            )
            citizen.acceptLanguage = "en"
            let form = try await citizen.get("/services/no-criminal-record/apply")
            #expect(
                form.text.contains("Токтогулова") && form.text.contains("Taken from the state register"),
                "the name is filled in from the population register")
            let reads = try await count("data_access_log", in: url)
            #expect(reads >= 1, "filling in the form from the register is a logged read")

            let key = try Self.key(form)
            let submitted = try await citizen.post(
                "/services/no-criminal-record/apply",
                multipart: ["idempotencyKey": key, "purpose": "employment", "intent": "submit"])
            let id = try Self.applicationID(submitted)
            #expect(id.hasPrefix("TK-"))
            var page = try await citizen.get("/cabinet/applications/\(id)")
            #expect(Self.status(page) == "awaiting_payment" && page.text.contains("100 som"))
            #expect(
                page.text.contains("action=\"/cabinet/applications/\(id)/pay\""),
                "the payment form pays this application")
            // The same submission again (a double click, a retry): the same application, nothing stored twice.
            let replay = try await citizen.post(
                "/services/no-criminal-record/apply",
                multipart: ["idempotencyKey": key, "purpose": "employment", "intent": "submit"])
            #expect(try Self.applicationID(replay) == id)
            #expect(try await count("applications", in: url) == 1)
            // The same key with other answers is refused.
            let reused = try await citizen.post(
                "/services/no-criminal-record/apply",
                multipart: ["idempotencyKey": key, "purpose": "visa", "intent": "submit"])
            // One conflict error for every retried write: a key reused for another request is 422 (as the
            // IETF Idempotency-Key draft says), the same on the portal as in the API.
            #expect(reused.status == .unprocessableContent)

            page = try await citizen.submit("/cabinet/applications/\(id)/pay", form: ["outcome": "confirm"])
            #expect(Self.status(page) == "issued", "no record in the register: issued automatically once paid")
            let document = try #require(PortalTests.matches(#"href="/documents/([A-Z0-9]+)""#, in: page.text).first)
            #expect(page.text.contains("Fee paid") && page.text.contains("Document issued and signed"))
            let printable = try await citizen.get("/documents/\(document)")
            #expect(printable.status == .ok && printable.text.contains("Айгүл"))
            // In words: the form's label and the choice's label, not `purpose / employment`.
            #expect(printable.text.contains("<dt>What the certificate is for</dt><dd>Employment</dd>"))
            #expect(!printable.text.contains("<dt>purpose</dt>"))
            // The full verification address, printed and as a QR code (decoded in the browser test).
            #expect(printable.text.contains(#"id="verify-address" translate="no">http://"#))
            #expect(printable.text.contains("/verify/\(document)</a>"))
            #expect(printable.text.contains(#"<div class="qr" id="document-qr"><svg"#))
            #expect(printable.text.contains("<title>Document \(document) · "))
            let file = try await citizen.get("/documents/\(document)/document.json")
            let issued = try IssuedDocument(json: file.text)
            try DocumentVerification.check(issued)
            var anonymous = Browser(client)
            let verified = try await anonymous.get("/verify/\(document)")
            #expect(
                verified.status == .ok && verified.text.contains("Genuine")
                    && !verified.text.contains(PortalTests.citizen), "the public page masks the PIN")

            // Forgeries: changed content, another key, an id never issued, garbage.
            let changed = file.text.replacingOccurrences(of: "employment", with: "visa")
            #expect(
                try await anonymous.post("/verify", multipart: ["document": changed]).text.contains(
                    "The signature does not match"))
            var resigned = issued
            let key2 = Curve25519SigningKeyForTests.make()
            resigned.content["purpose"] = "visa"
            resigned.signature = key2.sign(resigned.content)
            #expect(
                try await anonymous.post("/verify", multipart: ["document": resigned.json]).text.contains(
                    "The key is not the issuing agency"))
            #expect(try await anonymous.get("/verify/DNOSUCHDOCUMENT0000000").status == .unprocessableContent)
            // By number, as typed from paper: spaces, dashes and lower case forgiven; pasted works too.
            let typed = String(
                document.lowercased().enumerated().map { $0.offset == 5 ? " \($0.element)" : "\($0.element)" }.joined())
            let byNumber = try await anonymous.get("/verify?number=\(Browser.encode(typed))")
            #expect(byNumber.status == .seeOther && byNumber.headers[.location] == "/verify/\(document)")
            let pasted = try await anonymous.post("/verify", multipart: ["document": " \(document)\n"])
            #expect(pasted.status == .seeOther && pasted.headers[.location] == "/verify/\(document)")
            for bad in ["", "<script>", "D" + String(repeating: "9", count: 60)] {
                let refused = try await anonymous.get("/verify?number=\(Browser.encode(bad))")
                #expect(
                    refused.status == .unprocessableContent && refused.text.contains(#"id="number-error""#), "\(bad)")
                #expect(!refused.text.contains("<script>"))
            }
            #expect(
                try await anonymous.post("/verify", multipart: ["document": "{not json"]).text.contains(
                    "This is not a document file"))
            #expect(
                try await anonymous.get("/documents/\(document)").status == .seeOther,
                "the printable page needs sign-in")
            var stranger = Browser(client)
            _ = try await stranger.signIn(Self.other)
            #expect(try await stranger.get("/documents/\(document)").status == .notFound)
            #expect(try await stranger.get("/documents/\(document)/document.json").status == .notFound)
        }
    }

    /// On a fresh application of `engine`: `other` signs in and applies for a criminal-record
    /// certificate; `body` gets their browser, the application's id and the database URL.
    static func withCertificateApplied(
        _ engine: TestEngine, _ body: @escaping @Sendable (inout Browser, String, String) async throws -> Void
    ) async throws {
        try await withApp(engine) { client, url async throws in
            var citizen = Browser(client)
            _ = try await citizen.signIn(Self.other)
            let id = try await Self.apply(&citizen, "no-criminal-record", ["purpose": "visa"])
            try await body(&citizen, id, url)
        }
    }

    /// Withdraws the case of application `id` without the application, as an SLA escalation moves
    /// a case; returns the case's id.
    static func moveCaseBehindItsBack(of id: String, on platform: Platform) async throws -> String {
        let application = try await platform.applications.application(
            id, of: Principal(pin: Self.other, displayName: "", post: nil))
        _ = try await platform.database.transaction { sql in
            try await platform.workflow.systemAct(
                application.caseID, action: "withdraw", by: .subjectThemself, reason: "test", on: sql)
        }
        return application.caseID
    }

    @Test(arguments: TestEngine.available)
    func anApplicationCatchesUpWithItsCaseMovedBehindItsBack(engine: TestEngine) async throws {
        try await Self.withCertificateApplied(engine) { citizen, id, url in
            try await withStartedPlatform(AppConfiguration(databaseURL: url, bcryptCost: 4)) { platform in
                _ = try await Self.moveCaseBehindItsBack(of: id, on: platform)
                #expect(try await platform.applications.reconcile() == 1, "the application behind its case")
                #expect(try await platform.applications.reconcile() == 0, "and only once")
            }
            #expect(Self.status(try await citizen.get("/cabinet/applications/\(id)")) == "withdrawn")
        }
    }

    /// Where reconciliation got to is in the database: a restarted node goes on from the last
    /// round instead of looking at every case ever changed (minutes of SQLite's one connection on a
    /// grown database). A change stamped before that point is not looked at again.
    @Test(arguments: TestEngine.available)
    func aRestartedNodeReconcilesFromWhereTheLastRoundGotTo(engine: TestEngine) async throws {
        try await Self.withCertificateApplied(engine) { citizen, id, url in
            try await withStartedPlatform(AppConfiguration(databaseURL: url, bcryptCost: 4)) { platform in
                #expect(try await platform.applications.reconcile() == 0, "nothing behind yet")
                let caseID = try await Self.moveCaseBehindItsBack(of: id, on: platform)
                // Stamped long before the last round: only a round that looks at everything sees it.
                try await platform.database.withConnection { sql in
                    try await sql.raw("UPDATE workflow_cases SET updated_at = 1 WHERE id = \(bind: caseID)").run()
                }
            }
            try await withStartedPlatform(AppConfiguration(databaseURL: url, bcryptCost: 4)) { restarted in
                let reconciled = try await restarted.applications.reconcile()
                #expect(reconciled == 0, "the restarted node went on from the cursor")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func paymentsThatFailDoNotProceedAndOnesLeftPendingAreNeverLost(engine: TestEngine) async throws {
        try await Self.withCertificateApplied(engine) { citizen, id, url in
            var page = try await citizen.submit("/cabinet/applications/\(id)/pay", form: ["outcome": "fail"])
            #expect(
                page.status == .ok && Self.status(page) == "awaiting_payment"
                    && page.text.contains(#"role="alert" id="notice">The bank declined"#))
            // Shown once: a reload shows the page without the message.
            let unpaid = try await citizen.get("/cabinet/applications/\(id)")
            #expect(!unpaid.text.contains(#"id="notice""#))
            // No receipt and no ledger link before there is a payment, no rating before there is one.
            #expect(!unpaid.text.contains(#"href="/ledger/entries/""#) && !unpaid.text.contains("Receipt"))
            #expect(!unpaid.text.contains("Your rating"))
            page = try await citizen.submit("/cabinet/applications/\(id)/pay", form: ["outcome": "timeout"])
            #expect(
                page.status == .ok && Self.status(page) == "awaiting_payment" && page.text.contains("Nothing is lost"))
            // The bank did take the money; reconciliation finds it and the case goes on.
            try await withStartedPlatform(AppConfiguration(databaseURL: url, bcryptCost: 4)) { platform in
                _ = try await platform.applications.reconcile()
            }
            page = try await citizen.get("/cabinet/applications/\(id)")
            #expect(Self.status(page) == "issued", "paid, so it proceeded: \(Self.status(page))")
            #expect(page.text.contains("Fee paid"))
            #expect(!PortalTests.matches(#"<dd>(R-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})"#, in: page.text).isEmpty)
            // Paying again charges nothing twice.
            page = try await citizen.post("/cabinet/applications/\(id)/pay", form: ["outcome": "confirm"])
            #expect(try await count("bills", in: url) == 1)
            #expect(try await count("test_bank_charges", in: url) == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func nobodySeesOrActsOnAnotherPersonsApplicationAndOfficialsStayInTheirAgencyAndRole(engine: TestEngine)
        async throws
    {
        try await withApp(engine) { client, url async throws in
            var applicant = Browser(client)
            _ = try await applicant.signIn(Self.other)
            let id = try await Self.apply(
                &applicant, "building-permit",
                ["parcel": "1-01-01-0000-0001", "zone": "residential", "floors": "3", "area": "250"],
                files: ["site_plan": ("plan.png", Self.png)])
            var stranger = Browser(client)
            _ = try await stranger.signIn(PortalTests.citizen)
            for path in [
                "/cabinet/applications/\(id)", "/cabinet/applications/TK-0000-0000-00",
                "/cabinet/applications/\(id)/files/site_plan",
            ] {
                #expect(try await stranger.get(path).status == .notFound, "\(path)")
            }
            #expect(try await stranger.post("/cabinet/applications/\(id)/withdraw", form: [:]).status == .notFound)
            #expect(try await stranger.post("/cabinet/applications/\(id)/pay", form: [:]).status == .notFound)
            #expect(try await stranger.get("/office/inbox").status == .forbidden)
            #expect(try await stranger.get("/office/cases/\(id)").status == .forbidden)

            // Stage 1 is the SRS's: a clerk may see it but not decide (the definition gives it to specialists and heads).
            var clerk = Browser(client)
            _ = try await clerk.signIn(Self.srsClerk)
            let clerkView = try await clerk.get("/office/cases/\(id)")
            #expect(clerkView.status == .ok && !clerkView.text.contains("value=\"confirm_title\""))
            #expect(
                try await clerk.post(
                    "/office/cases/\(id)/decide", form: ["action": "confirm_title", "reason": "looks fine"]
                ).status == .forbidden)
            // Another agency may neither open nor decide it.
            var moh = Browser(client)
            _ = try await moh.signIn(Self.mohSpecialist)
            #expect(try await moh.get("/office/cases/\(id)").status == .forbidden)
            #expect(
                try await moh.post("/office/cases/\(id)/decide", form: ["action": "confirm_title", "reason": "x"])
                    .status == .forbidden)
            // City hall cannot act before its stage.
            var bch = Browser(client)
            _ = try await bch.signIn(Self.bchHead)
            #expect(
                try await bch.post("/office/cases/\(id)/decide", form: ["action": "approve", "reason": "x"]).status
                    == .forbidden)

            // The right official: a reason is required, then the case moves on to the city hall.
            var srs = Browser(client)
            _ = try await srs.signIn(Self.srsHead)
            #expect(try await srs.get("/office/inbox").text.contains(id))
            let noReason = try await srs.post(
                "/office/cases/\(id)/decide", form: ["action": "confirm_title", "reason": " "])
            #expect(
                noReason.status == .unprocessableContent && noReason.text.contains("Give the reason for the decision")
                    && noReason.text.contains("aria-invalid"))
            #expect(
                try await srs.post(
                    "/office/cases/\(id)/decide",
                    form: ["action": "confirm_title", "reason": "Title registered to the applicant"]
                ).status == .seeOther)
            #expect(
                try await srs.post("/office/cases/\(id)/decide", form: ["action": "confirm_title", "reason": "again"])
                    .status == .forbidden, "the SRS's stage is over")
            let inbox = try await bch.get("/office/inbox")
            #expect(inbox.text.contains(id) && inbox.text.contains("badge on_time"))
            #expect(
                try await bch.post(
                    "/office/cases/\(id)/decide", form: ["action": "approve", "reason": "Meets the general plan"]
                ).status == .seeOther)
            let page = try await applicant.get("/cabinet/applications/\(id)")
            #expect(Self.status(page) == "issued" && page.text.contains("Meets the general plan"))
            // The city hall's head opens the permit (a logged read) and revokes it; it no longer verifies.
            let permit = try #require(PortalTests.matches(#"href="/documents/([A-Z0-9]+)""#, in: page.text).first)
            #expect(try await srs.get("/documents/\(permit)").status == .notFound, "another agency")
            #expect(try await clerk.post("/documents/\(permit)/revoke", form: ["reason": "x"]).status == .notFound)
            #expect(try await bch.get("/documents/\(permit)").text.contains("Revoke this document"))
            #expect(
                try await bch.post("/documents/\(permit)/revoke", form: ["reason": " "]).status == .unprocessableContent
            )
            #expect(
                try await bch.submit("/documents/\(permit)/revoke", form: ["reason": "Issued on a forged title deed"])
                    .text.contains("The document is revoked"))
            var checker = Browser(client)
            let revoked = try await checker.get("/verify/\(permit)")
            #expect(
                revoked.status == .unprocessableContent && revoked.text.contains("The agency revoked this document"))
            // Each opening of the case or the document by an official is in the applicant's "who looked at my data".
            let log = try await applicant.get("/cabinet/data-access")
            #expect(
                log.text.contains("Examination of your application \(id)")
                    && log.text.contains("The issuing agency opened your document \(permit)"))
            #expect(!log.text.contains("tk:"), "the platform's reasons in words, not codes")

            // An official never decides their own application (SRS head applying to the SRS).
            var head = Browser(client)
            _ = try await head.signIn(Self.srsHead)
            let own = try await Self.apply(
                &head, "birth-registration",
                [
                    "childFamilyName": "Абдылдаев", "childGivenName": "Айбек",
                    "childBirthDate": Clock.system.today.description, "childSex": "male",
                    "motherPin": PortalTests.citizen,
                    "placeOfBirth.district": "BIS-LEN", "placeOfBirth.street": "Бишкек, Чүй пр. 1",
                ], files: ["medical_certificate": ("c.pdf", Self.pdf)])
            #expect(
                try await head.post("/office/cases/\(own)/decide", form: ["action": "register", "reason": "mine"])
                    .status == .forbidden)
            // The clerk registers the birth: the child gets a PIN, enters the population register and
            // is related to both parents, so that no relative will ever decide the child's cases.
            let people = try await count("rr_population", in: url)
            #expect(
                try await clerk.post(
                    "/office/cases/\(own)/decide",
                    form: ["action": "register", "reason": "medical certificate checked"]
                ).status == .seeOther)
            let registered = try await head.get("/cabinet/applications/\(own)")
            #expect(Self.status(registered) == "issued")
            let certificate = try #require(
                PortalTests.matches(#"href="/documents/([A-Z0-9]+)""#, in: registered.text).first)
            let record = try await head.get("/documents/\(certificate)")
            let childPIN = try #require(
                PortalTests.matches(#"<dt>Child[^<]*PIN</dt><dd>([0-9]{14})</dd>"#, in: record.text).first)
            #expect(childPIN.hasPrefix("2") && (try? PIN(childPIN)) != nil, "a valid PIN for a boy born today")
            #expect(try await count("rr_population", in: url) == people + 1)
            #expect(try await count("person_relations", in: url) == 2, "mother and father (the applicant)")
            // The father (and the mother) may now enrol the child at school; nobody else may apply for the child.
            let enrol = [
                "childPin": childPIN, "school": "SCH-001", "grade": "1",
                "startDate": Clock.system.today.adding(days: 30).description,
            ]
            _ = try await Self.apply(&head, "school-enrolment", enrol)
            let form = try await applicant.get("/services/school-enrolment/apply")
            let refusedEnrolment = try await applicant.post(
                "/services/school-enrolment/apply",
                multipart: enrol.merging(["idempotencyKey": try Self.key(form), "intent": "submit"]) { $1 })
            #expect(
                refusedEnrolment.status == .unprocessableContent
                    && refusedEnrolment.text.contains("does not record you as this child"))
        }
    }

    @Test(arguments: TestEngine.available)
    func everyFieldTypeRefusesBadValuesBesideTheFieldAndStoresNothing(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var citizen = Browser(client)
            _ = try await citizen.signIn(PortalTests.citizen)
            let tooBig = [UInt8]("%PDF-".utf8) + Array(repeating: 0x20, count: 5 * 1024 * 1024 + 1)
            let cases:
                [(
                    service: String, fields: [String: String], files: [String: (filename: String, bytes: [UInt8])],
                    field: String, message: String
                )] = [
                    (
                        "llc-registration", ["companyName": String(repeating: "x", count: 201)], [:], "companyName",
                        "This is too long."
                    ),
                    (
                        "llc-registration", ["companyName": "Bad\u{7}Name"], [:], "companyName",
                        "Remove the invisible control characters."
                    ),
                    ("llc-registration", ["founders": "many"], [:], "founders", "Must be a number."),
                    ("llc-registration", ["founders": "0"], [:], "founders", "This number is too small."),
                    ("llc-registration", ["capital": "1e12"], [:], "capital", "This number is too large."),
                    ("llc-registration", ["directorPin": "12345"], [:], "directorPin", "A PIN has exactly 14 digits."),
                    (
                        "llc-registration", ["directorPin": "31307199000417"], [:], "directorPin",
                        "A PIN starts with 1 or 2."
                    ),
                    (
                        "llc-registration", ["legalAddress.district": "NOWHERE", "legalAddress.street": "Chui 1"], [:],
                        "legalAddress-district", "Choose a district from the list."
                    ),
                    (
                        "llc-registration", [:], ["charter": ("charter.pdf", Self.png)], "charter",
                        "This type of file is not accepted"
                    ),
                    (
                        "llc-registration", [:], ["charter": ("charter.pdf", tooBig)], "charter",
                        "The file is larger than allowed."
                    ),
                    ("llc-registration", [:], [:], "charter", "Attach the file."),
                    (
                        "birth-registration", ["childBirthDate": "2026-02-30"], [:], "childBirthDate",
                        "Enter a date as YYYY-MM-DD."
                    ),
                    (
                        "birth-registration", ["childBirthDate": "2099-01-01"], [:], "childBirthDate",
                        "This date is too late."
                    ),
                    (
                        "birth-registration", ["childSex": "unknown"], [:], "childSex",
                        "Choose one of the allowed values."
                    ),
                    ("land-subsidy", ["farmInn": "9120320151000X"], [:], "farmInn", "An INN has digits only."),
                    (
                        "building-permit", ["parcel": "9-99-99-9999-9999"], [:], "parcel",
                        "No live record with this identifier"
                    ),
                    ("school-enrolment", ["school": "SCH-999"], [:], "school", "No live record with this identifier"),
                ]
            let before = try await count("applications", in: url)
            let ledgerBefore = try await count("ledger_entries", in: url)
            for item in cases {
                let form = try await citizen.get("/services/\(item.service)/apply")
                var fields = item.fields
                fields["idempotencyKey"] = try Self.key(form)
                fields["intent"] = "submit"
                let answer = try await citizen.post(
                    "/services/\(item.service)/apply", multipart: fields, files: item.files)
                #expect(answer.status == .unprocessableContent, "\(item.service) \(item.field)")
                #expect(answer.text.contains(item.message), "\(item.service) \(item.field): \(item.message)")
                #expect(answer.text.contains("id=\"\(item.field)-error\""), "the message is beside \(item.field)")
                // GOV.UK's error summary: it takes focus, counts, links to the field; the title says "Error".
                let anchor = item.field.replacingOccurrences(of: ".", with: "-")
                #expect(answer.text.contains(#"<title>Error: "#), "\(item.service) \(item.field)")
                #expect(answer.text.contains(#"id="error-summary""#) && answer.text.contains("autofocus"))
                #expect(answer.text.contains(#"id="error-summary-heading">There "#))
                #expect(answer.text.contains("<a href=\"#\(anchor)\">\(item.message)"), "\(item.service) \(item.field)")
                #expect(answer.text.contains("id=\"\(anchor)\""), "the link's target exists: \(anchor)")
            }
            #expect(try await count("applications", in: url) == before)
            // Nothing written: the only entries are the applicant's own reads of their parcels, which
            // the permit form offers each time it is shown.
            let written = try await AppealTests.kinds(since: ledgerBefore, client, url: url)
            #expect(written.allSatisfy { $0 == "registry.read" }, "nothing written: \(written)")
            // A draft keeps the typed answers.
            let form = try await citizen.get("/services/court-case-status/apply")
            let saved = try await citizen.submit(
                "/services/court-case-status/apply",
                multipart: ["caseNumber": "ГД-77/26", "intent": "draft", "idempotencyKey": try Self.key(form)])
            #expect(saved.text.contains("Your draft is saved") && saved.text.contains("ГД-77/26"))
            #expect(try await !citizen.get("/services/court-case-status/apply").text.contains("Your draft is saved"))
            // The draft ends when the application is submitted: the next form opens empty.
            _ = try await Self.apply(&citizen, "court-case-status", ["caseNumber": "ГД-77/26", "role": "party"])
            #expect(try await !citizen.get("/services/court-case-status/apply").text.contains("ГД-77/26"))
        }
    }

    @Test(arguments: TestEngine.available)
    func correctionsWithdrawalsRatingsAndNotificationsInTheApplicantsLanguage(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var citizen = Browser(client)
            citizen.acceptLanguage = "ru"
            _ = try await citizen.signIn(PortalTests.citizen)
            let llc = try await Self.apply(
                &citizen, "llc-registration",
                [
                    "companyName": "Таза Софт", "founders": "2", "capital": "10000", "directorPin": PortalTests.citizen,
                    "legalAddress.district": "BIS-LEN", "legalAddress.street": "Бишкек, Токтогул к. 1",
                ], files: ["charter": ("charter.pdf", Self.pdf)])
            var moj = Browser(client)
            _ = try await moj.signIn(Self.mojSpecialist)
            #expect(
                try await moj.post(
                    "/office/cases/\(llc)/decide",
                    form: ["action": "request_correction", "reason": "Уставный капитал не указан в уставе"]
                ).status == .seeOther)
            var page = try await citizen.get("/cabinet/applications/\(llc)")
            #expect(Self.status(page) == "correction_requested" && page.text.contains("Уставный капитал не указан"))
            let empty = try await citizen.post("/cabinet/applications/\(llc)/correction", multipart: ["comment": ""])
            #expect(empty.status == .unprocessableContent && empty.text.contains("comment-error"))
            let wrong = try await citizen.post(
                "/cabinet/applications/\(llc)/correction", multipart: ["comment": "исправлено"],
                files: ["file": ("x.exe", [0x4D, 0x5A, 0, 0])])
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("file-error"))
            page = try await citizen.submit(
                "/cabinet/applications/\(llc)/correction", multipart: ["comment": "Исправленный устав приложен"],
                files: ["file": ("charter2.pdf", Self.pdf)])
            #expect(Self.status(page) == "in_progress")
            #expect(
                try await moj.post(
                    "/office/cases/\(llc)/decide", form: ["action": "register", "reason": "Документы в порядке"]
                ).status == .seeOther)
            page = try await citizen.get("/cabinet/applications/\(llc)")
            #expect(Self.status(page) == "issued")
            // The company is in the register of legal entities from now on, with a new INN.
            let registration = try #require(PortalTests.matches(#"href="/documents/([A-Z0-9]+)""#, in: page.text).first)
            let inn = try #require(
                PortalTests.matches(
                    #"<dt>ИНН</dt><dd>(0[0-9]{13})</dd>"#, in: try await citizen.get("/documents/\(registration)").text
                ).first)
            #expect((try? INN(inn)) != nil)
            let entity = try await count("rr_legal_entities", in: url)
            #expect(entity >= 1)
            #expect(
                try await citizen.post("/cabinet/applications/\(llc)/rating", form: ["rating": "9"]).status
                    == .unprocessableContent)
            #expect(
                try await citizen.post(
                    "/cabinet/applications/\(llc)/rating", form: ["rating": "5", "comment": "Быстро"]
                ).status == .seeOther)
            #expect(
                try await citizen.post("/cabinet/applications/\(llc)/rating", form: ["rating": "4"]).status == .conflict
            )
            #expect(try await citizen.post("/cabinet/applications/\(llc)/withdraw", form: [:]).status == .conflict)

            let complaint = try await Self.apply(
                &citizen, "waste-complaint",
                [
                    "location.district": "BIS-OKT", "location.street": "Ахунбаев к., овраг",
                    "details": "Строительный мусор",
                ])
            page = try await citizen.submit("/cabinet/applications/\(complaint)/withdraw", form: ["reason": "убрали"])
            #expect(Self.status(page) == "withdrawn")

            // Notifications in the cabinet, and messages in the outbox in Russian, sent by the dispatcher.
            let notes = try await citizen.get("/cabinet/notifications")
            #expect(notes.text.contains(llc) && notes.text.contains("Требуется исправление"))
            #expect(!notes.text.contains(" — </li>"), "no dash before a reason that is not there")
            try await withStartedPlatform(AppConfiguration(databaseURL: url, bcryptCost: 4)) { platform in
                // The server's own poller may have sent some already; whatever is left goes now, and nothing twice.
                _ = try await platform.outbox.dispatch()
                #expect(try await platform.outbox.dispatch() == 0, "sent once")
                // A message the server's poller claimed a moment ago is still 'sending': wait for it.
                for _ in 0..<50 {
                    let sending = try await platform.database.withConnection { sql in
                        try await sql.raw("SELECT id FROM outbox WHERE status <> 'sent'").all().count
                    }
                    if sending == 0 { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let rows = try await platform.database.withConnection { sql in
                    try await sql.raw("SELECT channel, recipient, body, status FROM outbox").all().map {
                        (
                            try $0.decode(column: "channel", as: String.self),
                            try $0.decode(column: "recipient", as: String.self),
                            try $0.decode(column: "body", as: String.self),
                            try $0.decode(column: "status", as: String.self)
                        )
                    }
                }
                #expect(rows.allSatisfy { $0.3 == "sent" })
                #expect(
                    rows.contains {
                        $0.0 == "email" && $0.1 == "aigul@example.kg" && $0.2.contains("Ваше заявление \(llc)")
                            && $0.2.contains("Требуется исправление")
                    })
                #expect(rows.contains { $0.0 == "sms" && $0.1 == "+996 555 100 417" })
            }
            // The public dashboard counts them.
            var visitor = Browser(client)
            let stats = try await visitor.get("/performance")
            #expect(stats.status == .ok && stats.text.contains("<svg class=\"chart\""))
            let json = try await client.executeRequest(uri: "/performance.json", method: .get, headers: [:], body: nil)
                .json()
            let rows = try #require(json["services"] as? [[String: Any]])
            #expect(rows.first { $0["serviceID"] as? String == "llc-registration" }?["decided"] as? Int == 1)
            // Every application is accounted for: decided, waiting or withdrawn.
            for row in rows {
                let parts = ["decided", "backlog", "withdrawn"].compactMap { row[$0] as? Int }.reduce(0, +)
                #expect(row["applications"] as? Int == parts, "\(row)")
            }
            #expect(rows.first { $0["serviceID"] as? String == "waste-complaint" }?["withdrawn"] as? Int == 1)
            // Charts have visible titles; labels are whole (wrapped, not cut).
            #expect(stats.text.components(separatedBy: "<figcaption>").count == 5)
            #expect(
                BarChart.wrap(String(repeating: "слово ", count: 30)).allSatisfy { $0.count <= BarChart.lineLength })
            #expect(BarChart.wrap(String(repeating: "слово ", count: 30)).joined(separator: " ").count == 30 * 6 - 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func theGovStackRegistrationAPISubmitsWithIdempotencyAndAnswersProblems(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            let token = try await RegistryWebTests.token(
                client, agency: "MOA", scopes: ["application:write", "application:read"])
            let reader = try await RegistryWebTests.token(client, agency: "MOH", scopes: ["identity:read"])
            let path = "/api/v1/registration/services/land-subsidy/applications"
            let body =
                #"{"applicantId": "20303198500231", "formData": {"crop": "wheat", "irrigated": "yes", "hectares": 3}}"#
            func post(_ json: String, key: String?, token: String?) async throws -> TestResponse {
                var headers: HTTPFields = [.contentType: "application/json", .acceptLanguage: "en"]
                if let token { headers[.authorization] = "Bearer \(token)" }
                if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
                return try await client.executeRequest(
                    uri: path, method: .post, headers: headers, body: ByteBuffer(string: json))
            }
            #expect(try await post(body, key: "key-0000001", token: nil).status == .unauthorized)
            #expect(try await post(body, key: "key-0000001", token: reader).status == .forbidden)
            let noKey = try await post(body, key: nil, token: token)
            #expect(
                noKey.status == .unprocessableContent && noKey.headers[.contentType]?.contains("problem+json") == true)
            #expect(try await post("{nope", key: "key-0000002", token: token).status == .badRequest)
            let bad = try await post(
                #"{"applicantId": "20303198500231", "formData": {"crop": "cotton", "irrigated": "yes", "hectares": -1, "colour": "red"}}"#,
                key: "key-0000003", token: token)
            let problem = try bad.json()
            let fields = Set((problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(bad.status == .unprocessableContent && fields == ["crop", "hectares", "colour"], "\(fields)")
            let created = try await post(body, key: "key-0000004", token: token)
            #expect(created.status == .created)
            let file = try created.json()
            let id = try #require(file["fileId"] as? String)
            let again = try await post(body, key: "key-0000004", token: token)
            #expect(try again.json()["fileId"] as? String == id, "a retry returns the first application")
            #expect(try await count("applications", in: url) == 1)
            // Keys belong to the client that sent them: another back office's key of the same spelling
            // for the same applicant is another request.
            let secondOffice = try await RegistryWebTests.token(client, agency: "MOA", scopes: ["application:write"])
            let other = try await post(body, key: "key-0000004", token: secondOffice)
            #expect(other.status == .created, "\(other.text)")
            #expect(try other.json()["fileId"] as? String != id)
            #expect(try await count("applications", in: url) == 2)
            let read = try await RegistryWebTests.call(
                client, .get, "/api/v1/registration/applications/\(id)", token: token)
            #expect(read.status == .ok)
            let otherAgency = try await RegistryWebTests.token(client, agency: "MOH", scopes: ["application:read"])
            #expect(
                try await RegistryWebTests.call(
                    client, .get, "/api/v1/registration/applications/\(id)", token: otherAgency
                ).status == .notFound)
            let tasks = try await RegistryWebTests.call(client, .get, "/api/v1/registration/tasks", token: token)
            #expect(tasks.status == .ok && tasks.text.contains(id))
            let forms = try await RegistryWebTests.call(
                client, .get, "/api/v1/registration/services/land-subsidy/eForms", token: nil)
            #expect(forms.text.contains("\"hectares\""))
            // A file uploaded first and named in documentUrls, answers in GovStack's formData.data.
            let bch = try await RegistryWebTests.token(client, agency: "BCH", scopes: ["application:write"])
            func upload(_ bytes: [UInt8], field: String) async throws -> TestResponse {
                var body = ByteBuffer()
                body.writeString("--b0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan\"\r\n\r\n")
                body.writeBytes(bytes)
                body.writeString("\r\n--b0--\r\n")
                return try await client.executeRequest(
                    uri: "/api/v1/registration/documents?additionalMetadata=\(field)", method: .post,
                    headers: [.authorization: "Bearer \(bch)", .contentType: "multipart/form-data; boundary=b0"],
                    body: body)
            }
            let refused = try await upload([0x4D, 0x5A, 0x90, 0x00], field: "site_plan")
            #expect(refused.status == .unprocessableContent && refused.text.contains("error_file_type"))
            let uploaded = try await upload(Self.png, field: "site_plan")
            let url = try #require(try uploaded.json()["url"] as? String)
            var headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(bch)"]
            headers[HTTPField.Name("Idempotency-Key")!] = "permit-00000001"
            let permit = try await client.executeRequest(
                uri: "/api/v1/registration/services/building-permit/applications", method: .post, headers: headers,
                body: ByteBuffer(
                    string: """
                        {"applicantId": "20303198500231", "formData": {"eFormId": "building-permit", "data": {"parcel": "1-01-01-0000-0001", "zone": "mixed", "floors": 12, "area": 900}},
                         "documentUrls": ["\(url)"]}
                        """))
            #expect(permit.status == .created, "\(permit.text)")
            let foreign = try await client.executeRequest(
                uri: "/api/v1/registration/services/building-permit/applications", method: .post,
                headers: [
                    .contentType: "application/json", .authorization: "Bearer \(token)",
                    HTTPField.Name("Idempotency-Key")!: "permit-00000002",
                ],
                body: ByteBuffer(
                    string:
                        #"{"applicantId": "20303198500231", "formData": {"data": {"parcel": "1-01-01-0000-0001", "zone": "mixed", "floors": 2, "area": 90}}, "documentUrls": ["\#(url)"]}"#
                ))
            #expect(foreign.status == .unprocessableContent, "another client's upload is not theirs to use")
            let statistics = try await RegistryWebTests.call(
                client, .get, "/api/v1/registration/data/statistics", token: nil)
            #expect(statistics.status == .ok && statistics.text.contains("land-subsidy"))
        }
    }
}

/// A key no agency holds, to sign forgeries with.
enum Curve25519SigningKeyForTests {
    static func make() -> Curve25519.Signing.PrivateKey { Curve25519.Signing.PrivateKey() }
}

extension Curve25519.Signing.PrivateKey {
    /// Signs document content the way an agency would, with this key.
    func sign(_ content: [String: JSONValue]) -> IssuedDocument.Signature {
        let raw = publicKey.rawRepresentation
        let value = (try? signature(for: IssuedDocument.signedBytes(content))) ?? Data()
        return IssuedDocument.Signature(
            algorithm: "Ed25519", keyID: IssuedDocument.keyID(raw), publicKey: raw.base64EncodedString(),
            value: value.base64EncodedString())
    }
}

/// Deadlines are enforced: an official whose case passes its deadline is told, once.
@Suite struct OverdueNoticeTests {
    @Test(arguments: TestEngine.available)
    func theOfficialHoldingAnOverdueCaseIsToldOnce(engine: TestEngine) async throws {
        let applied = Mutex<String?>(nil)
        try await withApp(engine) { client, _ async throws in
            var citizen = Browser(client)
            _ = try await citizen.signIn(PortalTests.citizen)
            let id = try await ServicesWebTests.apply(
                &citizen, "doctor-appointment",
                [
                    "facility": "HF-001", "specialty": "family",
                    "preferredDate": Clock.system.today.adding(days: 3).description,
                ])
            applied.withLock { $0 = id }
        } afterwards: { url in
            guard let id = applied.withLock({ $0 }) else {
                Issue.record("nothing was applied for")
                return
            }
            try await withStartedPlatform(AppConfiguration(databaseURL: url, bcryptCost: 4)) { platform in
                try await platform.database.withConnection { sql in
                    try await sql.raw(
                        "UPDATE workflow_cases SET timer_at = 1 WHERE id = (SELECT case_id FROM applications WHERE id = \(bind: id))"
                    ).run()
                }
                #expect(try await platform.workflow.fireDueTimers(node: "test") == 1)
                _ = try await platform.outbox.dispatch()
                _ = try await platform.outbox.dispatch()
                let notices = try await platform.database.withConnection { sql in
                    try await sql.raw("SELECT recipient, body FROM outbox WHERE id LIKE 'esc:%'").all().map {
                        (
                            try $0.decode(column: "recipient", as: String.self),
                            try $0.decode(column: "body", as: String.self)
                        )
                    }
                }
                #expect(notices.count == 2, "one email and one SMS, once")
                #expect(
                    notices.contains {
                        $0.0 == "azamat@moh.example.kg" && $0.1.contains(id) && $0.1.contains("мөөнөтү өттү")
                            && $0.1.contains("истёк")
                    })
            }
        }
    }
}
