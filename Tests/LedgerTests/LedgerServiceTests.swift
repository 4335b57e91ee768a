import Core
import Foundation
import SQLKit
import Storage
import Synchronization
import TestSupport
import Testing

@testable import Ledger

func event(_ n: Int) throws -> LedgerEvent {
    try LedgerEvent(
        kind: "test.event", actor: "system:test", subject: "case:\(n)", time: 1_800_000_000 + n, details: ["n": n])
}

func withLedger(_ engine: TestEngine, _ body: (LedgerService) async throws -> Void) async throws {
    try await engine.withDatabase(migrations: LedgerMigrations.all) { database async throws in
        try await body(try await LedgerService.open(database, origin: "test.tazakoom.kg/ledger"))
    }
}

func exec(_ database: Database, _ statement: String) async throws {
    try await database.withConnection { sql in try await sql.raw(SQLQueryString(statement)).run() }
}

@Suite struct LedgerServiceTests {
    @Test(arguments: TestEngine.available)
    func appendsInBatchesMatchTheReferenceTreeAndProofsVerify(engine: TestEngine) async throws {
        try await withLedger(engine) { ledger async throws in
            var leaves: [MerkleHash] = []
            var next = 0
            for batch in [1, 254, 1, 256, 300, 1, 700] {
                let events = try (next..<(next + batch)).map(event)
                let range = try await ledger.append(events)
                #expect(range == next..<(next + batch))
                leaves += events.map { Merkle.leafHash($0.canonicalBytes) }
                next += batch
            }
            let reference = InMemoryTree(leafHashes: leaves)
            let head = try await ledger.head()
            #expect(head.size == 1513)
            #expect(head.root == reference.root)
            for (index, size) in [(0, 1), (0, 1513), (255, 256), (256, 257), (1000, 1513), (1512, 1513), (700, 1024)] {
                let doc = try await ledger.inclusionProof(index: index, size: size)
                #expect(doc.proof == (try Merkle.inclusionProof(index: index, size: size, reference)).map(\.base64))
                try Merkle.verifyInclusion(
                    leaf: leaves[index], index: index, size: size,
                    proof: doc.proof.compactMap { MerkleHash(base64: $0) },
                    root: try Merkle.root(size: size, reference))
            }
            for (from, to) in [(1, 1513), (256, 1513), (257, 512), (1000, 1513), (0, 10), (1513, 1513)] {
                let doc = try await ledger.consistencyProof(from: from, to: to)
                try Merkle.verifyConsistency(
                    size1: from, size2: to, proof: doc.proof.compactMap { MerkleHash(base64: $0) },
                    root1: try Merkle.root(size: from, reference), root2: try Merkle.root(size: to, reference))
            }
            let report = try await ledger.audit()
            #expect(report.size == 1513 && report.root == reference.root)
            await #expect(throws: LedgerError.self) { try await ledger.inclusionProof(index: 5, size: 1514) }
            await #expect(throws: LedgerError.self) { try await ledger.entry(at: 1513) }
            #expect(try await ledger.entry(at: 42).event == (try event(42)))
        }
    }

    @Test(arguments: TestEngine.available)
    func appendsMadeTogetherAreNumberedAtOnceAndWrittenAsOne(engine: TestEngine) async throws {
        try await withLedger(engine) { ledger async throws in
            try await ledger.append([try event(0)])
            let (first, seal, second, headInside) = try await ledger.database.transaction { sql in
                try await ledger.appendingTogether(on: sql) {
                    let first = try await ledger.append([try event(1), try event(2)], on: sql)
                    try await ledger.seal(["case:1": "state-1"], by: "test", on: sql)
                    let second = try await ledger.append([try event(4)], on: sql)
                    // Numbered, not yet written: the stored head moves once, at the end.
                    let headInside = try await ledger.store.readState(sql).size
                    return (first, 3, second, headInside)
                }
            }
            #expect(first == 1..<3 && second == 4..<5 && headInside == 1)
            #expect(try await ledger.entry(at: seal).event.kind == "test.records.sealed")
            #expect(try await ledger.entry(at: 4).event == (try event(4)))
            #expect(try await ledger.append([try event(5)]) == 5..<6, "the next append follows the held ones")
            let report = try await ledger.audit()
            #expect(report.size == 6)
        }
    }

    @Test(arguments: TestEngine.available)
    func anAppendCommitsWithItsActionOrNotAtAll(engine: TestEngine) async throws {
        try await withLedger(engine) { ledger async throws in
            try await ledger.append([try event(0)])
            struct ActionFailed: Error {}
            await #expect(throws: ActionFailed.self) {
                try await ledger.database.transaction { sql in
                    try await ledger.append([try event(1), try event(2)], on: sql)
                    throw ActionFailed()
                }
            }
            #expect(try await ledger.head().size == 1)
            #expect(try await ledger.append([try event(1)]) == 1..<2, "no gap after the rollback")
            // Appends held together are numbered but not written: a failure leaves nothing of them either.
            await #expect(throws: ActionFailed.self) {
                try await ledger.database.transaction { sql in
                    try await ledger.appendingTogether(on: sql) {
                        try await ledger.append([try event(2)], on: sql)
                        throw ActionFailed()
                    }
                }
            }
            #expect(try await ledger.head().size == 2)
            #expect(try await ledger.append([try event(2)]) == 2..<3)
            _ = try await ledger.audit()
        }
    }

    @Test(arguments: TestEngine.available)
    func concurrentAppendersGetDenseIndexes(engine: TestEngine) async throws {
        try await withLedger(engine) { ledger async throws in
            let ranges = try await withThrowingTaskGroup(of: Range<Int>.self) { group in
                for task in 0..<20 {
                    group.addTask {
                        try await ledger.append(try (0..<(1 + task % 5)).map { try event(task * 10 + $0) })
                    }
                }
                return try await group.reduce(into: [Range<Int>]()) { $0.append($1) }
            }
            let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
            #expect(sorted.first?.lowerBound == 0)
            for (a, b) in zip(sorted, sorted.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
            #expect(try await ledger.head().size == sorted.last?.upperBound)
            _ = try await ledger.audit()
        }
    }

    @Test(arguments: TestEngine.available)
    func checkpointsAreSignedNotesAndReceiptsVerifyOffline(engine: TestEngine) async throws {
        try await withLedger(engine) { ledger async throws in
            try await ledger.append(try (0..<300).map(event))
            let first = try await ledger.signCheckpoint()
            #expect(first.size == 300)
            let checkpoint = try Checkpoint(signedNote: first.note, verifier: ledger.verifier)
            #expect(
                checkpoint
                    == Checkpoint(origin: "test.tazakoom.kg/ledger", size: 300, root: try await ledger.head().root))
            #expect(try await ledger.signCheckpoint().note == first.note, "nothing new: the same checkpoint")
            try await ledger.append(try (300..<333).map(event))
            let second = try await ledger.signCheckpoint()
            #expect(second.size == 333)
            // The published key round-trips, and a note signed by another key is refused.
            let published = try NoteVerifier(encoded: ledger.verifier.encoded)
            #expect(published == ledger.verifier)
            #expect(throws: LedgerError.self) {
                try Checkpoint(signedNote: second.note, verifier: NoteSigner(name: "test.tazakoom.kg/ledger").verifier)
            }
            let receipt = try await ledger.receipt(index: 17)
            let verified = try Receipt.verify(receipt, verifier: published)
            #expect(verified.index == 17 && verified.checkpoint.size == 333)
            #expect(verified.entry == (try event(17)).canonicalBytes)
            let forged = receipt.replacingOccurrences(of: "index 17", with: "index 18")
            #expect(throws: LedgerError.self) { try Receipt.verify(forged, verifier: published) }
            let otherEntry = receipt.replacingOccurrences(
                of: (try event(17)).canonicalBytes.base64EncodedString(),
                with: (try event(18)).canonicalBytes.base64EncodedString())
            #expect(throws: LedgerError.self) { try Receipt.verify(otherEntry, verifier: published) }
            let resized = receipt.replacingOccurrences(of: "\n333\n", with: "\n332\n")
            #expect(throws: LedgerError.self) { try Receipt.verify(resized, verifier: published) }
        }
    }

    @Test func signingKeysRoundTripAndAreChecked() throws {
        let signer = NoteSigner(name: "example.kg/log")
        let again = try NoteSigner(encoded: signer.encoded)
        #expect(again.verifier == signer.verifier)
        #expect(signer.verifier.encoded.hasPrefix("example.kg/log+"))
        #expect(throws: LedgerError.self) { try NoteSigner(encoded: "PRIVATE+KEY+x+00000000+AAAA") }
        #expect(throws: LedgerError.self) { try NoteVerifier(encoded: "nonsense") }
        let note = try signer.sign("hello\n")
        #expect(try signer.verifier.open(note) == "hello\n")
        #expect(throws: LedgerError.self) {
            try signer.verifier.open(note.replacingOccurrences(of: "hello", with: "hellO"))
        }
    }

    @Test func eventsAreValidatedAndCanonical() throws {
        #expect(throws: LedgerError.self) {
            try LedgerEvent(kind: "Bad Kind", actor: "a", subject: "s", time: 0, details: "x")
        }
        #expect(throws: LedgerError.self) {
            try LedgerEvent(kind: "ok", actor: "line\nbreak", subject: "s", time: 0, details: "x")
        }
        #expect(throws: LedgerError.self) {
            try LedgerEvent(kind: "ok", actor: "a", subject: "s", time: 0, detailsDigest: "abc")
        }
        let e = try event(1)
        #expect(try LedgerEvent(canonical: e.canonicalBytes) == e)
        #expect(throws: LedgerError.self) { try LedgerEvent(canonical: Data(" ".utf8) + e.canonicalBytes) }
    }
}

@Suite struct TamperTests {
    /// `bytes` as an SQL literal of the engine's binary type.
    static func blob(_ bytes: Data, _ engine: TestEngine) -> String {
        engine == .postgres ? "'\\x\(Hex.encode(bytes))'::bytea" : "X'\(Hex.encode(bytes))'"
    }

    /// A ledger of 600 entries with a signed checkpoint, 10 more, then one change made behind its
    /// back. The full audit names the entry. Damage among the 10 new entries stops the next
    /// signing by itself (it checks what was appended); damage to the 600 older ones is the
    /// background audit's to find, and signing refuses from then on.
    static func tampered(_ engine: TestEngine, _ change: String, expectIndex: Int?) async throws {
        try await withLedger(engine) { ledger async throws in
            try await ledger.append(try (0..<600).map(event))
            _ = try await ledger.signCheckpoint()
            try await ledger.append(try (600..<610).map(event))
            try await exec(ledger.database, change)
            do {
                _ = try await ledger.audit()
                Issue.record("the audit missed: \(change)")
            } catch let LedgerError.corrupt(index, reason) {
                #expect(index == expectIndex, "\(change): \(reason)")
            }
            if let expectIndex, expectIndex >= 600 {
                do {
                    _ = try await ledger.signCheckpoint()
                    Issue.record("signed over new damage: \(change)")
                } catch let LedgerError.corrupt(index, reason) {
                    #expect(index == expectIndex, "signing names it: \(reason)")
                }
                return
            }
            await #expect(throws: LedgerError.self, "an operator's signing audits the whole log: \(change)") {
                try await ledger.signCheckpoint(wholeLog: true)
            }
            do {
                _ = try await ledger.auditInBackground(pace: .unpaced)
                Issue.record("the background audit missed: \(change)")
            } catch let LedgerError.corrupt(index, reason) {
                #expect(index == expectIndex, "the background audit names it: \(reason)")
            }
            await #expect(throws: LedgerError.self, "refuses to sign after: \(change)") {
                try await ledger.signCheckpoint()
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func anAlteredNewEntryStopsSigning(engine: TestEngine) async throws {
        let literal = Self.blob(try event(999).canonicalBytes, engine)
        try await Self.tampered(engine, "UPDATE ledger_entries SET body = \(literal) WHERE idx = 605", expectIndex: 605)
    }

    /// The cost of signing: on a log ten times larger, a checkpoint over the same number of new
    /// entries reads the same number of entries.
    @Test(arguments: TestEngine.available)
    func signingReadsOnlyWhatWasAppended(engine: TestEngine) async throws {
        try await withLedger(engine) { ledger async throws in
            try await ledger.append(try (0..<3_000).map(event))
            _ = try await ledger.signCheckpoint()
            // Old entries made unreadable: a signing that read them would fail.
            try await exec(ledger.database, "DELETE FROM ledger_entries WHERE idx < 2900")
            try await ledger.append(try (3_000..<3_100).map(event))
            let signed = try await ledger.signCheckpoint()
            #expect(signed.size == 3_100)
            await #expect(throws: LedgerError.self) { try await ledger.auditInBackground(pace: .unpaced) }
        }
    }

    /// The background pass reads in short steps (each holds SQLite's one connection while write
    /// batches wait) and still covers the whole log.
    @Test func theBackgroundAuditReadsTheLogInShortSteps() async throws {
        try await withLedger(.sqlite) { ledger async throws in
            try await ledger.append(try (0..<3_000).map(event))
            let steps = Mutex<[Int]>([])
            let report = try await ledger.auditInBackground(pace: .unpaced) { done, _ in
                steps.withLock { $0.append(done) }
            }
            #expect(report.size == 3_000)
            let done = steps.withLock { $0 }
            #expect(done.last == 3_000)
            let longest = zip(done, [0] + done).map { $0 - $1 }.max() ?? 0
            #expect(longest <= LedgerService.backgroundAuditChunk && longest > 0, "steps: \(done)")
            #expect(LedgerService.backgroundAuditChunk <= 1_024)
        }
    }

    @Test(arguments: TestEngine.available)
    func anAlteredEntryIsFoundByIndex(engine: TestEngine) async throws {
        let literal = Self.blob(try event(999).canonicalBytes, engine)
        try await Self.tampered(engine, "UPDATE ledger_entries SET body = \(literal) WHERE idx = 123", expectIndex: 123)
    }

    @Test(arguments: TestEngine.available)
    func aRemovedEntryIsFoundByIndex(engine: TestEngine) async throws {
        try await Self.tampered(engine, "DELETE FROM ledger_entries WHERE idx = 300", expectIndex: 300)
    }

    @Test(arguments: TestEngine.available)
    func theLastEntryRemovedIsFound(engine: TestEngine) async throws {
        try await Self.tampered(engine, "DELETE FROM ledger_entries WHERE idx = 609", expectIndex: 609)
    }

    @Test(arguments: TestEngine.available)
    func anInsertedEntryIsFound(engine: TestEngine) async throws {
        let literal = Self.blob(try event(5).canonicalBytes, engine)
        try await Self.tampered(
            engine, "INSERT INTO ledger_entries (idx, body) VALUES (610, \(literal))", expectIndex: 610)
    }

    @Test(arguments: TestEngine.available)
    func anAlteredStoredHashIsFound(engine: TestEngine) async throws {
        // Replace the first 32 bytes of tile 0/1 (the hash of entry 256) with zeros.
        let zeros = String(repeating: "00", count: 32)
        let statement =
            engine == .postgres
            ? "UPDATE ledger_tiles SET hashes = overlay(hashes placing '\\x\(zeros)'::bytea from 1 for 32) WHERE level = 0 AND idx = 1"
            : "UPDATE ledger_tiles SET hashes = CAST(X'\(zeros)' || substr(hashes, 33) AS BLOB) WHERE level = 0 AND idx = 1"
        try await Self.tampered(engine, statement, expectIndex: 256)
    }
}

@Suite struct PseudonymTests {
    @Test(arguments: TestEngine.available)
    func erasingAPersonKeepsTheLogVerifiableAndUnlinksThem(engine: TestEngine) async throws {
        try await withLedger(engine) { ledger async throws in
            let pin = "21503198500123"
            let subject = try await ledger.database.transaction { sql in
                let subject = try await ledger.pseudonym(for: pin, on: sql)
                try await ledger.append(
                    [
                        try LedgerEvent(
                            kind: "registry.read", actor: "agency:MOH", subject: subject, time: 1, details: "x")
                    ], on: sql)
                return subject
            }
            #expect(subject.hasPrefix("person:") && !subject.contains(pin))
            let again = try await ledger.database.transaction { sql in try await ledger.pseudonym(for: pin, on: sql) }
            #expect(again == subject, "stable while the salt is kept")
            _ = try await ledger.signCheckpoint()
            try await ledger.forget(pin)
            let after = try await ledger.database.transaction { sql in try await ledger.pseudonym(for: pin, on: sql) }
            #expect(after != subject, "after erasure the old entries no longer point to the person")
            #expect(try await ledger.audit().size == 1, "and the log still verifies")
        }
    }
}
