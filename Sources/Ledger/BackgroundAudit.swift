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

/// Reads a log a chunk at a time, each read in a database session of its own and followed by a
/// pause: a full audit of a large log then shares the database (on SQLite, its one connection)
/// with the requests instead of holding it for minutes.
struct PacedReader: LedgerReader {
    let database: Database
    let store: LedgerStore
    let pause: Duration

    func head() async throws -> (size: Int, root: MerkleHash) {
        try await database.withSession { try await store.readState($0.sql) }
    }

    func signedCheckpoints() async throws -> [String] {
        try await database.withSession { try await store.checkpoints($0.sql).map(\.note) }
    }

    func entries(from: Int, limit: Int) async throws -> [(index: Int, body: Data)] {
        let entries = try await database.withSession { try await store.bodies($0, from: from, limit: limit) }
        try await Task.sleep(for: pause)
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

    /// A full audit that leaves room for the platform's own work (a pause after every chunk of
    /// entries read). Damage it finds makes `signCheckpoint` refuse until a later pass is clean;
    /// signing itself checks only what was appended since the last checkpoint.
    public func auditInBackground(pause: Duration, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws
        -> AuditReport
    {
        var auditor = LedgerAuditor(verifier: verifier)
        auditor.chunk = Self.backgroundAuditChunk
        do {
            let report = try await auditor.audit(
                PacedReader(database: database, store: store, pause: pause), progress: progress)
            findings.record(nil)
            return report
        } catch let error as LedgerError {
            findings.record(error)
            throw error
        }
    }
}
