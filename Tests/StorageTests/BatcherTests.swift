import SQLKit
import Storage
import TestSupport
import Testing

/// Group commit: every request gets its own answer, and none is left waiting.
@Suite struct BatcherTests {
    struct Failure: Error {}

    @Test func requestsThatArriveTogetherShareABatchAndEachGetsItsOwnAnswer() async throws {
        let batcher = Batcher<Int, Int>(limit: 8)
        let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for request in 0..<20 {
                group.addTask {
                    let answer = try await batcher.submit(request) { batch in
                        try await Task.sleep(for: .milliseconds(5))
                        return batch.map { .success($0 * 10) }
                    }
                    return (request, answer)
                }
            }
            return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(answers == Dictionary(uniqueKeysWithValues: (0..<20).map { ($0, $0 * 10) }))
    }

    @Test func aBatchThatAnswersTooFewFailsTheRestInsteadOfLeavingThemWaiting() async throws {
        let batcher = Batcher<Int, Int>()
        await #expect(throws: BatchAnswerMissing.self) {
            _ = try await batcher.submit(1) { _ in [] }
        }
        await #expect(throws: Failure.self) {
            _ = try await batcher.submit(2) { _ in throw Failure() }
        }
        #expect(try await batcher.submit(3) { batch in batch.map { .success($0) } } == 3, "the batcher goes on")
    }
}

/// On SQLite a batch writer runs on its connection's one thread.
@Suite struct WriterExecutorTests {
    @Test func aBatchRunsOnTheConnectionsThreadAndItsStatementsAnswer() async throws {
        try await TestEngine.sqlite.withDatabase(migrations: []) { database async throws in
            let executor = try #require(database.writerExecutor)
            let batcher = Batcher<Int, Int>(executor: executor)
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for request in 0..<50 {
                    group.addTask {
                        try await batcher.submit(request) { batch in
                            let sum = try await database.transaction { sql in
                                try await sql.raw("SELECT \(bind: batch.count) AS n").first()?.decode(
                                    column: "n", as: Int.self) ?? 0
                            }
                            return batch.map { .success($0 + sum - batch.count) }
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(answers.sorted() == Array(0..<50))
        }
    }

    @Test(arguments: TestEngine.available.filter { $0 != .sqlite })
    func otherEnginesKeepSwiftsPool(engine: TestEngine) async throws {
        try await engine.withDatabase(migrations: []) { database async throws in
            #expect(database.writerExecutor == nil)
        }
    }
}
