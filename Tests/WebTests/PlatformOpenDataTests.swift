import Core
import Foundation
import OpenData
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
            let platform = try await Platform.start(
                AppConfiguration(databaseURL: url, seedDemoData: true, bcryptCost: 4), logger: TestLog.quiet)
            do {
                _ = try await platform.ledger.signCheckpoint()
                let published = try await platform.ownOpenData.publish()
                #expect(Set(published) == ["service-performance", "registry-sizes", "ledger-checkpoint"])
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
            } catch {
                Issue.record(error)
            }
            await platform.database.shutdown()
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
