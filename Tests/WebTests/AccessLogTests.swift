import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import TestSupport
import Testing

@testable import Web

/// Every request leaves one access log line whose id is the `X-Request-ID` the caller got back,
/// whether the route answered, failed or did not exist.
@Suite struct AccessLogTests {
    @Test func everyRequestHasOneLineWithTheIdItsCallerGot() async throws {
        let lines = CollectedLines()
        var logger = Logger(label: "test") { _ in CollectingHandler(lines: lines) }
        logger.logLevel = .info
        try await withApp(.sqlite, logger: logger) { client, _ async throws in
            for (uri, status) in [
                ("/healthz", HTTPResponse.Status.ok), ("/nowhere", .notFound), ("/api/v1/client", .unauthorized),
            ] {
                let answer = try await client.executeRequest(uri: uri, method: .get, headers: [:], body: nil)
                #expect(answer.status == status, "\(uri)")
                let ids = answer.headers[values: EveryAnswerMiddleware.requestIDHeader]
                #expect(ids.count == 1, "one X-Request-ID on \(uri): \(ids)")
                let id = try #require(ids.first)
                let logged = lines.requests.filter { $0["hb.request.id"] == id }
                #expect(logged.count == 1, "one line for \(uri)")
                #expect(logged.first?["hb.request.path"] == uri && logged.first?["hb.request.method"] == "GET")
            }
        }
    }
}

/// The access log lines a test's logger received, as their metadata printed.
final class CollectedLines: Sendable {
    private let lines = Mutex<[[String: String]]>([])
    var requests: [[String: String]] { lines.withLock { $0 } }
    func add(_ fields: [String: String]) { lines.withLock { $0.append(fields) } }
}

/// Keeps the metadata of every "Request" line.
struct CollectingHandler: LogHandler {
    let lines: CollectedLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.message.description == "Request" else { return }
        let fields = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.add(fields.mapValues(\.description))
    }
}
