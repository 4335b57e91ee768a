import HTTPTypes
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
    struct Answered: Sendable {
        let requests: Counter
        let duration: Timer
        let errors: Counter
    }

    private struct Key: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private let answered = Mutex<[Key: Answered]>([:])
    private let active = Mutex<[String: Meter]>([:])

    /// The gauge of requests in progress for this method.
    func activeRequests(_ method: HTTPRequest.Method) -> Meter {
        let name = Self.name(of: method)
        return active.withLock { meters in
            if let meter = meters[name] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", name)])
            meters[name] = meter
            return meter
        }
    }

    /// Counts one answer; `fromError` also counts it in `hb.request.errors`.
    func record(
        route: String, method: HTTPRequest.Method, status: HTTPResponse.Status, fromError: Bool,
        startedAt: ContinuousClock.Instant
    ) {
        let counters = answered(Key(route: route, method: Self.name(of: method), status: status.code))
        counters.requests.increment()
        // A duration, not a time of day: the monotonic clock, not the injected one.
        let (seconds, attoseconds) = startedAt.duration(to: .now).components
        counters.duration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        if fromError { counters.errors.increment() }
    }

    private func answered(_ key: Key) -> Answered {
        answered.withLock { cache in
            if let counters = cache[key] { return counters }
            let dimensions = [
                ("http.route", key.route), ("http.request.method", key.method),
                ("http.response.status_code", String(key.status)),
            ]
            let counters = Answered(
                requests: Counter(label: "hb.requests", dimensions: dimensions),
                duration: Timer(
                    label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds),
                errors: Counter(
                    label: "hb.request.errors",
                    dimensions: [
                        ("http.route", key.route), ("http.request.method", key.method),
                        ("error.type", String(key.status)),
                    ]))
            cache[key] = counters
            return counters
        }
    }

    private static let standardMethods: Set<String> = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
    ]

    static func name(of method: HTTPRequest.Method) -> String {
        standardMethods.contains(method.rawValue) ? method.rawValue : "_OTHER"
    }
}
