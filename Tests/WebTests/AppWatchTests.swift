import Hummingbird
import HummingbirdTesting
import ServiceLifecycle
import Testing

/// The test helper's own guard: an application that never stops does not hold the run.
@Suite struct AppWatchTests {
    /// A background service that ignores the request to stop.
    struct Stubborn: Service {
        func run() async throws {
            while true { try? await Task.sleep(for: .seconds(3600)) }
        }
    }

    @Test func anApplicationThatNeverStopsIsLeftAfterItsTestEnds() async throws {
        let router = Router()
        router.get("/") { _, _ in "ok" }
        let stuck = Application(router: router, services: [Stubborn()])
        let stopped = try await AppWatch().runUntilStoppedOrStuck(stuck, setup: .router, stopPatience: .seconds(1)) {
            client in
            let answer = try await client.executeRequest(uri: "/", method: .get, headers: [:], body: nil)
            #expect(answer.status == .ok)
        }
        #expect(!stopped)
        let fine = Application(router: router)
        #expect(try await AppWatch().runUntilStoppedOrStuck(fine, setup: .router) { _ in })
    }

    @Test func aFailingTestBodyFailsTheRun() async throws {
        struct Failure: Error {}
        let app = Application(router: Router())
        await #expect(throws: Failure.self) {
            _ = try await AppWatch().runUntilStoppedOrStuck(app, setup: .router) { _ in throw Failure() }
        }
    }
}
