import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import App
@testable import Web

/// The e-participation pages as a citizen uses them: sign and withdraw, comment on a passage of
/// the demo draft (in Russian), cast a budget ballot; and every bad form answered beside its field
/// with nothing stored or counted twice.
@Suite struct ParticipationWebTests {
    /// The demo's consultation, petition and budget paths, from the list page.
    static func paths(_ browser: inout Browser) async throws -> (consultation: String, petition: String, budget: String)
    {
        let hub = try await browser.get("/participation")
        #expect(hub.status == .ok)
        func first(_ prefix: String) throws -> String {
            let links = hub.text.components(separatedBy: "href=\"\(prefix)").dropFirst().map {
                prefix + String($0.prefix { $0 != "\"" })
            }
            return try #require(links.first { $0 != Route.petitionNew.rawValue })
        }
        return (try first("/consultations/"), try first("/petitions/"), try first("/budgets/"))
    }

    @Test(arguments: TestEngine.available)
    func aCitizenSignsWithdrawsCommentsAndVotesOnce(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var anonymous = Browser(client)
            let paths = try await Self.paths(&anonymous)
            #expect(try await anonymous.get(paths.petition).text.contains("id=\"petition-signin\""))
            #expect(try await anonymous.get("/petitions/nope").status == .notFound)
            #expect(try await anonymous.get("/budgets/nope").status == .notFound)
            #expect(try await anonymous.get("/consultations/nope").status == .notFound)

            var citizen = Browser(client)
            citizen.acceptLanguage = "ru"
            _ = try await citizen.signIn(PortalTests.citizen)
            // Petition: signed once however often the form is sent; withdrawn; the chart appears.
            let signed = try await citizen.post(paths.petition + "/sign", form: [:])
            #expect(signed.status == .seeOther && signed.headers[.location] == paths.petition)
            #expect(try await citizen.post(paths.petition + "/sign", form: [:]).status == .seeOther)
            let page = try await citizen.get(paths.petition)
            #expect(page.text.contains("id=\"petition-signed\"") && page.text.contains("<svg"))
            #expect(page.text.contains("1 подпись"), "counted once")
            #expect(try await count("participation_signatures", in: url) == 1)
            #expect(try await citizen.post(paths.petition + "/withdraw", form: [:]).status == .seeOther)
            #expect(try await count("participation_signatures", in: url) == 0)
            let again = try await citizen.post(paths.petition + "/withdraw", form: [:])
            #expect(again.status == .unprocessableContent && again.text.contains("id=\"petition-error\""))

            // Consultation: bad comments come back beside their field; a good one is shown.
            let bad: [[String: String]] = [
                ["passage": "1", "text": ""], ["passage": "1", "text": "<script>alert(1)</script>"],
                ["passage": "1", "text": String(repeating: "д", count: 5_001)],
                ["passage": "1", "quote": "слов нет в тексте", "text": "Комментарий к словам."],
                ["passage": "99", "text": "Фрагмента нет."], ["passage": "x", "text": "Номер не число."],
                ["passage": "1", "parent": "no-such-comment", "text": "Ответ в никуда."],
            ]
            for form in bad {
                let answer = try await citizen.post(paths.consultation + "/comments", form: form)
                #expect(answer.status == .unprocessableContent, "\(form)")
                #expect(answer.text.contains("id=\"error-summary\""), "the problem is named at the top")
                if form["passage"] == "1" && form["parent"] == nil {
                    #expect(answer.text.contains("id=\"passage-1-error\""), "and beside the field")
                }
            }
            #expect(try await count("participation_comments", in: url) == 0, "nothing stored")
            let comment = try await citizen.post(
                paths.consultation + "/comments",
                form: [
                    "passage": "2", "quote": "четырнадцати рабочих дней",
                    "text": "Предлагаю сократить срок ответа до семи рабочих дней.",
                ])
            #expect(comment.status == .seeOther && comment.headers[.location]?.contains("#comment-") == true)
            let consultation = try await citizen.get(paths.consultation)
            #expect(consultation.text.contains("Предлагаю сократить срок ответа до семи рабочих дней."))
            #expect(consultation.text.contains("<blockquote>четырнадцати рабочих дней</blockquote>"))

            // Budget: over the budget refused beside the choices; one ballot per person.
            let budget = try await citizen.get(paths.budget)
            let choices = budget.text.components(separatedBy: "name=\"choices\" value=\"").dropFirst().map {
                String($0.prefix { $0 != "\"" })
            }
            #expect(choices.count == 4)
            let over = try await citizen.post(paths.budget + "/ballot", pairs: choices.map { ("choices", $0) })
            #expect(over.status == .unprocessableContent && over.text.contains("id=\"choices-error\""))
            #expect(try await count("participation_ballots", in: url) == 0)
            let cast = try await citizen.post(
                paths.budget + "/ballot", pairs: [("choices", choices[0]), ("choices", choices[2])])
            #expect(cast.status == .seeOther)
            #expect(
                try await citizen.post(paths.budget + "/ballot", pairs: [("choices", choices[1])]).status == .seeOther)
            #expect(try await count("participation_ballots", in: url) == 1, "one ballot per person")
            #expect(try await citizen.get(paths.budget).text.contains("id=\"budget-voted\""))
            #expect(
                try await citizen.get("/cabinet/data-access").text.contains("Место жительства прочитано"),
                "reading where they live, to count them by region, is in their \"who looked at my data\"")

            // A resident of Osh does not vote in Bishkek's budget.
            var other = Browser(client)
            _ = try await other.signIn(PortalTests.otherCitizen)
            let foreign = try await other.post(paths.budget + "/ballot", pairs: [("choices", choices[1])])
            #expect(foreign.status == .unprocessableContent)
            #expect(try await count("participation_ballots", in: url) == 1)
        }
    }
}
