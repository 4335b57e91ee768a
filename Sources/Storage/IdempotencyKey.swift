/// A client's `Idempotency-Key`: the one rule for every retried write, API call or form.
///
/// 1 to 255 visible ASCII characters (no spaces or controls), so a key fits every header, log
/// line and index.
public struct IdempotencyKey: Sendable, Hashable {
    /// The key as the client sent it.
    public let value: String
    /// How long a key may be.
    public static let lengths = 1...255

    /// Checks `text` against the rule.
    public init(_ text: String) throws(MalformedIdempotencyKey) {
        guard Self.lengths.contains(text.utf8.count),
            text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f })
        else { throw MalformedIdempotencyKey() }
        value = text
    }
}

/// An `Idempotency-Key` that breaks the rule (a 400: the client's code is wrong, not its data).
public struct MalformedIdempotencyKey: Error, Sendable {
    /// The error, for throwing where the type is inferred.
    public init() {}
}

/// Why a retried write was not run: the one conflict error of the idempotency mechanism.
public enum IdempotencyConflict: Error, Sendable {
    /// The first request with this key is still being worked on: retry shortly (409).
    case inProgress
    /// The key was already used with a different request (422).
    case keyReused
}

/// The answer stored under a key and given again to a retry.
public struct IdempotentAnswer: Sendable, Equatable {
    /// The HTTP status of the first answer.
    public var status: Int
    /// Headers of the first answer worth repeating (`Location`, `Ledger-Index`, ...).
    public var headers: [String: String]
    /// The body of the first answer, or what the caller needs to rebuild it (an id).
    public var body: String
    /// True when this is a stored answer given again, not the result of doing the work.
    public var replayed = false

    /// An answer to store.
    public init(status: Int, headers: [String: String] = [:], body: String) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
