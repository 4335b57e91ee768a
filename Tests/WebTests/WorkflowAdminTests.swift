import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

@testable import Web

/// The administrator's workflow pages: publish (refused with the paths at fault), diagram, simulator, holidays.
@Suite struct WorkflowAdminTests {
    static let subsidy = """
        id: farm-subsidy-pilot
        version: 1
        title: Agricultural land subsidy
        states:
          - {id: submitted, start: true, sla: 3}
          - {id: review, sla: 10}
          - {id: granted, terminal: true}
          - {id: refused, terminal: true}
        actions:
          - {id: accept, from: [submitted], to: review, roles: [clerk]}
          - {id: grant, from: [review], to: granted, roles: [head], guard: "subsidy.eligible == true"}
          - {id: refuse, from: [review], to: refused, roles: [head, specialist]}
        automatic:
          - state: review
            steps: [{decide: subsidy}]
        decisionTables:
          - name: subsidy
            hitPolicy: UNIQUE
            inputs: [hectares, crop]
            outputs: [eligible, amount]
            rules:
              - {when: ["< 1", "-"], then: ["false", "0"]}
              - {when: [">= 1", "['wheat', 'barley']"], then: ["true", "hectares * 4000"]}
              - {when: [">= 1", "'potato'"], then: ["true", "hectares * 2500"]}
        """

    @Test(arguments: TestEngine.available)
    func administratorsPublishSeeTheDiagramAndSimulateDecisions(engine: TestEngine) async throws {
        try await withApp(engine) { client, url async throws in
            var admin = Browser(client)
            _ = try await admin.signIn(PortalTests.admin)
            #expect(try await admin.get("/admin/workflow").status == .ok)
            let demoDefinitions = try await count("workflow_definitions", in: url)

            let broken = Self.subsidy.replacingOccurrences(of: "to: granted", with: "to: grnted")
            let refused = try await admin.post("/admin/workflow", form: ["definition": broken])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("/actions/1/to: unknown state grnted") && refused.text.contains("line 11"))
            #expect(try await count("workflow_definitions", in: url) == demoDefinitions, "nothing stored")

            let published = try await admin.post("/admin/workflow", form: ["definition": Self.subsidy])
            #expect(
                published.status == .seeOther && published.headers[.location] == "/admin/workflow/farm-subsidy-pilot/1")
            #expect(try await admin.post("/admin/workflow", form: ["definition": Self.subsidy]).status == .conflict)
            let page = try await admin.get("/admin/workflow/farm-subsidy-pilot/1")
            #expect(
                page.status == .ok && page.text.contains("<svg class=\"diagram\"")
                    && page.text.contains(">review</text>"))

            let decided = try await admin.post(
                "/admin/workflow/farm-subsidy-pilot/1/simulate",
                form: ["table": "subsidy", "facts": "hectares = 3\ncrop = 'wheat'"])
            #expect(
                decided.status == .ok && decided.text.contains("Rule that fired: 2") && decided.text.contains("12000"))
            let none = try await admin.post(
                "/admin/workflow/farm-subsidy-pilot/1/simulate",
                form: ["table": "subsidy", "facts": "hectares = 3\ncrop = 'cotton'"])
            #expect(none.text.contains("No rule matches"))
            let bad = try await admin.post(
                "/admin/workflow/farm-subsidy-pilot/1/simulate", form: ["table": "subsidy", "facts": "hectares = = 3"])
            #expect(bad.status == .unprocessableContent && bad.text.contains("facts-error"))

            let holiday = try await admin.post(
                "/admin/workflow/holidays", form: ["day": "2026-12-31", "name": "New Year's Eve (by decree)"])
            #expect(holiday.status == .seeOther)
            #expect(try await admin.get("/admin/workflow").text.contains("31 Dec 2026"))
            #expect(
                try await admin.post("/admin/workflow/holidays", form: ["day": "31.12.2026", "remove": "1"]).status
                    == .seeOther, "typed as pages show dates")
            #expect(
                try await admin.post("/admin/workflow/holidays", form: ["day": "31/12/2026"]).status
                    == .unprocessableContent)

            // Version 2 and a migration from 1, with its report.
            _ = try await admin.post(
                "/admin/workflow",
                form: ["definition": Self.subsidy.replacingOccurrences(of: "version: 1", with: "version: 2")])
            let moved = try await admin.post("/admin/workflow/farm-subsidy-pilot/2/migrate", form: ["from": "1"])
            #expect(moved.status == .ok && moved.text.contains("Cases moved: 0"))
            #expect(
                try await admin.post("/admin/workflow/farm-subsidy-pilot/2/migrate", form: ["from": "2"]).status
                    == .badRequest)

            // Only administrators.
            var clerk = Browser(client)
            _ = try await clerk.signIn(PortalTests.clerk)
            #expect(try await clerk.get("/admin/workflow").status == .forbidden)
            #expect(try await clerk.post("/admin/workflow", form: ["definition": Self.subsidy]).status == .forbidden)
        }
    }
}
