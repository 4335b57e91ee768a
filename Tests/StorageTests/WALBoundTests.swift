import Foundation
import SQLKit
import Storage
import TestSupport
import Testing

/// Under writes that never stop, SQLite's write-ahead log stays under its limit.
@Suite struct WALBoundTests {
    @Test func theLogStaysUnderItsLimitWhileWritesGoOn() async throws {
        let limit = 512 * 1024
        try await TestEngine.sqlite.withDatabase(migrations: []) { database in
            try await database.takeOverWALCheckpoints(fileLimit: limit)
            try await database.withConnection { sql in
                try await sql.raw("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").run()
            }
            let body = String(repeating: "x", count: 4_000)
            let stop = StopFlag()
            let writing = Task {
                var written = 0
                while !stop.isSet {
                    try await database.transaction { sql in
                        for _ in 0..<20 {
                            try await sql.raw("INSERT INTO filler (body) VALUES (\(bind: body))").run()
                        }
                    }
                    written += 20
                    stop.count(written)
                }
                return written
            }
            // As the checkpointer does, faster: passive checkpoints only until the log has passed the
            // limit (which they let it do), then with the bound, for 16 MB more of writes, or after a
            // minute for at least five looks: a clean-clone run on a busy machine wrote 80 rows in the
            // minute and had time for two looks only. Five minutes at most.
            var passed = false
            var largest = 0
            var files: [Int] = []
            var boundFrom = 0
            let started = Date()
            while Date() < started.addingTimeInterval(300) {
                try await Task.sleep(for: .milliseconds(25))
                try await database.checkpointWAL()
                if !passed {
                    passed = (database.walSize() ?? 0) > limit
                    boundFrom = stop.written
                    continue
                }
                largest = max(largest, try await database.boundWAL(limit: limit) ?? 0)
                files.append(database.walSize() ?? 0)
                let wroteEnough = stop.written - boundFrom > 4_000
                let lookedEnough = files.count >= 5 && Date() > started.addingTimeInterval(60)
                if wroteEnough || lookedEnough { break }
            }
            stop.set()
            _ = try await writing.value
            #expect(passed, "passive checkpoints alone let the log pass the limit")
            let written = stop.written - boundFrom
            // Two batches at least: a loaded machine (the clean-clone run on a slow day wrote 160 rows
            // in the minute) may write few, but a bound that stopped the writers would leave none.
            #expect(written >= 40, "writes went on while the log was bounded")
            #expect(largest <= limit, "after each bound the log is wholly copied: \(largest)")
            // The log starts over from the beginning of its file instead of growing on: the file
            // holds what was written between two looks, not everything written since the bound.
            // The first look is left out: it still holds what was written before the bound was
            // first taken, which the rows counted here do not include (a slow clean-clone run wrote
            // 100 rows in the minute, and the first look was 708 KiB, then 512 KiB at every look).
            #expect(
                files.count > 2 && files.dropFirst().max()! < limit + written * body.utf8.count / 2,
                "the file kept growing: \(files.map { $0 >> 10 }) KiB after \(written) rows")
        }
    }
}

extension WALBoundTests {
    @Test func writesTruncateTheLogThemselvesWhenNothingElseDoes() async throws {
        let ceiling = 512 * 1024
        try await TestEngine.sqlite.withDatabase(migrations: []) { database in
            try await database.takeOverWALCheckpoints()
            database.boundWALBeforeWrites(ceiling: ceiling)
            try await database.withConnection { sql in
                try await sql.raw("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").run()
            }
            // No checkpointer at all: only the writes themselves keep the log bounded.
            let body = String(repeating: "x", count: 4_000)
            var largest = 0
            for _ in 0..<300 {
                try await database.transaction { sql in
                    for _ in 0..<20 { try await sql.raw("INSERT INTO filler (body) VALUES (\(bind: body))").run() }
                }
                largest = max(largest, database.walSize() ?? 0)
            }
            // 300 transactions of about 100 KB wrote about 30 MB; the log never held more than the
            // ceiling and one transaction.
            #expect(largest <= ceiling + 256 * 1024, "largest \(largest)")
            #expect(largest > ceiling / 2, "the log did grow between truncations: \(largest)")
        }
    }
}

/// Tells the writer to stop after its current transaction, and counts what it wrote.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    private var rows = 0
    var isSet: Bool { lock.withLock { value } }
    var written: Int { lock.withLock { rows } }
    func set() { lock.withLock { value = true } }
    func count(_ n: Int) { lock.withLock { rows = n } }
}
