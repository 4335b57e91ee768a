import Core
import Foundation
import Ledger
import SQLKit
import Storage
import TestSupport
import Testing

@testable import App

/// `tazakoom backup` and `tazakoom restore` on the SQLite default: a copy taken while the platform
/// writes restores whole and verifies; a damaged copy, or one behind a checkpoint already signed, is
/// refused and the database is left as it was (unless the operator allows the rollback).
@Suite struct BackupTests {
    static let origin = "tazakoom.kg/ledger"

    static func event(_ n: Int) throws -> LedgerEvent {
        try LedgerEvent(
            kind: "test.backup", actor: "system:test", subject: "n:\(n)", time: 1_800_000_000 + n, details: ["n": n])
    }

    /// A platform on a fresh SQLite file in a folder of its own, for `body`.
    static func withPlatform(_ body: (Platform, String, URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tk-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("db.sqlite").path
        try await withStartedPlatform(
            AppConfiguration(databaseURL: "sqlite:" + path, seedDemoData: false, bcryptCost: 4)
        ) { platform in
            try await body(platform, path, folder)
        }
    }

    static func size(_ path: String) async throws -> Int {
        let database = try await Database.open(.sqliteFile(path: path), logger: TestLog.quiet)
        let size = try await LedgerService.open(database, origin: origin).head().size
        await database.shutdown()
        return size
    }

    @Test func aBackupTakenWhileThePlatformWritesRestoresWholeAndVerifies() async throws {
        try await Self.withPlatform { platform, path, folder in
            let backup = folder.appendingPathComponent("backup.sqlite").path
            // Writes go on while the copy is taken; the copy is one consistent snapshot of them.
            let writing = Task {
                for n in 0..<200 { _ = try await platform.ledger.append([try Self.event(n)]) }
            }
            let taken = try await SQLiteBackup.backup(
                databasePath: path, to: backup, origin: Self.origin, logger: TestLog.quiet)
            try await writing.value
            #expect(taken.entries > 0)
            await #expect(throws: BackupError.exists(backup)) {
                _ = try await SQLiteBackup.backup(
                    databasePath: path, to: backup, origin: Self.origin, logger: TestLog.quiet)
            }
            let target = folder.appendingPathComponent("restored.sqlite").path
            let restored = try await SQLiteBackup.restore(
                from: backup, to: target, checkpointFile: nil, allowRollback: false, origin: Self.origin,
                logger: TestLog.quiet)
            #expect(restored == taken)
            #expect(try await Self.size(target) == taken.entries)
            #expect(!FileManager.default.fileExists(atPath: target + ".restoring"))
        }
    }

    @Test func aBackupBehindASignedCheckpointIsRefusedUnlessTheRollbackIsAllowed() async throws {
        try await Self.withPlatform { platform, path, folder in
            let backup = folder.appendingPathComponent("old.sqlite").path
            let old = try await SQLiteBackup.backup(
                databasePath: path, to: backup, origin: Self.origin, logger: TestLog.quiet)
            for n in 0..<20 { _ = try await platform.ledger.append([try Self.event(n)]) }
            let file = CheckpointFile(path: folder.appendingPathComponent("db.checkpoint").path)
            let signed = try await platform.ledger.signAndRemember(file)
            await platform.database.shutdown()

            await #expect(throws: SQLiteBackup.Refusal.self) {
                _ = try await SQLiteBackup.restore(
                    from: backup, to: path, checkpointFile: file, allowRollback: false, origin: Self.origin,
                    logger: TestLog.quiet)
            }
            #expect(try await Self.size(path) == signed.size, "the database is left as it was")
            // The database's own latest checkpoint stops it too, without the file.
            await #expect(throws: SQLiteBackup.Refusal.self) {
                _ = try await SQLiteBackup.restore(
                    from: backup, to: path, checkpointFile: nil, allowRollback: false, origin: Self.origin,
                    logger: TestLog.quiet)
            }
            let rolledBack = try await SQLiteBackup.restore(
                from: backup, to: path, checkpointFile: file, allowRollback: true, origin: Self.origin,
                logger: TestLog.quiet)
            #expect(rolledBack == old && rolledBack.entries < signed.size)
            #expect(try await Self.size(path) == old.entries)
        }
    }

    @Test func aDamagedBackupIsRefusedAndTheDatabaseIsLeftAsItWas() async throws {
        try await Self.withPlatform { platform, path, folder in
            for n in 0..<10 { _ = try await platform.ledger.append([try Self.event(n)]) }
            let backup = folder.appendingPathComponent("backup.sqlite").path
            _ = try await SQLiteBackup.backup(
                databasePath: path, to: backup, origin: Self.origin, logger: TestLog.quiet)
            let before = try await platform.ledger.head().size
            let copy = try await Database.open(.sqliteFile(path: backup), logger: TestLog.quiet)
            try await copy.withConnection { sql in
                try await sql.raw("UPDATE ledger_entries SET body = \(bind: Data("{}".utf8)) WHERE idx = 3").run()
            }
            await copy.shutdown()
            await platform.database.shutdown()
            await #expect(throws: SQLiteBackup.Refusal.self) {
                _ = try await SQLiteBackup.restore(
                    from: backup, to: path, checkpointFile: nil, allowRollback: true, origin: Self.origin,
                    logger: TestLog.quiet)
            }
            #expect(try await Self.size(path) == before)
            let notADatabase = folder.appendingPathComponent("notes.txt").path
            try Data("not a database".utf8).write(to: URL(fileURLWithPath: notADatabase))
            await #expect(throws: (any Error).self) {
                _ = try await SQLiteBackup.restore(
                    from: notADatabase, to: path, checkpointFile: nil, allowRollback: true, origin: Self.origin,
                    logger: TestLog.quiet)
            }
            #expect(try await Self.size(path) == before)
        }
    }
}
