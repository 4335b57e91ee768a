import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Ledger
import SQLKit
import Services
import Storage
import TestSupport
import Testing

@testable import App
@testable import Web

/// Records changed, deleted or inserted with SQL behind the platform's back are named by
/// reconciliation; untouched records pass.
@Suite struct ReconciliationTests {
    static let citizen = Principal(pin: PortalTests.citizen, displayName: "", post: nil, assurance: .high)

    /// A certificate applied for, paid, decided and issued: an application, a case with its history
    /// (the decision), a document, and the demo's registries and accounts to reconcile.
    static func journey(_ platform: Platform) async throws -> String {
        let application = try await platform.applications.submit(
            Submission(
                serviceID: "no-criminal-record", applicant: citizen, language: .en,
                answers: ["familyName": "Токтогулова", "givenName": "Айгүл", "purpose": "employment"],
                idempotencyKey: try IdempotencyKey(UUID().uuidString)))
        _ = try await platform.applications.pay(application.id, by: citizen, instruction: "confirm")
        #expect(try await platform.applications.application(application.id, of: citizen).status == .issued)
        return application.id
    }

    /// Runs `body` with the platform on a fresh database of `engine`, with a small demo.
    static func withPlatform(_ engine: TestEngine, _ body: @escaping @Sendable (Platform) async throws -> Void)
        async throws
    {
        try await engine.withDatabaseURL { url in
            try await withStartedPlatform(AppConfiguration(databaseURL: url, bcryptCost: 4, demoRegistrySize: 30), body)
        }
    }

    static func sql(_ platform: Platform, _ statement: String, _ values: [String] = []) async throws {
        try await platform.database.withConnection { sql in
            var query = SQLQueryString("")
            var rest = statement[...]
            for value in values {
                let mark = rest.range(of: "?")!
                query.appendLiteral(String(rest[..<mark.lowerBound]))
                query.appendInterpolation(bind: value)
                rest = rest[mark.upperBound...]
            }
            query.appendLiteral(String(rest))
            try await sql.raw(query).run()
        }
    }

    @Test(arguments: TestEngine.available)
    func reconciliationNamesEveryRecordChangedBehindThePlatformsBack(engine: TestEngine) async throws {
        try await Self.withPlatform(engine) { platform in
            let id = try await Self.journey(platform)
            let reconciler = Platform.reconciler(platform.ledger)
            let clean = try await reconciler.full()
            #expect(clean.findings == [], "untouched data passes")
            #expect(clean.checked > 100, "every record was compared: \(clean.checked)")
            #expect(try await reconciler.recent().clean)

            let application = try await platform.applications.application(id, of: Self.citizen)
            let document = try #require(
                try await platform.database.withConnection { sql in
                    try await sql.raw("SELECT id FROM issued_documents WHERE application_id = \(bind: id)")
                        .first(decodingColumn: "id", as: String.self)
                })
            let resident = try #require(
                try await platform.database.withConnection { sql in
                    try await sql.raw("SELECT record_key FROM rr_population ORDER BY record_key LIMIT 1")
                        .first(decodingColumn: "record_key", as: String.self)
                })
            // An application's status changed; its decision (the last line of its case) deleted; a
            // document that was never issued inserted; a registry record edited; an account raised.
            try await Self.sql(platform, "UPDATE applications SET status = 'refused' WHERE id = ?", [id])
            try await Self.sql(
                platform,
                "DELETE FROM workflow_history WHERE case_id = ? AND seq = (SELECT MAX(seq) FROM workflow_history WHERE case_id = ?)",
                [application.caseID, application.caseID])
            try await Self.sql(
                platform,
                """
                INSERT INTO issued_documents (id, application_id, agency_code, holder_pin, content, signature, key_id, issued_at)
                VALUES ('FORGED1', 'TK-NONE', 'MOJ', ?, '{}', 'x', 'k', 0)
                """, [PortalTests.citizen])
            try await Self.sql(
                platform, "UPDATE rr_population SET content = REPLACE(content, 'a', 'o') WHERE record_key = ?",
                [resident])
            try await Self.sql(platform, "UPDATE accounts SET assurance = 'low' WHERE pin = ?", ["20303198500231"])
            try await Self.sql(platform, "DELETE FROM issued_documents WHERE id = ?", [document])

            let report = try await reconciler.full()
            let named = Dictionary(report.findings.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
            #expect(named["application:\(id)"] == .changed)
            #expect(named["case-history:\(application.caseID)"] == .changed, "the deleted decision")
            #expect(named["document:FORGED1"] == .inserted)
            #expect(named["document:\(document)"] == .deleted)
            #expect(named["registry:population/\(resident)"] == .changed)
            #expect(named["account:20303198500231"] == .changed)
            #expect(report.findings.count == 6, "nothing else: \(report.findings)")
            #expect(report.findings.first { $0.name == "application:\(id)" }?.ledgerIndex != nil)

            // The names kept beside the seals are checked against the log itself.
            try await Self.sql(
                platform, "UPDATE ledger_seals SET names = ? WHERE idx = (SELECT MAX(idx) FROM ledger_seals)",
                [#"["case:made-up"]"#])
            let altered = try await reconciler.full()
            #expect(altered.findings.contains { $0.name == "case:made-up" && $0.kind == .sealAltered })
        }
    }

    @Test(arguments: TestEngine.available)
    func theCheckBeforeEachCheckpointLooksAtWhatWasSealedSince(engine: TestEngine) async throws {
        try await Self.withPlatform(engine) { platform in
            let reconciler = Platform.reconciler(platform.ledger)
            // Everything so far, a few records a round: each round goes on where the last stopped.
            var rounds = 0
            var total = 0
            while case let report = try await reconciler.recent(limit: 50), report.checked > 0 {
                #expect(report.clean)
                rounds += 1
                total += report.checked
            }
            #expect(rounds > 1 && total > 100, "\(rounds) rounds, \(total) records")
            let id = try await Self.journey(platform)
            try await Self.sql(platform, "UPDATE applications SET status = 'withdrawn' WHERE id = ?", [id])
            let report = try await reconciler.recent()
            #expect(report.findings.map(\.name) == ["application:\(id)"])
            #expect(report.checked < 100, "only what was sealed since the last check: \(report.checked)")
            // Checked once: the next round starts after it.
            #expect(try await reconciler.recent().checked == 0)
        }
    }

    /// A round over a large batch reads the records a few dozen at a time (each read holds SQLite's
    /// one connection) and still compares every one of them.
    @Test func aRoundComparesEveryRecordOfALargeBatch() async throws {
        try await Self.withPlatform(.sqlite) { platform in
            let reconciler = Platform.reconciler(platform.ledger)
            while try await reconciler.recent().checked > 0 {}
            // Submitted together, so that they share seal entries.
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        try await platform.applications.submit(
                            Submission(
                                serviceID: "no-criminal-record", applicant: Self.citizen, language: .en,
                                answers: ["familyName": "Токтогулова", "givenName": "Айгүл", "purpose": "employment"],
                                idempotencyKey: try IdempotencyKey(UUID().uuidString))
                        ).id
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            try await Self.sql(platform, "UPDATE applications SET status = 'withdrawn' WHERE id = ?", [ids[0]])
            let report = try await reconciler.recent()
            #expect(report.checked >= 120, "the applications, their cases and histories: \(report.checked)")
            #expect(report.findings.map(\.name) == ["application:\(ids[0])"])
        }
    }

    /// New applications, cases and histories are sealed from the values their batch wrote, not
    /// read back: on either engine those seals must equal what reconciliation reads from the rows,
    /// for answers JSON escapes, numbers in facts, absent values and two services at once.
    @Test(arguments: TestEngine.available)
    func sealsOfABatchsNewRecordsEqualTheStoredRows(engine: TestEngine) async throws {
        try await Self.withPlatform(engine) { platform in
            let reconciler = Platform.reconciler(platform.ledger)
            while try await reconciler.recent().checked > 0 {}
            let submissions = try (0..<12).map { n in
                n.isMultiple(of: 2)
                    ? Submission(
                        serviceID: "no-criminal-record", applicant: Self.citizen, language: .ky,
                        answers: [
                            "familyName": "Токтогулова \"\(n)\"\t\\", "givenName": "Айгүл", "purpose": "employment",
                        ], idempotencyKey: try IdempotencyKey(UUID().uuidString))
                    : Submission(
                        serviceID: "land-subsidy", applicant: Self.citizen, language: .ru,
                        answers: ["crop": "potato", "irrigated": "yes", "hectares": "\(n).5"],
                        idempotencyKey: try IdempotencyKey(UUID().uuidString))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for submission in submissions {
                    group.addTask { _ = try await platform.applications.submit(submission) }
                }
                try await group.waitForAll()
            }
            let report = try await reconciler.recent()
            #expect(report.findings == [], "seals made from the written values match the rows")
            #expect(report.checked >= 36, "the applications, their cases and histories: \(report.checked)")
        }
    }

    @Test(arguments: TestEngine.available)
    func aDatabaseFromBeforeSealsIsBaselinedOnce(engine: TestEngine) async throws {
        try await Self.withPlatform(engine) { platform in
            // Records written before seals existed (here: with SQL, which is what they look like).
            for key in ["BASE-1", "BASE-2", "BASE-3"] {
                try await Self.sql(
                    platform,
                    """
                    INSERT INTO rr_schools (record_key, revision, schema_version, content, deleted, changed_at, changed_by, reason)
                    VALUES (?, 1, 1, '{}', 0, 0, 'agency:MOES', 'before seals')
                    """, [key])
            }
            let reconciler = Platform.reconciler(platform.ledger)
            let unsealed = try await reconciler.full()
            #expect(unsealed.findings.map(\.kind) == [.inserted, .inserted, .inserted])
            #expect(try await reconciler.sealUnsealed() == 3)
            #expect(try await reconciler.sealUnsealed() == 0, "once")
            #expect(try await reconciler.full().clean)
        }
    }
}
