import Ledger

/// A person's report that a comment or a petition breaks the published rules, waiting for a
/// moderator (who hides the content or keeps it).
public struct ContentReport: Sendable, Equatable {
    /// What is reported.
    public enum Target: Sendable, Equatable, Hashable {
        case comment(String)
        case petition(String)

        /// `comment:ID` or `petition:ID`, as stored.
        public var key: String {
            switch self {
            case .comment(let id): "comment:\(id)"
            case .petition(let id): "petition:\(id)"
            }
        }

        public init?(key: String) {
            let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty, parts[1].count <= 64 else { return nil }
            switch parts[0] {
            case "comment": self = .comment(parts[1])
            case "petition": self = .petition(parts[1])
            default: return nil
            }
        }
    }

    /// What the moderator did.
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        case hidden, kept
    }

    public var id: String
    public var target: Target
    public var reason: ModerationReason
    public var note: String
    public var createdAt: Int
    public var resolvedAt: Int?
    public var outcome: Outcome?

    public init(
        id: String, target: Target, reason: ModerationReason, note: String, createdAt: Int, resolvedAt: Int? = nil,
        outcome: Outcome? = nil
    ) {
        self.id = id
        self.target = target
        self.reason = reason
        self.note = note
        self.createdAt = createdAt
        self.resolvedAt = resolvedAt
        self.outcome = outcome
    }
}

/// Where reports live; `SQLModerationStore` is the one implementation.
public protocol ModerationStore: Sendable {
    /// Stores a report and appends `event`; throws `ParticipationError.tooMany` when `reporterKey`
    /// filed `limit.count` reports since `limit.since`.
    func insert(_ report: ContentReport, reporterKey: String, limit: (count: Int, since: Int), event: LedgerEvent)
        async throws
    func report(_ id: String) async throws -> ContentReport?
    /// Reports no moderator has handled yet, oldest first.
    func openReports(limit: Int) async throws -> [ContentReport]
    /// Records the moderator's outcome; false if the report was handled already.
    func resolve(_ id: String, outcome: ContentReport.Outcome, at: Int, event: LedgerEvent) async throws -> Bool
}
