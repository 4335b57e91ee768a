import Foundation
import Storage
import TestSupport
import Testing

@testable import Ledger

/// Signing audits what was appended since the last checkpoint mostly before its transaction, a
/// chunk a session (`auditedTree`), then goes on from that tree inside it (`auditAppended(_:from:)`).
/// The two steps together must check exactly what one audit of the appended entries checks.
@Suite struct AuditInStepsTests {
    static func reader(_ ledger: LedgerService) -> PacedReader {
        PacedReader(database: ledger.database, store: ledger.store, pace: .unpaced)
    }

    static func signed(_ ledger: LedgerService) async throws -> Checkpoint {
        let latest = try #require(try await ledger.latestCheckpoint())
        return try Checkpoint(signedNote: latest.note, verifier: ledger.verifier)
    }

    @Test(arguments: TestEngine.available)
    func anAuditThatGoesOnFromItsTreeEndsWhereOneAuditEnds(engine: TestEngine) async throws {
        try await withLedger(engine) { ledger in
            try await ledger.append(try (0..<600).map(event))
            _ = try await ledger.signCheckpoint()
            try await ledger.append(try (600..<900).map(event))
            var auditor = LedgerAuditor(verifier: ledger.verifier)
            auditor.chunk = 64
            let tree = try await auditor.auditedTree(Self.reader(ledger), since: try await Self.signed(ledger))
            #expect(tree.size == 900)
            // Across tile boundaries (256 entries a tile), with a partly filled tile at the edge.
            try await ledger.append(try (900..<1_300).map(event))
            let stepped = try await auditor.auditAppended(Self.reader(ledger), from: tree)
            let whole = try await auditor.auditAppended(Self.reader(ledger), since: try await Self.signed(ledger))
            #expect(stepped == whole)
            #expect(stepped.size == 1_300)
            #expect(stepped.root == (try await ledger.head()).root)
        }
    }

    @Test(arguments: TestEngine.available)
    func damageAppendedAfterTheFirstStepIsFoundInTheSecond(engine: TestEngine) async throws {
        try await withLedger(engine) { ledger in
            try await ledger.append(try (0..<300).map(event))
            _ = try await ledger.signCheckpoint()
            try await ledger.append(try (300..<500).map(event))
            let auditor = LedgerAuditor(verifier: ledger.verifier)
            let tree = try await auditor.auditedTree(Self.reader(ledger), since: try await Self.signed(ledger))
            try await ledger.append(try (500..<520).map(event))
            let literal = TamperTests.blob(try event(999).canonicalBytes, engine)
            try await exec(ledger.database, "UPDATE ledger_entries SET body = \(literal) WHERE idx = 510")
            do {
                _ = try await auditor.auditAppended(Self.reader(ledger), from: tree)
                Issue.record("the second step missed an altered entry")
            } catch let LedgerError.corrupt(index, _) {
                #expect(index == 510)
            }
            await #expect(throws: LedgerError.self, "signing refuses") { try await ledger.signCheckpoint() }
        }
    }

    /// The first step stops at the size it read first: entries appended while it reads are the
    /// second step's, inside the signing transaction.
    @Test(arguments: TestEngine.available)
    func theFirstStepStopsAtTheHeadItRead(engine: TestEngine) async throws {
        try await withLedger(engine) { ledger in
            _ = try await ledger.append(try (0..<300).map(event))
            _ = try await ledger.signCheckpoint()
            _ = try await ledger.append(try (300..<400).map(event))
            let reader = LiveAuditTests.AppendingReader(ledger: ledger)
            let tree = try await LedgerAuditor(verifier: ledger.verifier).auditedTree(
                reader, since: try await Self.signed(ledger))
            #expect(tree.size == 400)
            #expect((try await ledger.head()).size == 403, "three were appended meanwhile")
            let signed = try await ledger.signCheckpoint()
            #expect(signed.size == 403)
        }
    }
}

/// The background audit's pace: rests in proportion to the work, so its share of a core stays the
/// same however costly a chunk becomes as the ledger grows.
@Suite struct PaceTests {
    @Test func aPacedReaderRestsInProportionToItsWork() {
        #expect(Pace.background.rest(after: .milliseconds(3)) == .milliseconds(27))
        #expect(
            Pace.background.rest(after: .milliseconds(30)) == .milliseconds(270),
            "ten times the work, ten times the rest")
        #expect(Pace(share: 0.5).rest(after: .milliseconds(4)) == .milliseconds(4))
        #expect(Pace.unpaced.rest(after: .seconds(1)) == .zero, "signing does not wait")
    }

    @Test func aShareOutOfRangeIsClamped() {
        #expect(Pace(share: 7).share == 1)
        #expect(Pace(share: 0).share == 0.001, "never zero: a reader that never works")
        #expect(Pace(share: -1).rest(after: .milliseconds(1)) == .milliseconds(999))
    }
}
