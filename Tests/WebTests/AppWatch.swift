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
    static let patience: Duration = .seconds(900)

    func phase(_ phase: String) { state.withLock { $0.phase = phase } }

    func request(_ line: String) { state.withLock { Self.keep(line, in: &$0.requests, last: 12) } }

    func lifecycle(_ line: String) { state.withLock { Self.keep(line, in: &$0.lifecycle, last: 60) } }

    private static func keep(_ line: String, in lines: inout [String], last count: Int) {
        lines.append(line)
        if lines.count > count { lines.removeFirst(lines.count - count) }
    }

    /// How long an application may take to stop once its test has ended.
    static let stopPatience: Duration = .seconds(120)

    /// Runs `test` against `app` (its background services running, as `app.test` does);
    /// true once the application has stopped, false when it is still stopping `stopPatience` after
    /// the test ended. Some runs hung there, every request answered and ServiceLifecycle never
    /// reporting the shutdown: the test's own checks are done by then, so it goes on and the
    /// application is left to itself rather than holding the whole run until CI's time limit.
    func runUntilStoppedOrStuck<App: ApplicationProtocol>(
        _ app: App, setup: TestingSetup, stopPatience: Duration = AppWatch.stopPatience,
        _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws -> Bool where App: Sendable {
        let outcome = OnceContinuation()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.start(continuation)
            Task {
                do {
                    try await app.test(setup) { client in
                        self.phase("running the test")
                        try await test(client)
                        self.phase("stopping the application (every request answered)")
                        Task {
                            try? await Task.sleep(for: stopPatience)
                            outcome.resume(.success(false))
                        }
                    }
                    outcome.resume(.success(true))
                } catch {
                    outcome.resume(.failure(error))
                }
            }
        }
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
/// started and stopped) to an `AppWatch` too when that logger takes debug lines. At the tests'
/// usual level (errors) nothing more is formatted than before: every application of the suite
/// logging at debug level made the whole run slower.
struct WatchLogHandler: LogHandler {
    let watch: AppWatch
    let next: Logger
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level

    init(watch: AppWatch, next: Logger) {
        self.watch = watch
        self.next = next
        logLevel = next.logLevel
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        if source == "ServiceLifecycle" {
            // The service's type, not its description (which prints the whole object graph).
            let service = extra?["sl-service"].map { "\($0)".prefix { $0 != "(" } } ?? ""
            watch.lifecycle("\(message) \(service)")
        }
        next.log(
            level: level, message, metadata: metadata.merging(extra ?? [:]) { $1 }, source: source, file: file,
            function: function, line: line)
    }
}

/// A continuation resumed by whichever outcome comes first; later ones are dropped.
final class OnceContinuation: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Bool, any Error>?, early: Result<Bool, any Error>?)>(
        (nil, nil))

    func start(_ continuation: CheckedContinuation<Bool, any Error>) {
        let early: Result<Bool, any Error>? = state.withLock { state in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func resume(_ result: Result<Bool, any Error>) {
        let continuation: CheckedContinuation<Bool, any Error>? = state.withLock { state in
            if let continuation = state.continuation {
                state.continuation = nil
                state.early = result  // marks it answered
                return continuation
            }
            if state.early == nil { state.early = result }
            return nil
        }
        continuation?.resume(with: result)
    }
}
