import Core
import Foundation
import Identity
import Registries
import TestSupport
import Testing
import Workflow

@testable import App
@testable import Web

/// A workflow's lookup step reads a real registry within the agency's rights, and the read shows
/// up in the person's "Who looked at my data" with the case number.
@Suite struct WorkflowRegistryBridgeTests {
    static let certificate = """
        id: criminal-record-check
        version: 1
        title: Certificate of no criminal record
        states:
          - {id: submitted, start: true}
          - {id: review, sla: 5}
          - {id: issued, terminal: true}
          - {id: refused, terminal: true}
        actions:
          - {id: certify, from: [submitted], to: issued}
          - {id: to_review, from: [submitted], to: review}
          - {id: refuse, from: [review], to: refused, roles: [specialist]}
          - {id: issue, from: [review], to: issued, roles: [specialist]}
        automatic:
          - state: submitted
            steps: [{lookup: {registry: criminal_records, key: applicant.pin, into: record}}]
            then: [{when: "record.found == false or record.expunged == true", action: certify}, {action: to_review}]
        """

    @Test(arguments: TestEngine.available)
    func lookupStepsReadRegistriesWithinTheAgencysRightsAndAreLogged(engine: TestEngine) async throws {
        try await engine.withDatabaseURL { url in
            try await withStartedPlatform(AppConfiguration(databaseURL: url, bcryptCost: 4, demoRegistrySize: 30)) {
                platform in
                try await platform.workflow.publish(Self.certificate, by: .agency("MOJ"))
                // The demo's criminal record CR-000009, not expunged (9 is odd).
                let convicted = SyntheticPopulation.row(9)[0]
                let clean = try await platform.workflow.start(
                    "criminal-record-check", agency: "MOJ", applicant: "11207199000417",
                    facts: ["applicant.pin": "11207199000417"], documents: [], by: .subjectThemself)
                #expect(clean.state == "issued", "no record: decided automatically")
                let flagged = try await platform.workflow.start(
                    "criminal-record-check", agency: "MOJ", applicant: convicted,
                    facts: ["applicant.pin": .string(convicted)], documents: [], by: .subjectThemself)
                #expect(flagged.state == "review" && flagged.facts["record.article"] != nil)
                let reads = try await platform.registries.accessLog(pin: convicted)
                #expect(
                    reads.count == 1 && reads.first?.caseNumber == flagged.id && reads.first?.readerKind == "system"
                        && reads.first?.agencyCode == "MOJ")
                #expect(
                    try await platform.registries.accessLog(pin: "11207199000417").isEmpty,
                    "nothing was read about the clean applicant: no record exists")
                // An agency without the right to the registry: the step fails and the case is not started.
                await #expect(throws: DomainError.forbidden) {
                    try await platform.workflow.start(
                        "criminal-record-check", agency: "MOH", applicant: convicted,
                        facts: ["applicant.pin": .string(convicted)], documents: [], by: .subjectThemself)
                }
            }
        }
    }
}
