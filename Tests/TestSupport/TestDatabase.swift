import Core
import Foundation
import Logging
import Storage

/// The engines a test runs on: SQLite always, PostgreSQL when `TAZAKOOM_TEST_POSTGRES_URL` names a server
/// (`.ci/run` starts one). A test parameterised over `TestEngine.available` runs once per engine.
public enum TestEngine: String, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public static var available: [TestEngine] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["TAZAKOOM_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public var description: String { rawValue }

    /// Runs `body` with the URL of a new, empty database of this engine, and removes it afterwards.
    public func withDatabaseURL<T>(_ body: (String) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tk-test-\(UUID().uuidString).sqlite"
            ).path
            defer {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            return try await body("sqlite:\(path)")
        case .postgres:
            guard let base = Self.postgresURL else { throw TestSetupError.noPostgres }
            let name = "tk_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            try await Self.administer(base, "CREATE DATABASE \(name)")
            let result: T
            do {
                result = try await body(Self.replacingDatabase(in: base, with: String(name)))
            } catch {
                try? await Self.administer(base, "DROP DATABASE \(name) WITH (FORCE)")
                throw error
            }
            try? await Self.administer(base, "DROP DATABASE \(name) WITH (FORCE)")
            return result
        }
    }

    /// Runs one statement on the server's own database through a connection opened for it: one
    /// kept open for the length of a test sat idle until the pool's idle timeout, and a test run
    /// hung once with no PostgreSQL connection left, after its test.
    private static func administer(_ base: String, _ statement: String) async throws {
        let admin = try await Database.open(
            try DatabaseLocation(base), logger: TestLog.quiet, connectionWait: .seconds(300))
        do {
            try await admin.withConnection { sql in try await sql.raw("\(unsafeRaw: statement)").run() }
        } catch {
            await admin.shutdown()
            throw error
        }
        await admin.shutdown()
    }

    /// Opens a migrated database of this engine for `body`.
    public func withDatabase<T>(migrations: [Migration], _ body: (Database) async throws -> T) async throws -> T {
        try await withDatabaseURL { url in
            // Many test databases share one server's connections: a long wait is not an outage here.
            let database = try await Database.open(
                try DatabaseLocation(url), logger: TestLog.quiet, connectionWait: .seconds(300))
            do {
                try await Migrator(migrations: migrations).migrate(database, logger: TestLog.quiet)
                let result = try await body(database)
                await database.shutdown()
                return result
            } catch {
                await database.shutdown()
                throw error
            }
        }
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        let withoutQuery = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let query = url.contains("?") ? "?" + url.split(separator: "?", maxSplits: 1)[1] : ""
        guard let slash = withoutQuery.range(of: "/", options: .backwards),
            slash.lowerBound > withoutQuery.index(withoutQuery.startIndex, offsetBy: 12)
        else {
            return withoutQuery + "/" + name + query
        }
        return String(withoutQuery[..<slash.lowerBound]) + "/" + name + query
    }
}

/// The test environment is missing something it was asked to use.
public enum TestSetupError: Error { case noPostgres }

/// Loggers for tests: only errors, so test output stays readable.
public enum TestLog {
    public static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return logger
    }
}

extension AppConfiguration {
    /// As a test wants it: many test databases share one PostgreSQL server's connections, so a long
    /// wait for one is not an outage here.
    public var forTests: AppConfiguration {
        var configuration = self
        configuration.databaseWaitSeconds = 300
        return configuration
    }
}
