import Core
import Foundation
import Logging
import Metrics
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit
import Synchronization

/// The platform's one handle on its database, SQLite or PostgreSQL, through SQLKit.
///
/// Everything runs on a connection handed to a closure, so that several statements can share one
/// transaction. Do not call `withConnection` or `transaction` again from inside such a closure:
/// pass the `SQLDatabase` you were given down instead (SQLite has a single connection, and a
/// nested request for it would wait for itself).
public final class Database: Sendable {
    /// The engine behind this handle, for the few statements written per dialect.
    public let engine: DatabaseEngine
    /// Where the data lives (for logs use `location.redacted`).
    public let location: DatabaseLocation
    /// How many connections this process may open.
    public let poolSize: Int
    private let backend: Backend
    /// Where a batch writer's task should run (`Batcher`): on SQLite, the thread of the one
    /// connection, so a batch's statements and the code between them do not pass between threads;
    /// nil on PostgreSQL, whose statements go over the network anyway.
    public let writerExecutor: (any TaskExecutor)?
    private let inUse = Meter(label: "tazakoom_db_connections_in_use")
    private let logger: Logger
    /// SQLite file: the size of the write-ahead log past which a write transaction first truncates
    /// it (`boundWALBeforeWrites`); nil: never.
    private let walCeiling = Mutex<Int?>(nil)
    /// SQLite file: the bytes of one frame of the write-ahead log (read in `takeOverWALCheckpoints`).
    private let walFrameBytes = Mutex(4096 + 24)
    /// PostgreSQL: how long a request waits for a connection (`defaultConnectionWait`); SQLite: how
    /// long before a wait for the one connection is logged.
    private let connectionWait: Duration
    /// SQLite: where the session holding the one connection was asked for, and since when.
    private let holder = Mutex<(site: CallSite, since: ContinuousClock.Instant)?>(nil)
    /// PostgreSQL: ends a session whose connection closes under it (see `ClosedConnectionWatch`).
    private let closedConnections = ClosedConnectionWatch()

    private enum Backend: Sendable {
        /// One connection: SQLite has one writer anyway, and a single connection never meets SQLITE_BUSY from itself.
        /// The connection every query uses, its gate, and (for a file) a second connection that
        /// only copies the write-ahead log into the database, so checkpoints never hold up queries.
        /// `threads` run this database's SQLite calls and nothing else, one thread per connection,
        /// the main connection's first (see `open`, `writerExecutor`).
        case sqlite(SQLiteConnection, AsyncGate, checkpointer: SQLiteConnection?, threads: [NIOThreadPool])
        case postgres(PostgresClient, Task<Void, Never>)
    }

    private init(
        location: DatabaseLocation, backend: Backend, poolSize: Int, logger: Logger,
        connectionWait: Duration = defaultConnectionWait
    ) {
        self.connectionWait = connectionWait
        self.location = location
        self.engine = location.engine
        self.backend = backend
        if case .sqlite(_, _, _, let threads) = backend, let first = threads.first {
            writerExecutor = ConnectionThreadExecutor(thread: first)
        } else {
            writerExecutor = nil
        }
        self.poolSize = poolSize
        self.logger = logger
        Gauge(label: "tazakoom_db_pool_size").record(poolSize)
    }

    /// A database dropped without `shutdown()` (an application a test builds but never runs, whose
    /// closer never ran) still closes its SQLite connections: SQLiteNIO stops the process when one is
    /// released open. Each close holds its connection until it has run.
    deinit {
        if case .sqlite(let connection, _, let checkpointer, let threads) = backend {
            let closes = [connection, checkpointer].compactMap { $0 }.filter { !$0.isClosed }.map { $0.close() }
            EventLoopFuture.andAllComplete(closes, on: connection.eventLoop).whenComplete { _ in
                for pool in threads { pool.shutdownGracefully { _ in } }
            }
        }
    }

    /// SQLite's page cache per connection, as `PRAGMA cache_size` takes it (negative: KiB).
    ///
    /// 32 MiB: every commit walks the whole cache's page hash when it holds a page past the end of
    /// the file (`pcache1TruncateUnsafe`), so a larger cache made each submission slower (256 MiB cost
    /// about a sixth of the throughput, docs/performance.md), while the pages a request reads stay
    /// in the operating system's cache. Registry imports, which insert into large indexes, set
    /// their own larger cache for the import (`RegistryImporter.importCacheKiB`).
    public static let defaultSQLiteCacheKiB = -32_768

    /// Opens the database at `location` (SQLite files in WAL mode).
    ///
    /// `connectionWait`: on PostgreSQL, how long a request waits for a connection before
    /// `DatabaseUnavailable` (an outage, or a pool exhausted for that long); on SQLite, how long a
    /// wait for the one connection lasts before it is logged with the holder's call site.
    public static func open(
        _ location: DatabaseLocation, logger: Logger, maximumPostgresConnections: Int = 10,
        connectionWait: Duration = defaultConnectionWait
    ) async throws -> Database {
        switch location {
        case .sqliteFile(let path):
            // Threads of its own rather than NIO's shared pool (as many threads as cores): a
            // connection waiting out another process's write lock sleeps on its thread, and with two
            // such waiters (two nodes on one file, or a node and a CLI command) the shared pool had no
            // thread left for the lock's holder to finish on, so both waited out the full 5 s. One
            // thread for each connection, so that the writer can run on its connection's thread
            // (`writerExecutor`).
            let threads = NIOThreadPool(numberOfThreads: 1)
            threads.start()
            let checkpointThread = NIOThreadPool(numberOfThreads: 1)
            checkpointThread.start()
            // SQLiteNIO's busy handler retries at once, forever: when another process (a CLI command,
            // a second node in tests) holds the write lock, that spins a thread of the shared pool
            // the holder may need to finish. Wait with sleeps instead, and give up after 5 s.
            // Statement journals and sorts in memory, and a page cache larger than the default 2 MiB,
            // with which every index insert into a large registry was a read from the file.
            let connection: SQLiteConnection
            do {
                connection = try await openSQLite(
                    path: path, threads: threads, logger: logger,
                    pragmas: [
                        "busy_timeout=5000", "journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                        "temp_store=MEMORY", "cache_size=\(defaultSQLiteCacheKiB)",
                    ])
            } catch {
                try? await threads.shutdownGracefully()
                try? await checkpointThread.shutdownGracefully()
                throw error
            }
            let checkpointer: SQLiteConnection
            do {
                checkpointer = try await openSQLite(
                    path: path, threads: checkpointThread, logger: logger, pragmas: ["busy_timeout=5000"])
            } catch {
                try? await connection.close()
                try? await threads.shutdownGracefully()
                try? await checkpointThread.shutdownGracefully()
                throw error
            }
            return Database(
                location: location,
                backend: .sqlite(
                    connection, AsyncGate(), checkpointer: checkpointer, threads: [threads, checkpointThread]),
                poolSize: 1, logger: logger, connectionWait: connectionWait)
        case .sqliteMemory:
            let threads = NIOThreadPool(numberOfThreads: 1)
            threads.start()
            let connection: SQLiteConnection
            do {
                connection = try await openSQLite(
                    path: nil, threads: threads, logger: logger, pragmas: ["foreign_keys=ON"])
            } catch {
                try? await threads.shutdownGracefully()
                throw error
            }
            return Database(
                location: location, backend: .sqlite(connection, AsyncGate(), checkpointer: nil, threads: [threads]),
                poolSize: 1, logger: logger, connectionWait: connectionWait)
        case .postgres(let url):
            let parsed = try SQLPostgresConfiguration(url: url).coreConfiguration
            var configuration = PostgresClient.Configuration(
                host: parsed.host ?? "127.0.0.1", port: parsed.port ?? 5432,
                username: parsed.username, password: parsed.password, database: parsed.database,
                tls: try PostgresTLS(url: url).configuration()
            )
            configuration.options.maximumConnections = maximumPostgresConnections
            configuration.options.minimumConnections = 0
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            let runner = Task { await client.run() }
            return Database(
                location: location, backend: .postgres(client, runner), poolSize: maximumPostgresConnections,
                logger: logger, connectionWait: connectionWait)
        }
    }

    /// Opens one SQLite connection and applies `pragmas`, closing it again if any of them fails
    /// (a locked file during `journal_mode=WAL`, say): SQLiteNIO stops the process when a connection
    /// is released unclosed.
    private static func openSQLite(path: String?, threads: NIOThreadPool, logger: Logger, pragmas: [String])
        async throws -> SQLiteConnection
    {
        let connection = try await SQLiteConnection.open(
            storage: path.map { .file(path: $0) } ?? .memory, threadPool: threads, logger: logger,
            on: MultiThreadedEventLoopGroup.singleton.any())
        do {
            for pragma in pragmas {
                try await connection.sql().raw("PRAGMA \(unsafeRaw: pragma)").run()
            }
            return connection
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs `body` on one connection.
    public func withConnection<T: Sendable>(
        file: StaticString = #fileID, line: UInt = #line,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await withSession(file: file, line: line) { session in try await body(session.sql) }
    }

    /// Runs `body` in one transaction: everything it wrote commits together, or nothing does.
    public func transaction<T: Sendable>(
        file: StaticString = #fileID, line: UInt = #line,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await transactionSession(file: file, line: line) { session in try await body(session.sql) }
    }

    /// Like `withConnection`, also handing over the driver's own connection for the rare hot path
    /// that SQLKit's generic row decoding would slow down (bulk reads).
    public func withSession<T: Sendable>(
        file: StaticString = #fileID, line: UInt = #line,
        _ body: @escaping @Sendable (DatabaseSession) async throws -> T
    ) async throws -> T {
        inUse.increment()
        defer { inUse.decrement() }
        switch backend {
        case .sqlite(let connection, let gate, _, _):
            do {
                return try await holding(gate, at: CallSite(file: file, line: line)) {
                    try await body(DatabaseSession(sql: connection.sql(), driver: .sqlite(connection)))
                }
            } catch let error as SQLiteError where error.reason == .full {
                // A full disk: the transaction was rolled back; say so as an outage, not a bug.
                logger.error("the database's disk is full", metadata: ["error": "\(error)"])
                throw DatabaseUnavailable()
            }
        case .postgres(let client, _):
            do {
                let watch = closedConnections
                return try await Self.leasing(within: connectionWait) { lease in
                    try await client.withConnection { connection in
                        // Too late: the caller was told nothing was done, so nothing may be.
                        guard lease.claim() else { throw DatabaseUnavailable() }
                        watch.begin(connection) { lease.lost() }
                        defer { watch.end(connection) }
                        return try await body(DatabaseSession(sql: connection.sql(), driver: .postgres(connection)))
                    }
                }
            } catch let error where DatabaseOutage.isOutage(error) {
                // The server went away under the request (or the pool gave up reaching it): an
                // outage to ride out, not a bug. Its transaction did not commit, unless the server
                // went during the COMMIT itself; a retry with the same Idempotency-Key tells which.
                logger.error("lost the database", metadata: ["error": "\(String(reflecting: error))"])
                throw DatabaseUnavailable()
            }
        }
    }

    /// Runs `body` holding the SQLite connection's gate, remembering `site` as its holder.
    ///
    /// A wait longer than `connectionWait` is logged with where the session holding the connection
    /// was asked for, and goes on waiting (the one connection comes back when that session ends).
    /// Far beyond any request's transaction, such a wait is usually a session that never ends,
    /// such as one asked for inside another, which waits for itself forever: the line names both.
    private func holding<T: Sendable>(
        _ gate: AsyncGate, at site: CallSite, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        if await !gate.enter(within: connectionWait) {
            let held = holder.withLock { $0 }
            logger.error(
                "a session waited long for the SQLite connection",
                metadata: [
                    "waiting": "\(site)", "held_by": "\(held.map { "\($0.site)" } ?? "?")",
                    "held_for": "\(held.map { "\(ContinuousClock.now - $0.since)" } ?? "?")",
                ])
            await gate.enter()
        }
        holder.withLock { $0 = (site, ContinuousClock.now) }
        return try await gate.leaving(after: body)
    }

    /// How long a request waits for a PostgreSQL connection before it is told the database is
    /// unavailable: PostgresNIO would wait for the server to come back for as long as it takes, and
    /// requests would pile up behind an outage instead of being answered.
    public static let defaultConnectionWait: Duration = .seconds(30)

    /// Runs `work`, which calls `claim` once it holds a connection and goes on only if that answers
    /// true; answers `DatabaseUnavailable` if no connection came within `limit`. The caller is
    /// answered at once then, not when the pool gives up (a task group would wait for its child),
    /// and a connection that arrives later is handed back unused: nothing runs after the caller
    /// was told nothing was done. A query that has started is never cut short, unless its
    /// connection is lost (`lost`): then the caller is answered `DatabaseUnavailable` at once,
    /// whether or not the driver ever answers the query.
    static func leasing<T: Sendable>(
        within limit: Duration, _ work: @escaping @Sendable (_ lease: LeaseTicket) async throws -> T
    ) async throws -> T {
        let lease = Lease<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let worker = Task {
                    do {
                        let ticket = LeaseTicket(claim: { lease.claim() }, lost: { lease.lost() })
                        lease.finish(.success(try await work(ticket)))
                    } catch {
                        lease.finish(.failure(error))
                    }
                }
                let timer = Task {
                    try await Task.sleep(for: limit)
                    if lease.abandon() { worker.cancel() }
                }
                lease.start(continuation, worker: worker, timer: timer)
            }
        } onCancel: {
            lease.cancel()
        }
    }

    /// Like `transaction`, with the driver's connection too (see `withSession`).
    public func transactionSession<T: Sendable>(
        file: StaticString = #fileID, line: UInt = #line,
        _ body: @escaping @Sendable (DatabaseSession) async throws -> T
    ) async throws -> T {
        let engine = self.engine
        let ceiling = walCeiling.withLock { $0 }
        return try await withSession(file: file, line: line) { session in
            // The background checkpointer keeps the log well under its limit; when writes outrun it
            // (a long passive checkpoint), the next write transaction truncates it first: no write
            // is in flight on the one connection, so the log can never pass the limit by more than
            // one transaction.
            if let ceiling, let size = self.walSize(), size > ceiling {
                try await session.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
            }
            try await self.begin(session.sql)
            do {
                let result = try await body(session)
                try await self.commit(session.sql)
                return result
            } catch {
                // A lost connection's transaction ended with it on the server, and nothing more may
                // be sent on it. The server's "terminating connection" error can arrive before the
                // driver sees the socket close, so an outage error counts as lost too: a ROLLBACK
                // written in between would never be answered. The caller is answered anyway (by
                // `ClosedConnectionWatch`), but this session's task would wait for ever.
                if !session.isLost && !DatabaseOutage.isOutage(error) {
                    try? await session.sql.raw("ROLLBACK").run()
                }
                throw error
            }
        }
    }

    /// Starts a transaction. IMMEDIATE takes SQLite's write lock up front, so two writers never
    /// deadlock on upgrade. A transaction an earlier failure left open on the one connection (its
    /// ROLLBACK failed too) would otherwise refuse every later transaction of the node: it is rolled
    /// back (its caller was already told it failed) and the new one begins.
    private func begin(_ sql: any SQLDatabase) async throws {
        guard engine == .sqlite else { return try await sql.raw("BEGIN").run() }
        do {
            try await sql.raw("BEGIN IMMEDIATE").run()
        } catch let error as SQLiteError where error.message.contains("within a transaction") {
            logger.error("rolled back a transaction left open on the connection")
            try await sql.raw("ROLLBACK").run()
            try await sql.raw("BEGIN IMMEDIATE").run()
        }
    }

    /// Commits. SQLite may answer a COMMIT with SQLITE_BUSY (another connection in the middle of a
    /// checkpoint); the transaction then stays open and the COMMIT may be tried again, which beats
    /// throwing the work away.
    private func commit(_ sql: any SQLDatabase) async throws {
        var attempt = 0
        while true {
            do {
                return try await sql.raw("COMMIT").run()
            } catch let error as SQLiteError
                where [.busy, .busyInRecovery, .busyInSnapshot, .busyTimeout].contains(error.reason) && attempt < 50
            {
                attempt += 1
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// SQLite file only: stop copying the write-ahead log back into the database inside commits
    /// (where it adds a few milliseconds, with an fsync, to one request in a few hundred); the
    /// caller then calls `checkpointWAL()` or `boundWAL(limit:)` on a schedule instead. When the log
    /// starts over, its file is cut back to `fileLimit` bytes. Nothing to do on PostgreSQL.
    public func takeOverWALCheckpoints(fileLimit: Int = 64 << 20) async throws {
        guard case .sqliteFile = location else { return }
        let pageSize = try await withConnection { sql in
            try await sql.raw("PRAGMA wal_autocheckpoint=0").run()
            try await sql.raw("PRAGMA journal_size_limit=\(unsafeRaw: String(fileLimit))").run()
            return try await sql.raw("PRAGMA page_size").first()?.decode(column: "page_size", as: Int.self)
        }
        // A frame of the log is a page and its 24-byte header.
        walFrameBytes.withLock { $0 = (pageSize ?? 4096) + 24 }
    }

    /// SQLite file only: from now on a write transaction that finds the write-ahead log larger than
    /// `ceiling` bytes truncates it before it begins (a stat per transaction; the truncation itself
    /// is rare, the background checkpointer doing the work first).
    public func boundWALBeforeWrites(ceiling: Int) {
        guard case .sqliteFile = location else { return }
        walCeiling.withLock { $0 = ceiling }
    }

    /// SQLite file only: copies what it can of the write-ahead log into the database, without
    /// waiting for readers (PASSIVE). Safe to call at any time.
    public func checkpointWAL() async throws {
        _ = try await passiveCheckpoint()
    }

    /// How many frames the write-ahead log holds, and how many of them are not yet copied into the
    /// database.
    private struct WALFrames {
        var inLog = 0
        var uncopied = 0
    }

    private func passiveCheckpoint() async throws -> WALFrames {
        guard case .sqlite(_, _, let checkpointer?, _) = backend else { return WALFrames() }
        // Its own connection: a PASSIVE checkpoint takes no writer lock, so commits go on meanwhile.
        let row = try await checkpointer.sql().raw("PRAGMA wal_checkpoint(PASSIVE)").first()
        let inLog = try row?.decode(column: "log", as: Int.self) ?? 0
        let copied = try row?.decode(column: "checkpointed", as: Int.self) ?? 0
        return WALFrames(inLog: max(0, inLog), uncopied: max(0, inLog - copied))
    }

    /// SQLite file only: writes a consistent copy of the whole database to `path` (`VACUUM INTO`)
    /// while the platform goes on serving: the copy is one read transaction's snapshot, compacted,
    /// in a single file without a write-ahead log. Refuses an existing `path`.
    public func backup(to path: String) async throws {
        guard case .sqliteFile = location else { throw BackupError.notSQLite }
        guard !FileManager.default.fileExists(atPath: path) else { throw BackupError.exists(path) }
        // Its own connection: the copy reads for a while, and the platform's writes go on meanwhile.
        guard case .sqlite(_, _, let checkpointer?, _) = backend else { throw BackupError.notSQLite }
        try await checkpointer.sql().raw("VACUUM INTO \(bind: path)").run()
    }

    /// SQLite file only: the size of the write-ahead log file now, in bytes (nil elsewhere).
    public func walSize() -> Int? {
        guard case .sqliteFile(let path) = location else { return nil }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + "-wal")
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// SQLite file only: keeps the write-ahead log under `limit` bytes. Passive checkpoints never
    /// let the log start over while writes go on, so under sustained load it grows until the disk
    /// is full. Past the limit this copies what it can with passive checkpoints on their own
    /// connection (writes go on meanwhile), then waits for the connection (so no write is in
    /// flight) and copies the little that was written in between: the log is then wholly in the
    /// database, and the next write starts it over from the beginning of its file. Writers wait only
    /// for that remainder. Returns the bytes of log in use after (0: it starts over).
    @discardableResult
    public func boundWAL(limit: Int) async throws -> Int? {
        guard case .sqliteFile = location else { return nil }
        let frameBytes = walFrameBytes.withLock { $0 }
        var frames = try await passiveCheckpoint()
        guard frames.inLog * frameBytes > limit else { return frames.inLog * frameBytes }
        // One pass over tens of MB takes long enough for the next megabytes to arrive; each pass
        // copies what arrived during the one before, and reports the log as it found it (so never
        // much uncopied). Passes go on until one found little new: the writers then wait only for
        // about one batch's pages. At most four: each ends in fsyncs on the checkpointer's thread.
        var passes = 0
        var arrived = Int.max
        while frames.uncopied > 256 || arrived > 256, passes < 4 {
            let before = frames.inLog
            frames = try await passiveCheckpoint()
            arrived = frames.inLog - before
            passes += 1
        }
        // Truncating the file here instead (a TRUNCATE checkpoint) held every writer for 20-30 ms
        // a hundred times a minute, which alone took submissions' p99 from 42 to 64 ms. Holding
        // them right after the first pass (which copies megabytes) left them waiting 39 ms a
        // hundred times a minute on a grown file: p99 109 ms against 50 ms with the passes above.
        let left = try await withConnection { _ in try await self.passiveCheckpoint() }
        return left.uncopied * frameBytes
    }

    /// True when a trivial query answers; used by `/readyz`.
    public func isReachable() async -> Bool {
        do {
            return try await withConnection { sql in try await sql.raw("SELECT 1 AS one").first() != nil }
        } catch {
            logger.warning("database not reachable", metadata: ["error": "\(String(reflecting: error))"])
            return false
        }
    }

    /// Closes every connection; call once when the process stops.
    public func shutdown() async {
        switch backend {
        case .sqlite(let connection, _, let checkpointer, let threads):
            // The futures, not the async closes: those are skipped when the calling task is already
            // cancelled (an application stopping), and a connection left open once its threads are
            // gone can never be closed; SQLiteNIO stops the process when it is released.
            try? await checkpointer?.close().get()
            try? await connection.close().get()
            for pool in threads { try? await pool.shutdownGracefully() }
        case .postgres(_, let runner):
            runner.cancel()
            await runner.value
        }
    }
}

/// One connection, through SQLKit and through its own driver. Use `sql` unless measurements say otherwise.
public struct DatabaseSession: Sendable {
    public let sql: any SQLDatabase
    public let driver: DriverConnection

    /// The server closed the connection (PostgreSQL went down under the session). Nothing more may
    /// be sent on it: PostgresNIO never answers a statement written after the connection closed,
    /// and its caller would wait forever.
    var isLost: Bool {
        guard case .postgres(let connection) = driver else { return false }
        return connection.isClosed
    }
}

/// The driver's connection behind a session.
public enum DriverConnection: Sendable {
    case sqlite(SQLiteConnection)
    case postgres(PostgresConnection)
}

/// Why a backup was not written.
public enum BackupError: Error, Equatable, CustomStringConvertible {
    /// Backups of PostgreSQL are taken with its own tools (docs/deployment.md).
    case notSQLite
    /// The target file exists already; a backup never overwrites.
    case exists(String)

    public var description: String {
        switch self {
        case .notSQLite: "backup and restore are for the SQLite default; use pg_basebackup for PostgreSQL"
        case .exists(let path): "\(path) exists already"
        }
    }
}

/// What the work of `Database.leasing` may do: `claim` the connection it was handed (false: the
/// caller was answered already, run nothing), and say it was `lost`.
struct LeaseTicket: Sendable {
    let claim: @Sendable () -> Bool
    let lost: @Sendable () -> Void
}

/// One wait for a connection: who answers the caller (the work when it ends, or the timer when no
/// connection came in time), exactly once.
private final class Lease<T: Sendable>: Sendable {
    private enum Phase {
        case waiting, leased, over
    }

    private struct State {
        var phase = Phase.waiting
        var continuation: CheckedContinuation<T, any Error>?
        var pending: Result<T, any Error>?
        var worker: Task<Void, Never>?
        var timer: Task<Void, any Error>?
    }

    private let state = Mutex(State())

    func start(
        _ continuation: CheckedContinuation<T, any Error>, worker: Task<Void, Never>, timer: Task<Void, any Error>
    ) {
        let early: Result<T, any Error>? = state.withLock { state in
            state.worker = worker
            state.timer = timer
            if let pending = state.pending { return pending }
            state.continuation = continuation
            return nil
        }
        if let early {
            timer.cancel()
            continuation.resume(with: early)
        }
    }

    /// The work holds a connection: it may go on unless the caller was already answered.
    func claim() -> Bool {
        state.withLock { state in
            guard state.phase == .waiting else { return false }
            state.phase = .leased
            return true
        }
    }

    /// The work ended: its result is the answer, unless the caller was already answered.
    func finish(_ result: Result<T, any Error>) {
        let (continuation, timer): (CheckedContinuation<T, any Error>?, Task<Void, any Error>?) = state.withLock {
            state in
            guard state.phase != .over else { return (nil, nil) }
            state.phase = .over
            guard let continuation = state.continuation else {
                state.pending = result
                return (nil, nil)
            }
            state.continuation = nil
            return (continuation, state.timer)
        }
        timer?.cancel()
        continuation?.resume(with: result)
    }

    /// The connection closed under the work: the caller is answered `DatabaseUnavailable` now,
    /// unless the work ended first (a statement written to a closed connection is never answered).
    func lost() { finish(.failure(DatabaseUnavailable())) }

    /// The time is up: answers the caller with `DatabaseUnavailable` if no connection came; true
    /// when it did (the work is then to be cancelled).
    func abandon() -> Bool { end(with: DatabaseUnavailable()) }

    /// The caller was cancelled: answered at once while waiting; a query already running is asked to stop.
    func cancel() {
        _ = end(with: CancellationError())
        state.withLock { $0.worker }?.cancel()
    }

    /// Answers the caller with `error` if the work is still waiting for a connection.
    private func end(with error: any Error) -> Bool {
        let (ended, continuation): (Bool, CheckedContinuation<T, any Error>?) = state.withLock { state in
            guard state.phase == .waiting else { return (false, nil) }
            state.phase = .over
            guard let continuation = state.continuation else {
                state.pending = .failure(error)
                return (true, nil)
            }
            state.continuation = nil
            return (true, continuation)
        }
        continuation?.resume(throwing: error)
        return ended
    }
}

/// The database did not hand over a connection in time (PostgreSQL down or overloaded): the request
/// is answered 503 with Retry-After, and nothing of it was written.
public struct DatabaseUnavailable: Error, Equatable, CustomStringConvertible {
    public init() {}
    public var description: String { "the database did not answer in time" }
}

/// Where in the source a database session was asked for (`#fileID` and `#line`), for log lines.
struct CallSite: Sendable, CustomStringConvertible {
    let file: StaticString
    let line: UInt

    var description: String { "\(file):\(line)" }
}
