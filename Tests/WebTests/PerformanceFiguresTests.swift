import TestSupport
import Testing

@testable import App
@testable import Services

/// The public dashboard's figures read every decided application: they are made once per
/// `PerformanceFigures.lifetime`, not on every page view, and are then shown as made.
@Suite struct PerformanceFiguresTests {
    @Test(arguments: TestEngine.available) func figuresAreMadeOncePerLifetime(_ engine: TestEngine) async throws {
        try await ReconciliationTests.withPlatform(engine) { platform in
            let total = { (figures: [ServiceStatistics]) in figures.reduce(0) { $0 + $1.applications } }
            let shown = try await platform.applications.statistics()
            _ = try await ReconciliationTests.journey(platform)
            #expect(try await platform.applications.statistics() == shown, "shown as made, not measured again")
            let measured = try await platform.applications.measuredPerformance()
            #expect(total(measured.services) == total(shown) + 1)
            #expect(measured.overall.decided == (try await platform.applications.performance()).overall.decided + 1)
        }
    }
}
