import Foundation
import Storage
import TestSupport
import Testing

/// A database released without `shutdown()` closes its connections by itself (SQLiteNIO stops the
/// whole process when an open connection is released, which took CI runs down).
@Suite struct DatabaseLifetimeTests {
    @Test func aDatabaseDroppedWithoutShutdownClosesItsConnections() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tk-drop-\(UUID().uuidString).sqlite")
            .path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        for _ in 0..<3 {
            var database: Database? = try await Database.open(.sqliteFile(path: path), logger: TestLog.quiet)
            _ = try await database?.withConnection { sql in try await sql.raw("SELECT 1 AS one").all() }
            database = nil
        }
        // The closes run on SQLite's thread pool; the file opens again afterwards.
        try await Task.sleep(for: .milliseconds(200))
        let again = try await Database.open(.sqliteFile(path: path), logger: TestLog.quiet)
        await again.shutdown()
    }

    /// A test run crashed when an application stopping in a cancelled task shut its database down:
    /// the async closes were skipped, the threads stopped, and the connections were released open.
    @Test func aShutdownFromACancelledTaskStillClosesTheConnections() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tk-stop-\(UUID().uuidString).sqlite")
            .path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let database = try await Database.open(.sqliteFile(path: path), logger: TestLog.quiet)
        try await database.withConnection { sql in try await sql.raw("CREATE TABLE t (id INTEGER)").run() }
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        let stopping = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await database.shutdown()
        }
        await stopping.value
        // SQLite removes the write-ahead log when the last connection to the file closes.
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "a connection was left open")
    }
}
