import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import App
@testable import Web

/// A petition started from the portal, co-sponsored, checked by a moderator and opened; a comment
/// reported and hidden from the moderation queue; and nobody but a moderator reaching the queue.
@Suite struct ModerationWebTests {
    @Test(arguments: TestEngine.available)
    func aPetitionGoesFromTheFormThroughCoSponsorsAndModerationToSignatures(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var author = Browser(client)
            _ = try await author.signIn(PortalTests.citizen)
            #expect(try await author.get("/petitions/new").status == .ok)
            let before = try await count("participation_petitions", in: url)
            for bad in [
                ["title": "", "body": "A body long enough for a petition.", "level": "national", "days": "30"],
                [
                    "title": "Markup <b>here</b> please", "body": "A body long enough.", "level": "national",
                    "days": "30",
                ],
                ["title": "A good title here", "body": "A body long enough for a petition.", "level": "galactic"],
                [
                    "title": "A good title here", "body": "A body long enough for a petition.", "level": "national",
                    "days": "9999999999999999999999",
                ],
            ] {
                let answer = try await author.post("/petitions/new", form: bad)
                #expect(answer.status == .unprocessableContent, "\(bad)")
                #expect(answer.text.contains("class=\"error\"") && answer.text.contains("id=\"error-summary\""))
            }
            #expect(try await count("participation_petitions", in: url) == before, "nothing stored")
            let created = try await author.post(
                "/petitions/new",
                form: [
                    "title": "Ramps at every clinic", "body": "Every clinic in Bishkek should have a ramp.",
                    "level": "city", "area": "BIS", "days": "60",
                ])
            #expect(created.status == .seeOther)
            let path = try #require(created.headers[.location])
            #expect(try await author.get(path).text.contains("id=\"petition-sponsors\""))
            #expect(
                try await author.post(path + "/sponsor", form: [:]).status == .unprocessableContent, "not the author")

            for sponsor in [PortalTests.otherCitizen, "22511197901022"] {
                var browser = Browser(client)
                _ = try await browser.signIn(sponsor)
                #expect(try await browser.post(path + "/sponsor", form: [:]).status == .seeOther)
            }
            #expect(try await author.get(path).text.contains("id=\"petition-awaiting\""))
            #expect(try await author.get("/office/moderation").status == .forbidden, "citizens do not moderate")
            var clerk = Browser(client)
            _ = try await clerk.signIn(PortalTests.clerk)
            #expect(try await clerk.get("/office/moderation").status == .forbidden, "nor do clerks")

            var moderator = Browser(client)
            _ = try await moderator.signIn(PortalTests.admin)
            let queue = try await moderator.get("/office/moderation")
            #expect(queue.status == .ok && queue.text.contains("Ramps at every clinic"))
            let id = String(path.dropFirst("/petitions/".count))
            let reject = try await moderator.post("/office/moderation/petitions/\(id)", form: ["decision": "reject"])
            #expect(reject.status == .unprocessableContent, "a rejection names the rule")
            let unknown = try await moderator.post("/office/moderation/petitions/\(id)", form: ["decision": "maybe"])
            #expect(unknown.status == .unprocessableContent)
            let approve = try await moderator.post("/office/moderation/petitions/\(id)", form: ["decision": "approve"])
            #expect(approve.status == .seeOther)
            #expect(
                try await moderator.post("/office/moderation/petitions/\(id)", form: ["decision": "approve"]).status
                    == .conflict, "decided once")
            #expect(try await author.get(path).text.contains("id=\"sign-petition\""))
        }
    }

    @Test(arguments: TestEngine.available)
    func aReportedCommentIsHiddenWithTheRuleNamed(engine: TestEngine) async throws {
        try await withApp(engine) { client, _ async throws in
            var citizen = Browser(client)
            _ = try await citizen.signIn(PortalTests.citizen)
            let paths = try await ParticipationWebTests.paths(&citizen)
            let posted = try await citizen.post(
                paths.consultation + "/comments", form: ["passage": "0", "text": "Call 0555 123 456 for details."])
            let comment = try #require(posted.headers[.location]?.components(separatedBy: "#comment-").last)

            var reporter = Browser(client)
            _ = try await reporter.signIn(PortalTests.otherCitizen)
            #expect(
                try await reporter.post("/reports", form: ["target": "comment:\(comment)", "reason": "rude"]).status
                    == .unprocessableContent, "an unknown rule")
            #expect(
                try await reporter.post("/reports", form: ["target": "nonsense", "reason": "spam"]).status
                    == .notFound)
            let filed = try await reporter.post(
                "/reports",
                form: ["target": "comment:\(comment)", "reason": "personal_data", "note": "A phone number."])
            #expect(filed.status == .seeOther)

            var moderator = Browser(client)
            _ = try await moderator.signIn(PortalTests.admin)
            let queue = try await moderator.get("/office/moderation")
            let report = try #require(
                queue.text.components(separatedBy: "id=\"hide-").dropFirst().first.map {
                    String($0.prefix { $0 != "\"" })
                })
            #expect(
                try await moderator.post("/office/moderation/reports/\(report)", form: ["decision": "hide"]).status
                    == .seeOther)
            let page = try await citizen.get(paths.consultation).text
            #expect(page.contains("id=\"comment-\(comment)-hidden\"") && !page.contains("0555 123 456"))
        }
    }
}
