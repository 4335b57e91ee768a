import Foundation
import Storage
import Synchronization
import TestSupport
import Testing

@testable import Ledger

/// An audit of a live log reads the head, then the entries chunk by chunk while other requests
/// go on appending: entries appended after the head was read are not an insertion. (The
/// background audit once marked a fresh node's ledger damaged for ten minutes because the platform
/// published its open data while the audit ran.)
@Suite struct LiveAuditTests {
    /// Reads the log through the service, appending three entries after the head was read.
    struct AppendingReader: LedgerReader {
        /// Set once the entries were appended.
        final class Flag: Sendable {
            let done = Atomic<Bool>(false)
        }

        let ledger: LedgerService
        let appended = Flag()

        func head() async throws -> (size: Int, root: MerkleHash) { try await ledger.head() }
        func signedCheckpoints() async throws -> [String] {
            try await ledger.database.withConnection { sql in try await ledger.store.checkpoints(sql).map(\.note) }
        }
        func entries(from: Int, limit: Int) async throws -> [(index: Int, body: Data)] {
            if !appended.done.exchange(true, ordering: .relaxed) {
                _ = try await ledger.append([try event(100), try event(101), try event(102)])
            }
            return try await ledger.entries(from: from, limit: limit)
        }
        func tiles(level: Int, range: Range<Int>) async throws -> [TileKey: [MerkleHash]] {
            try await ledger.database.withConnection { sql in
                try await ledger.store.loadTiles(sql, level: level, range: range)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func entriesAppendedDuringAnAuditAreNotTakenForInsertions(engine: TestEngine) async throws {
        try await withLedger(engine) { ledger in
            _ = try await ledger.append(try (0..<300).map(event))
            _ = try await ledger.signCheckpoint()
            let report = try await LedgerAuditor(verifier: ledger.verifier).audit(AppendingReader(ledger: ledger))
            #expect(report.size == 303, "the audit took in what was appended meanwhile")
        }
    }

    /// Like `AppendingReader`, and appends three more entries just before the audit reads the head
    /// a second time: the read of the next chunk, started before that, came back empty.
    struct AppendingAgainReader: LedgerReader {
        final class Calls: Sendable {
            let heads = Atomic<Int>(0)
        }

        let inner: AppendingReader
        let calls = Calls()

        func head() async throws -> (size: Int, root: MerkleHash) {
            if calls.heads.add(1, ordering: .relaxed).newValue == 2 {
                _ = try await inner.ledger.append([try event(103), try event(104), try event(105)])
            }
            return try await inner.head()
        }
        func signedCheckpoints() async throws -> [String] { try await inner.signedCheckpoints() }
        func entries(from: Int, limit: Int) async throws -> [(index: Int, body: Data)] {
            try await inner.entries(from: from, limit: limit)
        }
        func tiles(level: Int, range: Range<Int>) async throws -> [TileKey: [MerkleHash]] {
            try await inner.tiles(level: level, range: range)
        }
    }

    /// The background audit once called a busy ledger damaged ("entries from 303 on are missing;
    /// the log claims 306"): the head it read again was newer than the empty read that ended it.
    @Test(arguments: TestEngine.available)
    func entriesAppendedBeforeTheHeadIsReadAgainAreNotTakenForRemovals(engine: TestEngine) async throws {
        try await withLedger(engine) { ledger in
            _ = try await ledger.append(try (0..<300).map(event))
            _ = try await ledger.signCheckpoint()
            let reader = AppendingAgainReader(inner: AppendingReader(ledger: ledger))
            let report = try await LedgerAuditor(verifier: ledger.verifier).audit(reader)
            #expect(report.size == 306, "the audit took in both appends")
            #expect(reader.calls.heads.load(ordering: .relaxed) >= 2)
        }
    }
}
