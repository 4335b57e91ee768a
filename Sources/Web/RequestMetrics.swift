import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// The request metrics Hummingbird's `MetricsMiddleware` records, under the same names and
/// dimensions, kept by route so a request looks its counters up once instead of asking the
/// metrics backend: `hb.requests` and `http.server.request.duration` by route, method and status,
/// `hb.request.errors` by route, method and status for answers made from an error, and
/// `http.server.active_requests` by method. A method outside HTTP's own is counted as `_OTHER` (as
/// OpenTelemetry names it), so made-up methods cannot grow the registry without bound.
///
/// Recorded by ``PipelineMiddleware`` when the answer is made, rather than by wrapping every body:
/// a wrapped body loses the server's single write of head, body and end, which cost a probe more
/// than all of our own work (docs/performance.md). Bodies of unknown length (streamed exports) are
/// still wrapped, so their duration includes the writing.
final class RequestMetrics: Sendable {
    /// The counters of one route, method and status.
    private struct Answered: Sendable {
        let requests: Counter
        let duration: Timer
    }

    private struct Key: Hashable {
        let route: String
        let method: String
        let status: Int

        var dimensions: [(String, String)] {
            [("http.route", route), ("http.request.method", method), ("http.response.status_code", String(status))]
        }
    }

    private let answered = Mutex<[Key: Answered]>([:])
    /// Made for the first answer made from an error with that key, so `/metrics` lists no error
    /// series for routes that never failed.
    private let errors = Mutex<[Key: Counter]>([:])
    private let active = Mutex<[String: Meter]>([:])

    /// Counts a request as in progress until `answer(_:…)` records its answer.
    func started(_ method: HTTPRequest.Method) -> Meter {
        let name = Self.name(of: method)
        let meter = active.withLock { meters in
            if let meter = meters[name] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", name)])
            meters[name] = meter
            return meter
        }
        meter.increment()
        return meter
    }

    /// Records `response` when it is made; a body of unknown length (a streamed export) is wrapped,
    /// so that its count and duration come when the writing ends. `fromError` also counts it in
    /// `hb.request.errors`.
    func answer(
        _ response: inout Response, route: String, method: HTTPRequest.Method, fromError: Bool,
        startedAt: ContinuousClock.Instant, active: Meter
    ) {
        let key = Key(route: route, method: Self.name(of: method), status: response.status.code)
        let done: @Sendable () -> Void = { [self] in
            self.record(key, fromError: fromError, startedAt: startedAt)
            active.decrement()
        }
        guard response.body.contentLength == nil else { return done() }
        let body = response.body
        response.body = ResponseBody { writer in
            defer { done() }
            try await body.write(writer)
        }
    }

    private func record(_ key: Key, fromError: Bool, startedAt: ContinuousClock.Instant) {
        let counters = answered.withLock { cache in
            if let counters = cache[key] { return counters }
            let counters = Answered(
                requests: Counter(label: "hb.requests", dimensions: key.dimensions),
                duration: Timer(
                    label: "http.server.request.duration", dimensions: key.dimensions, preferredDisplayUnit: .seconds))
            cache[key] = counters
            return counters
        }
        counters.requests.increment()
        // A duration, not a time of day: the monotonic clock, not the injected one.
        let (seconds, attoseconds) = startedAt.duration(to: .now).components
        counters.duration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        guard fromError else { return }
        errors.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = Counter(
                label: "hb.request.errors",
                dimensions: [
                    ("http.route", key.route), ("http.request.method", key.method),
                    ("error.type", String(key.status)),
                ])
            cache[key] = counter
            return counter
        }.increment()
    }

    private static let standardMethods: Set<String> = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
    ]

    static func name(of method: HTTPRequest.Method) -> String {
        standardMethods.contains(method.rawValue) ? method.rawValue : "_OTHER"
    }
}
