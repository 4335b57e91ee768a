import Core
import Foundation
import Ledger
import Logging
import Storage

/// Backups of the SQLite default, taken online, and restores that check what they restore: the copy's
/// ledger must verify whole, and it must not take the ledger back behind a checkpoint already signed
/// (by the node's checkpoint file or the database being replaced) unless the operator says so.
public enum SQLiteBackup {
    /// What a backup or a restore found in the ledger it carried.
    public struct Outcome: Sendable, Equatable {
        public var entries: Int
        public var root: String
    }

    /// Why a restore was refused (nothing was changed).
    public enum Refusal: Error, CustomStringConvertible {
        case notAFile(String)
        /// The copy's ledger is damaged.
        case damaged(String)
        /// The copy's ledger is shorter than (or differs from) a checkpoint already signed.
        case behind(String)

        public var description: String {
            switch self {
            case .notAFile(let path): "\(path) is not an SQLite database file"
            case .damaged(let reason): "the backup's ledger does not verify: \(reason)"
            case .behind(let reason):
                "\(reason); restoring it would take the ledger back behind a published checkpoint "
                    + "(give --allow-rollback to restore it anyway, and publish why)"
            }
        }
    }

    /// Copies the database at `databasePath` to `backupPath` while it may be in use, then checks
    /// the copy's ledger.
    public static func backup(
        databasePath: String, to backupPath: String, origin: String, logger: Logger,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> Outcome {
        let database = try await Database.open(.sqliteFile(path: databasePath), logger: logger)
        do {
            try await database.backup(to: backupPath)
            await database.shutdown()
        } catch {
            await database.shutdown()
            throw error
        }
        return try await verify(backupPath, origin: origin, logger: logger, progress: progress)
    }

    /// Replaces the database at `databasePath` with the backup at `backupPath`. The node must be
    /// stopped. The backup is copied beside the target, verified there, checked against
    /// `checkpointFile` and against the target's own latest checkpoint, and only then moved into
    /// place (a rename, so a crash leaves the old database or the new one).
    public static func restore(
        from backupPath: String, to databasePath: String, checkpointFile: CheckpointFile?, allowRollback: Bool,
        origin: String, logger: Logger, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> Outcome {
        guard FileManager.default.fileExists(atPath: backupPath) else { throw Refusal.notAFile(backupPath) }
        let staging = databasePath + ".restoring"
        removeDatabaseFiles(staging)
        try FileManager.default.copyItem(atPath: backupPath, toPath: staging)
        do {
            let outcome = try await verify(staging, origin: origin, logger: logger, progress: progress)
            var published: [CheckpointFile] = checkpointFile.map { [$0] } ?? []
            if let current = try await latestCheckpointNote(databasePath, origin: origin, logger: logger) {
                let file = CheckpointFile(path: staging + ".current-checkpoint")
                try file.write(current)
                published.append(file)
            }
            defer { try? FileManager.default.removeItem(atPath: staging + ".current-checkpoint") }
            if !allowRollback {
                try await withLedger(staging, origin: origin, logger: logger) { ledger in
                    for file in published {
                        do { try await ledger.checkNotBehind(file) } catch let error as LedgerError {
                            throw Refusal.behind(error.description)
                        }
                    }
                }
            }
            removeDatabaseFiles(databasePath, keepingMain: true)
            // rename(2) replaces the old file in one step.
            guard rename(staging, databasePath) == 0 else {
                throw Refusal.notAFile("\(databasePath) (rename failed: errno \(errno))")
            }
            removeDatabaseFiles(staging)
            // And once more where it now lives, as `tazakoom ledger verify` would.
            let restored = try await verify(databasePath, origin: origin, logger: logger, progress: nil)
            guard restored == outcome else { throw Refusal.damaged("the restored file differs from the backup") }
            return restored
        } catch {
            removeDatabaseFiles(staging)
            throw error
        }
    }

    /// Audits the ledger in the SQLite file at `path`.
    static func verify(
        _ path: String, origin: String, logger: Logger, progress: (@Sendable (Int, Int) -> Void)?
    ) async throws -> Outcome {
        try await withLedger(path, origin: origin, logger: logger) { ledger in
            do {
                let report = try await ledger.audit(progress: progress)
                return Outcome(entries: report.size, root: report.root.base64)
            } catch let error as LedgerError {
                throw Refusal.damaged(error.description)
            }
        }
    }

    /// The latest checkpoint signed in the database at `path`, if it exists and has one.
    static func latestCheckpointNote(_ path: String, origin: String, logger: Logger) async throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try await withLedger(path, origin: origin, logger: logger) { try await $0.latestCheckpoint()?.note }
    }

    private static func withLedger<T: Sendable>(
        _ path: String, origin: String, logger: Logger, _ body: (LedgerService) async throws -> T
    ) async throws -> T {
        let database: Database
        do {
            database = try await Database.open(.sqliteFile(path: path), logger: logger)
        } catch {
            throw Refusal.notAFile(path)
        }
        do {
            let result = try await body(try await LedgerService.open(database, origin: origin))
            await database.shutdown()
            return result
        } catch {
            await database.shutdown()
            throw error
        }
    }

    /// Removes an SQLite file's write-ahead log and shared memory (and the file itself unless
    /// `keepingMain`): a log left beside a replaced file would be applied to the wrong database.
    private static func removeDatabaseFiles(_ path: String, keepingMain: Bool = false) {
        for suffix in (keepingMain ? [] : [""]) + ["-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}
