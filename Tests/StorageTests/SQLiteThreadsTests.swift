import Foundation
import NIOCore
import NIOPosix
import SQLKit
import Storage
import Synchronization
import TestSupport
import Testing

/// SQLite's calls block a thread (a connection waiting out another's write lock sleeps on it), so
/// each database runs them on threads of its own, and one stuck transaction cannot stop a node.
@Suite struct SQLiteThreadsTests {
    /// CI once failed with "database is locked" when two connections waiting for one lock took every
    /// thread of NIO's shared pool, and the lock's holder had none left to finish on.
    @Test func queriesGoOnWhileNIOsSharedThreadsAreAllBusy() async throws {
        try await TestEngine.sqlite.withDatabase(migrations: []) { database in
            let released = Mutex(false)
            let gaveUp = Atomic(0)
            let blockers = (0..<System.coreCount).map { _ in
                NIOThreadPool.singleton.runIfActive(eventLoop: MultiThreadedEventLoopGroup.singleton.any()) {
                    // Held until the query below has answered (at most 20 s, so that a failure ends).
                    let until = Date().addingTimeInterval(20)
                    while !released.withLock({ $0 }), Date() < until { usleep(5_000) }
                    if !released.withLock({ $0 }) { gaveUp.add(1, ordering: .relaxed) }
                }
            }
            try await Task.sleep(for: .milliseconds(100))
            let answered = try await database.withConnection { sql in
                try await sql.raw("SELECT 1 AS one").first()?.decode(column: "one", as: Int.self)
            }
            released.withLock { $0 = true }
            for blocker in blockers { try? await blocker.get() }
            #expect(answered == 1)
            #expect(gaveUp.load(ordering: .relaxed) == 0, "the query had to wait for NIO's shared threads")
        }
    }

    @Test(arguments: [false, true])
    func aTransactionLeftOpenOnTheConnectionDoesNotStopTheNextOnes(inMemory: Bool) async throws {
        try await TestEngine.sqlite.withDatabase(migrations: []) { fileDatabase in
            let database =
                inMemory ? try await Database.open(.sqliteMemory, logger: TestLog.quiet) : fileDatabase
            try await database.withConnection { sql in
                try await sql.raw("CREATE TABLE kept (id INTEGER PRIMARY KEY)").run()
                // As a failed COMMIT and a failed ROLLBACK after it would leave the connection.
                try await sql.raw("BEGIN").run()
                try await sql.raw("INSERT INTO kept (id) VALUES (1)").run()
            }
            try await database.transaction { sql in try await sql.raw("INSERT INTO kept (id) VALUES (2)").run() }
            let ids = try await database.withConnection { sql in
                try await sql.raw("SELECT id FROM kept ORDER BY id").all().map {
                    try $0.decode(column: "id", as: Int.self)
                }
            }
            #expect(ids == [2], "the abandoned insert is rolled back, the new one committed")
            if inMemory { await database.shutdown() }
        }
    }

    /// A session that never ends (one asked for inside another waits for itself forever) once hung
    /// CI without a word: a wait past `connectionWait` is logged with both call sites.
    @Test func aLongWaitForTheConnectionNamesWhereItsHolderAskedForIt() async throws {
        let capture = LogCapture()
        let database = try await Database.open(
            .sqliteMemory, logger: capture.logger(), connectionWait: .milliseconds(100))
        let message = "a session waited long for the SQLite connection"
        let (held, holdingNow) = AsyncStream<Void>.makeStream()
        // Held until the wait has been logged (at most 20 s), however slow the machine.
        let holding = Task {
            try await database.withConnection { _ in
                holdingNow.yield()
                _ = try await waitUntil(within: .seconds(20)) { !capture.fields(ofLinesSaying: message).isEmpty }
            }
        }
        var iterator = held.makeAsyncIterator()
        await iterator.next()
        let answered = try await database.withConnection { sql in
            try await sql.raw("SELECT 1 AS one").first()?.decode(column: "one", as: Int.self)
        }
        try await holding.value
        #expect(answered == 1, "the waiting session still ran once the connection was free")
        let lines = capture.fields(ofLinesSaying: message)
        #expect(lines.count == 1)
        #expect(lines.first?["held_by"]?.hasPrefix("StorageTests/SQLiteThreadsTests.swift:") == true)
        #expect(lines.first?["waiting"]?.hasPrefix("StorageTests/SQLiteThreadsTests.swift:") == true)
        #expect(lines.first?["held_by"] != lines.first?["waiting"])
        await database.shutdown()
    }
}
