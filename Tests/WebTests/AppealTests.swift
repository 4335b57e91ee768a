import Core
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

@testable import Web

/// A refusal can be appealed: the page says until when and to whom; the head of the agency decides;
/// each step is a case step with its ledger entry.
@Suite struct AppealTests {
    static let bchClerk = "21908198700148"

    /// The applicant of a building permit and the heads of its two stages, signed in.
    static func parties(_ client: any TestClientProtocol) async throws -> (Browser, Browser, Browser) {
        var applicant = Browser(client)
        _ = try await applicant.signIn(ServicesWebTests.other)
        var srs = Browser(client)
        _ = try await srs.signIn(ServicesWebTests.srsHead)
        var bch = Browser(client)
        _ = try await bch.signIn(ServicesWebTests.bchHead)
        return (applicant, srs, bch)
    }

    /// A building permit refused by the city hall's head; returns its tracking number.
    static func refusedPermit(
        _ applicant: inout Browser, srs: inout Browser, bch: inout Browser, reason: String
    ) async throws -> String {
        let id = try await ServicesWebTests.apply(
            &applicant, "building-permit",
            ["parcel": "1-01-01-0000-0001", "zone": "residential", "floors": "3", "area": "250"],
            files: ["site_plan": ("plan.png", ServicesWebTests.png)])
        _ = try await srs.post(
            "/office/cases/\(id)/decide", form: ["action": "confirm_title", "reason": "Право подтверждено"])
        let refused = try await bch.post("/office/cases/\(id)/decide", form: ["action": "refuse", "reason": reason])
        #expect(refused.status == .seeOther)
        return id
    }

    /// The kinds of the ledger entries written since `from` entries.
    static func kinds(since from: Int, _ client: any TestClientProtocol, url: String) async throws -> [String] {
        let size = try await count("ledger_entries", in: url)
        var kinds: [String] = []
        for index in from..<size {
            let entry = try await client.executeRequest(
                uri: "/ledger/entries/\(index).json", method: .get, headers: [:], body: nil
            ).json()
            kinds.append((entry["event"] as? [String: Any])?["kind"] as? String ?? "?")
        }
        return kinds
    }

    @Test(arguments: TestEngine.available)
    func aRefusalIsAppealedToTheHeadWhoSetsItAsideAndTheCaseIsExaminedAgain(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var (applicant, srs, bch) = try await Self.parties(client)
            let id = try await Self.refusedPermit(&applicant, srs: &srs, bch: &bch, reason: "Проект не согласован")

            // The refusal says until when and to whom it can be appealed.
            var page = try await applicant.get("/cabinet/applications/\(id)")
            #expect(ServicesWebTests.status(page) == "refused")
            let until = DisplayTime.date(CalendarDate(bishkekDayOf: Clock.system.seconds).adding(days: 30), .en)
            #expect(page.text.contains("You can appeal this refusal until \(until) to the head of Bishkek City Hall"))

            // Bad input and strangers change nothing.
            let before = try await count("ledger_entries", in: url)
            let empty = try await applicant.post("/cabinet/applications/\(id)/appeal", form: ["appeal": "  "])
            #expect(empty.status == .unprocessableContent && empty.text.contains(#"id="appeal-error""#))
            #expect(empty.text.contains(##"<a href="#appeal">"##))
            let long = try await applicant.post(
                "/cabinet/applications/\(id)/appeal", form: ["appeal": String(repeating: "я", count: 2001)])
            #expect(long.status == .unprocessableContent)
            var stranger = Browser(client)
            _ = try await stranger.signIn(PortalTests.citizen)
            #expect(
                try await stranger.post("/cabinet/applications/\(id)/appeal", form: ["appeal": "мне не нравится"])
                    .status == .notFound)
            #expect(try await count("application_appeals", in: url) == 0)
            #expect(try await count("ledger_entries", in: url) == before)

            // The appeal: the application is under appeal, the appeal's case starts (a ledger entry).
            page = try await applicant.submit(
                "/cabinet/applications/\(id)/appeal", form: ["appeal": "Проект согласован с ГУАиГ, письмо приложено"])
            #expect(ServicesWebTests.status(page) == "under_appeal" && page.text.contains("Your appeal is sent"))
            #expect(page.text.contains("Проект согласован с ГУАиГ") && !page.text.contains(#"id="send-appeal""#))
            #expect(try await Self.kinds(since: before, client, url: url).contains("workflow.case.started"))
            #expect(
                try await applicant.post("/cabinet/applications/\(id)/appeal", form: ["appeal": "ещё раз"]).status
                    == .conflict, "one appeal")

            // The head sees it in the inbox with the grounds; a clerk of the agency may not decide it.
            #expect(try await bch.get("/office/inbox").text.contains(id))
            let file = try await bch.get("/office/cases/\(id)")
            #expect(file.text.contains("The applicant&#39;s appeal") || file.text.contains("The applicant's appeal"))
            #expect(file.text.contains("Проект согласован с ГУАиГ") && file.text.contains(#"value="overturn_refusal""#))
            var clerk = Browser(client)
            _ = try await clerk.signIn(Self.bchClerk)
            #expect(
                try await clerk.post(
                    "/office/cases/\(id)/decide", form: ["action": "overturn_refusal", "reason": "x"]
                ).status == .forbidden)

            // Set aside: the city hall examines the application again, and this time approves it.
            let decided = try await count("ledger_entries", in: url)
            #expect(
                try await bch.post(
                    "/office/cases/\(id)/decide", form: ["action": "overturn_refusal", "reason": "Письмо ГУАиГ есть"]
                ).status == .seeOther)
            let kinds = try await Self.kinds(since: decided, client, url: url)
            #expect(kinds.contains("workflow.case.transition") && kinds.contains("workflow.case.started"), "\(kinds)")
            page = try await applicant.get("/cabinet/applications/\(id)")
            #expect(ServicesWebTests.status(page) == "in_progress" && page.text.contains("Письмо ГУАиГ есть"))
            let approved = try await bch.post(
                "/office/cases/\(id)/decide", form: ["action": "approve", "reason": "Согласовано"])
            #expect(approved.status == .seeOther, "\(approved.status) \(approved.text.prefix(2000))")
            #expect(ServicesWebTests.status(try await applicant.get("/cabinet/applications/\(id)")) == "issued")
        }
    }

    @Test(arguments: TestEngine.available)
    func anUpheldRefusalStandsAndCannotBeAppealedAgain(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var (applicant, srs, bch) = try await Self.parties(client)
            let id = try await Self.refusedPermit(&applicant, srs: &srs, bch: &bch, reason: "Нарушены отступы")
            _ = try await applicant.submit("/cabinet/applications/\(id)/appeal", form: ["appeal": "Отступы соблюдены"])
            let before = try await count("ledger_entries", in: url)
            #expect(
                try await bch.post(
                    "/office/cases/\(id)/decide", form: ["action": "uphold_refusal", "reason": "Отступ 2 м вместо 3 м"]
                ).status == .seeOther)
            #expect(try await Self.kinds(since: before, client, url: url).contains("workflow.case.transition"))
            let page = try await applicant.get("/cabinet/applications/\(id)")
            #expect(ServicesWebTests.status(page) == "refused" && page.text.contains("Отступ 2 м вместо 3 м"))
            #expect(!page.text.contains(#"id="send-appeal""#) && !page.text.contains("You can appeal"))
            #expect(
                try await applicant.post("/cabinet/applications/\(id)/appeal", form: ["appeal": "снова"]).status
                    == .conflict)
        }
    }
}
