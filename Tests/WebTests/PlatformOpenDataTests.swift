import Core
import Foundation
import Identity
import OpenData
import Participation
import Registries
import Storage
import TestSupport
import Testing

@testable import App

/// The platform publishes open data about itself through the portal's own path, once per change,
/// and never a count small enough to single a person out.
@Suite struct PlatformOpenDataTests {
    @Test(arguments: TestEngine.available)
    func thePlatformPublishesItsOwnFiguresWithSmallCountsLeftEmpty(engine: TestEngine) async throws {
        try await engine.withDatabaseURL { url in
            try await withStartedPlatform(AppConfiguration(databaseURL: url, seedDemoData: true, bcryptCost: 4)) {
                platform in
                _ = try await platform.ledger.signCheckpoint()
                let published = try await platform.ownOpenData.publish()
                #expect(
                    Set(published) == [
                        "service-performance", "registry-sizes", "ledger-checkpoint", "petitions",
                        "petition-signatures-by-region", "participatory-budget-results", "programme-indicators",
                        "ict-statistics",
                    ])
                #expect(try await platform.ownOpenData.publish().isEmpty, "nothing changed, nothing published")

                let openData = platform.web.openData
                let performance = try await openData.dataset("service-performance")
                #expect(performance.organization == "taza-koom" && performance.resources.count == 1)
                let rows = try await Self.records(openData, performance)
                let statistics = try await platform.applications.statistics()
                #expect(rows.count == statistics.count)
                for (row, figures) in zip(rows, statistics.sorted { $0.serviceID < $1.serviceID }) {
                    #expect(row[1] == .string(figures.serviceID))
                    for (cell, count) in zip(
                        row[3...6], [figures.applications, figures.decided, figures.backlog, figures.withdrawn])
                    {
                        if (1...4).contains(count) {
                            #expect(cell == .null, "a count of \(count) is left empty")
                        } else {
                            #expect(cell == .number(Double(count)))
                        }
                    }
                }
                let sizes = try await Self.records(openData, try await openData.dataset("registry-sizes"))
                let counts = try await platform.registries.recordCounts()
                let population = try #require(sizes.first { $0[1] == .string("population") })
                #expect(population[4] == .number(Double(counts["population"] ?? -1)))
                let checkpoint = try await Self.records(openData, try await openData.dataset("ledger-checkpoint"))
                #expect(
                    checkpoint.first?[3] == .string(try #require(try await platform.ledger.latestCheckpoint()).note))

                // A changed figure is a new version of its dataset; the old table stays with the old version.
                _ = try await platform.ledger.signCheckpoint()
                #expect(try await platform.ownOpenData.publish() == ["ledger-checkpoint"])
                let again = try await openData.dataset("ledger-checkpoint")
                #expect(again.version == 3 && again.resources.count == 1)
                #expect(
                    try await openData.dataset("ledger-checkpoint", version: 2).resources.first?.id
                        != again.resources.first?.id)
            }
        }
    }

    /// Petitions and budget results go out through the same path, with small regional counts left
    /// empty, and agree with the tallies people see.
    @Test(arguments: TestEngine.available)
    func petitionTalliesAndBudgetResultsArePublished(engine: TestEngine) async throws {
        try await engine.withDatabaseURL { url in
            try await withStartedPlatform(AppConfiguration(databaseURL: url, seedDemoData: true, bcryptCost: 4)) {
                platform in
                let participation = platform.web.participation
                let petition = try #require(try await participation.petitions.petitions().first)
                for n in 0..<8 {
                    _ = try await participation.petitions.sign(
                        petition.id,
                        by: Principal(
                            pin: "2990119850\(String(format: "%04d", n))", displayName: "Signer", post: nil,
                            assurance: .substantial),
                        region: n < 6 ? "BIS" : "OSC", district: n < 6 ? "BIS-LEN" : "OSC-1")
                }
                let budget = try #require(try await participation.budgets.budgets().first)
                let projects = try await participation.budgets.proposals(of: budget.id)
                for n in 0..<3 {
                    _ = try await participation.budgets.vote(
                        budget.id, for: [projects[0].id],
                        by: Principal(
                            pin: "2990119860\(String(format: "%04d", n))", displayName: "Voter", post: nil,
                            assurance: .substantial), region: "BIS")
                }
                let cityHall = Principal(
                    pin: "11003198100266", displayName: "Head",
                    post: OfficialPost(agencyCode: "BCH", position: "Head", roles: [.head]))
                _ = try await participation.budgets.advance(budget.id, by: cityHall)
                _ = try await platform.ownOpenData.publish()

                let openData = platform.web.openData
                let petitions = try await Self.records(openData, try await openData.dataset("petitions"))
                let row = try #require(petitions.first { $0[1] == .string(petition.id) })
                #expect(row[9] == .number(8) && row[5] == .string("open"))
                let regions = try await Self.records(
                    openData, try await openData.dataset("petition-signatures-by-region"))
                #expect(regions.contains { $0[2] == .string("BIS") && $0[3] == .number(6) })
                #expect(regions.contains { $0[2] == .string("OSC") && $0[3] == .null }, "2 signatures: left empty")
                let results = try await Self.records(
                    openData, try await openData.dataset("participatory-budget-results"))
                #expect(results.count == projects.filter { $0.feasibility == .feasible }.count)
                let funded = try #require(results.first { $0[4] == .string(projects[0].id) })
                #expect(funded[7] == .number(3) && funded[8] == .bool(true))
            }
        }
    }

    static func records(_ openData: OpenDataService, _ dataset: Dataset) async throws -> [[JSONValue]] {
        let resource = try #require(dataset.resources.first)
        let table = try #require(resource.datastore)
        return try await openData.store.rows(
            DatastoreQuery(
                table: DatastoreTableName(resourceID: resource.id, version: table.version), schema: table.schema,
                fields: Array(table.schema.fields.indices), limit: 1_000)
        ).records
    }
}
