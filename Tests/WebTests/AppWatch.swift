import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// What a test's application is doing, printed when `withApp` takes far longer than any test
/// should: a CI run once hung for an hour in one test and showed nothing. The report says whether
/// a request was never answered or the application never finished stopping, and which of its
/// background services had not stopped (ServiceLifecycle's own log lines).
final class AppWatch: Sendable {
    private struct State {
        var phase = "starting"
        var requests: [String] = []
        var lifecycle: [String] = []
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now

    /// How long a `withApp` may run before its report is printed.
    static let patience: Duration = .seconds(400)

    func phase(_ phase: String) { state.withLock { $0.phase = phase } }

    func request(_ line: String) { state.withLock { Self.keep(line, in: &$0.requests, last: 12) } }

    func lifecycle(_ line: String) { state.withLock { Self.keep(line, in: &$0.lifecycle, last: 60) } }

    private static func keep(_ line: String, in lines: inout [String], last count: Int) {
        lines.append(line)
        if lines.count > count { lines.removeFirst(lines.count - count) }
    }

    /// Prints the report once `patience` has passed, unless cancelled first.
    func alarm(for test: String) -> Task<Void, Never> {
        Task {
            guard (try? await Task.sleep(for: Self.patience)) != nil else { return }
            let report = state.withLock { state in
                (["withApp in \(test) still running after \(ContinuousClock.now - started), \(state.phase)"]
                    + state.requests.map { "  request \($0)" } + state.lifecycle.map { "  lifecycle \($0)" })
                    .joined(separator: "\n")
            }
            print(report)
        }
    }
}

/// A test client that tells an `AppWatch` about every request and its answer.
struct WatchedClient: TestClientProtocol {
    let client: any TestClientProtocol
    let watch: AppWatch

    var port: Int? { client.port }

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?)
        async throws -> TestResponse
    {
        watch.request("sent \(method) \(uri)")
        do {
            let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
            watch.request("answered \(response.status.code) \(method) \(uri)")
            return response
        } catch {
            watch.request("failed \(method) \(uri): \(error)")
            throw error
        }
    }
}

/// Passes every line on to the test's own logger, and ServiceLifecycle's lines (which services
/// started and stopped) to an `AppWatch` too.
struct WatchLogHandler: LogHandler {
    let watch: AppWatch
    let next: Logger
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level

    init(watch: AppWatch, next: Logger) {
        self.watch = watch
        self.next = next
        logLevel = min(next.logLevel, .debug)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        if source == "ServiceLifecycle" { watch.lifecycle("\(message) \(extra ?? [:])") }
        guard level >= next.logLevel else { return }
        next.log(
            level: level, message, metadata: metadata.merging(extra ?? [:]) { $1 }, source: source, file: file,
            function: function, line: line)
    }
}
