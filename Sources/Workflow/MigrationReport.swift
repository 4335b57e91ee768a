import Core

/// What an explicit migration of cases between versions did.
public struct MigrationReport: Sendable, Equatable {
    public var moved: [String]
    /// Cases left where they were, with why (their state does not exist in the new version).
    public var kept: [(caseID: String, reason: String)]

    public static func == (a: MigrationReport, b: MigrationReport) -> Bool {
        a.moved == b.moved && a.kept.map(\.caseID) == b.kept.map(\.caseID)
            && a.kept.map(\.reason) == b.kept.map(\.reason)
    }
}
