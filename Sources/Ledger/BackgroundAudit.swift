import Foundation
import SQLKit
import Storage
import Synchronization

/// Damage that the background audit found, remembered so that signing refuses until a later
/// pass finds the log whole again (after an operator restored it).
final class AuditFindings: Sendable {
    private let found = Mutex<LedgerError?>(nil)

    var current: LedgerError? { found.withLock { $0 } }

    func record(_ error: LedgerError?) { found.withLock { $0 = error } }
}

/// How much of one core a background reader may take. After each chunk it rests long enough that
/// its work since the last rest (reading this chunk, checking the one before) is `share` of the
/// time, whatever a chunk costs: a fixed 5 ms pause let a pass over a grown ledger take a third of
/// a core, and submissions fell by a third while it ran (docs/performance.md, twelfth stop).
public struct Pace: Sendable, Equatable {
    /// The share of the time spent working, in (0, 1]; 1 never rests.
    public let share: Double

    public init(share: Double) { self.share = min(1, max(0.001, share)) }

    /// No rest: a reader whose caller waits for it (checkpoint signing, tests).
    public static let unpaced = Pace(share: 1)
    /// A tenth of one core: the background audit's pace.
    public static let background = Pace(share: 0.1)

    /// The rest after `busy` of work.
    func rest(after busy: Duration) -> Duration {
        share >= 1 ? .zero : busy * ((1 - share) / share)
    }
}

/// When a paced reader last went back to work.
private final class LastRest: Sendable {
    private let ended = Mutex<ContinuousClock.Instant?>(nil)

    /// Rests as `pace` asks after the work since the last rest ended.
    func rest(_ pace: Pace) async throws {
        guard pace.share < 1 else { return }
        let now = ContinuousClock.now
        let busy = ended.withLock { $0.map { now - $0 } } ?? .zero
        try await Task.sleep(for: pace.rest(after: busy))
        ended.withLock { $0 = ContinuousClock.now }
    }
}

/// Reads a log a chunk at a time, each read in a database session of its own and followed by a
/// rest (`Pace`): a full audit of a large log then shares the database (on SQLite, its one
/// connection) and the cores with the requests instead of holding them for minutes.
struct PacedReader: LedgerReader {
    let database: Database
    let store: LedgerStore
    let pace: Pace
    private let lastRest = LastRest()

    init(database: Database, store: LedgerStore, pace: Pace) {
        self.database = database
        self.store = store
        self.pace = pace
    }

    func head() async throws -> (size: Int, root: MerkleHash) {
        try await database.withSession { try await store.readState($0.sql) }
    }

    func signedCheckpoints() async throws -> [String] {
        try await database.withSession { try await store.checkpoints($0.sql).map(\.note) }
    }

    func entries(from: Int, limit: Int) async throws -> [(index: Int, body: Data)] {
        let entries = try await database.withSession { try await store.bodies($0, from: from, limit: limit) }
        try await lastRest.rest(pace)
        return entries
    }

    func tiles(level: Int, range: Range<Int>) async throws -> [TileKey: [MerkleHash]] {
        try await database.withSession { try await store.loadTiles($0.sql, level: level, range: range) }
    }
}

extension LedgerService {
    /// Entries a background pass reads per session. Small, because on SQLite each read holds the
    /// one connection: 10,240 entries held it for about 17 ms, and every write batch that came
    /// meanwhile (each about 27 ms) waited that long; 1,024 hold it for under 2 ms
    /// (docs/performance.md).
    public static let backgroundAuditChunk = 1_024

    /// A full audit that leaves room for the platform's own work (a rest after every chunk of
    /// entries read, as `pace` asks). Damage it finds makes `signCheckpoint` refuse until a later pass is clean;
    /// signing itself checks only what was appended since the last checkpoint.
    public func auditInBackground(pace: Pace, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws
        -> AuditReport
    {
        var auditor = LedgerAuditor(verifier: verifier)
        auditor.chunk = Self.backgroundAuditChunk
        do {
            let report = try await auditor.audit(
                PacedReader(database: database, store: store, pace: pace), progress: progress)
            findings.record(nil)
            return report
        } catch let error as LedgerError {
            findings.record(error)
            throw error
        }
    }
}
