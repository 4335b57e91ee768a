import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import App
@testable import Web

/// The officials' side, as the city hall's head uses it: a draft published from a form, a comment
/// answered for the report; a budget opened, a resident's proposal reviewed, phases moved. Bad forms
/// come back beside their field; other agencies' officials and citizens cannot act.
@Suite struct OfficeParticipationWebTests {
    static let cityHallHead = "11003198100266"
    static let registrationHead = "13009197500333"

    static func id(after prefix: String, in response: TestResponse) throws -> String {
        let location = try #require(response.headers[.location])
        return String(try #require(location.components(separatedBy: prefix).last).prefix { $0 != "#" && $0 != "?" })
    }

    @Test(arguments: TestEngine.available)
    func theCityHallPublishesADraftAnswersACommentAndRunsABudget(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var head = Browser(client)
            _ = try await head.signIn(Self.cityHallHead)
            #expect(try await head.get("/office/participation").status == .ok)
            let short = try await head.post(
                "/office/participation/consultations",
                form: ["title": "A city rule", "text": "Too short.", "days": "30"])
            #expect(short.status == .unprocessableContent && short.text.contains("id=\"draft-text-error\""))
            let text = "Article 1. Dogs are walked on a lead in parks.\n\nArticle 2. Owners clean up after their dogs."
            let published = try await head.post(
                "/office/participation/consultations",
                form: ["title": "City rules for keeping dogs", "text": text, "days": "30"])
            #expect(published.status == .seeOther)
            let consultation = try Self.id(after: "/office/consultations/", in: published)

            var citizen = Browser(client)
            _ = try await citizen.signIn(PortalTests.citizen)
            let posted = try await citizen.post(
                "/consultations/\(consultation)/comments", form: ["passage": "1", "text": "Add fines, please."])
            let comment = try Self.id(after: "#comment-", in: posted)
            #expect(try await citizen.get("/office/participation").status == .forbidden)

            let noHandling = try await head.post(
                "/office/comments/\(comment)/answer", form: ["response": "We add a fine of 500 som."])
            #expect(noHandling.status == .unprocessableContent && noHandling.text.contains("-handling-error\""))
            let answered = try await head.post(
                "/office/comments/\(comment)/answer",
                form: ["handling": "accepted", "response": "We add a fine of 500 som."])
            #expect(answered.status == .seeOther)
            #expect(try await citizen.get("/consultations/\(consultation)").text.contains("We add a fine of 500 som."))
            let final = try await head.post(
                "/office/consultations/\(consultation)/versions",
                form: ["text": text + "\n\nArticle 3. A fine of 500 som.", "note": "Fines added.", "final": "1"])
            #expect(final.status == .seeOther)
            let closed = try await citizen.get("/consultations/\(consultation)").text
            #expect(closed.contains("id=\"consultation-report\"") && closed.contains("Article 3. A fine of 500 som."))
            #expect(
                try await citizen.post(
                    "/consultations/\(consultation)/comments", form: ["passage": "0", "text": "Too late now?"]
                ).status == .conflict, "no comments after the final text")

            var other = Browser(client)
            _ = try await other.signIn(Self.registrationHead)
            #expect(try await other.get("/office/consultations/\(consultation)").status == .notFound, "not their draft")
            #expect(
                try await other.post(
                    "/office/comments/\(comment)/answer",
                    form: ["handling": "noted", "response": "Not ours to answer."]
                )
                .status == .notFound)

            // A budget: opened, a proposal from a resident, reviewed, to voting.
            let badTotal = try await head.post(
                "/office/participation/budgets",
                form: ["title": "Bishkek 2028", "area": "BIS", "total": "lots", "days": "60"])
            #expect(badTotal.status == .unprocessableContent && badTotal.text.contains("id=\"budget-total-error\""))
            let opened = try await head.post(
                "/office/participation/budgets",
                form: ["title": "Bishkek 2028", "area": "BIS", "total": "5000000", "days": "60"])
            let budget = try Self.id(after: "/office/budgets/", in: opened)
            let badCost = try await citizen.post(
                "/budgets/\(budget)/proposals",
                form: ["title": "Trees on Chui", "body": "Plant a hundred trees on Chui avenue.", "cost": "99999999"])
            #expect(badCost.status == .unprocessableContent && badCost.text.contains("id=\"proposal-cost-error\""))
            #expect(
                try await citizen.post(
                    "/budgets/\(budget)/proposals",
                    form: ["title": "Trees on Chui", "body": "Plant a hundred trees on Chui avenue.", "cost": "800000"]
                ).status == .seeOther)
            #expect(try await count("participation_proposals", in: url) >= 1)
            #expect(try await other.post("/office/budgets/\(budget)/advance", form: [:]).status == .notFound)
            #expect(try await head.post("/office/budgets/\(budget)/advance", form: [:]).status == .seeOther)
            let page = try await head.get("/office/budgets/\(budget)")
            let proposal = try #require(
                page.text.components(separatedBy: "id=\"proposal-").dropFirst().first.map {
                    String($0.prefix { $0 != "\"" })
                })
            let noReason = try await head.post(
                "/office/budgets/\(budget)/proposals/\(proposal)",
                form: ["feasibility": "unfeasible", "cost": "800000"])
            #expect(noReason.status == .unprocessableContent && noReason.text.contains("-reason-error\""))
            #expect(
                try await head.post(
                    "/office/budgets/\(budget)/proposals/\(proposal)",
                    form: ["feasibility": "feasible", "cost": "750000"]
                ).status == .seeOther)
            #expect(try await head.post("/office/budgets/\(budget)/advance", form: [:]).status == .seeOther)
            let ballot = try await citizen.get("/budgets/\(budget)")
            #expect(ballot.text.contains("name=\"choices\" value=\"\(proposal)\""))
        }
    }
}
