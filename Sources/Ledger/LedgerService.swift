import Core
import Crypto
import Foundation
import Logging
import SQLKit
import Storage
import Synchronization

/// The transparency ledger of the platform: append events in the caller's transaction, sign
/// checkpoints, serve proofs, entries and tiles, audit the whole log.
public struct LedgerService: Sendable {
    public let database: Database
    /// The log's name; also the name of its signing key.
    public let origin: String
    let signer: NoteSigner
    let store: LedgerStore
    /// When checkpoints are signed.
    let clock: Clock
    /// The right edge of the tree after this process's last append, so the next append need not
    /// read tiles back. Used only when the locked head (size and root) still matches it: an
    /// append by another node, or a rolled-back one, makes it stale and it is rebuilt from tiles.
    let frontier = Frontier()
    /// What the background audit found wrong, if anything: signing refuses while it is set.
    let findings = AuditFindings()
    /// The key of the record seals this log carries.
    public let seals: RecordSeals

    /// The public key that verifies this log's checkpoints.
    public var verifier: NoteVerifier { signer.verifier }

    /// Opens the ledger on a migrated database. The signing key is `signingKey` when given
    /// (production: from a file); otherwise the one kept in the database, made on first use.
    public static func open(
        _ database: Database, origin: String, signingKey: String? = nil, clock: Clock = .system
    ) async throws
        -> LedgerService
    {
        let signer: NoteSigner
        if let signingKey {
            signer = try NoteSigner(encoded: signingKey)
        } else {
            let store = LedgerStore(engine: database.engine)
            signer = try await database.transaction { sql in
                if let stored = try await store.signingKey(sql, origin: origin) {
                    return try NoteSigner(encoded: stored)
                }
                // Several nodes may start on a new database at once: the first key written wins.
                let fresh = NoteSigner(name: origin)
                try await store.insertSigningKey(sql, origin: origin, encoded: fresh.encoded)
                return try await store.signingKey(sql, origin: origin).map { try NoteSigner(encoded: $0) } ?? fresh
            }
        }
        guard signer.name == origin else {
            throw LedgerError.invalidEvent("the signing key is for \(signer.name), not \(origin)")
        }
        let store = LedgerStore(engine: database.engine)
        let sealKey = try await database.transaction { sql in
            let name = "seal-key:" + origin
            if let stored = try await store.signingKey(sql, origin: name) { return stored }
            try await store.insertSigningKey(
                sql, origin: name, encoded: Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255) }))
            return try await store.signingKey(sql, origin: name) ?? ""
        }
        return LedgerService(
            database: database, origin: origin, signer: signer, store: store, clock: clock,
            seals: try RecordSeals(keyHex: sealKey))
    }

    // MARK: appending

    /// Appends `events` inside the caller's transaction `sql` and returns their indexes. They
    /// commit with the action that caused them, or not at all; indexes stay dense because the
    /// sequencer row is locked until that transaction ends.
    /// Inside `appendingTogether`, they are numbered now and written at its end.
    @discardableResult
    public func append(_ events: [LedgerEvent], on sql: any SQLDatabase) async throws -> Range<Int> {
        if let together = HeldEntries.current { return try await hold(events, in: together, on: sql) }
        let entries = HeldEntries()
        let range = try await hold(events, in: entries, on: sql)
        try await write(entries, on: sql)
        return range
    }

    /// Runs `body`, a part of the caller's transaction `sql`, with every append it makes on that
    /// transaction numbered at once and written at its end in one go: a batch of submissions
    /// appends its cases' events, perhaps issued documents, and its seals, and each separate
    /// append would read and write the head and the tiles again. Appends in a transaction of
    /// their own (`append(_:)`) do not join; `body` must not append on another transaction.
    public func appendingTogether<T>(on sql: any SQLDatabase, _ body: () async throws -> T) async throws -> T {
        let entries = HeldEntries()
        let result = try await HeldEntries.$current.withValue(entries) { try await body() }
        try await write(entries, on: sql)
        return result
    }

    /// Numbers `events` as the next entries of the log in the caller's transaction without
    /// writing them yet (`write(_:on:)` does, before the transaction commits). The first hold of
    /// `entries` locks the head, as `append` does.
    func hold(_ events: [LedgerEvent], in entries: HeldEntries, on sql: any SQLDatabase) async throws
        -> Range<Int>
    {
        guard !events.isEmpty else { throw LedgerError.invalidEvent("nothing to append") }
        var rows: [Data] = []
        rows.reserveCapacity(events.count)
        for event in events {
            try event.validate()
            let body = event.canonicalBytes
            // Entry bundles give each entry a 16-bit length.
            guard body.count <= Int(UInt16.max) else {
                throw LedgerError.invalidEvent("an entry may not be longer than 65535 bytes")
            }
            rows.append(body)
        }
        if !entries.isStarted {
            let state = try await store.lockState(sql)
            if let cached = frontier.current(size: state.size, root: state.root) {
                entries.start(cached)
            } else {
                entries.start(try await resume(sql, size: state.size))
            }
        }
        guard let range = entries.add(rows) else { throw LedgerError.invalidEvent("the held entries were not started") }
        return range
    }

    /// Writes the entries held in `entries` (with their tiles and the new head) in the caller's
    /// transaction, and empties it.
    func write(_ entries: HeldEntries, on sql: any SQLDatabase) async throws {
        guard var held = entries.take(), !held.rows.isEmpty else { return }
        try await store.insertEntries(sql, from: held.start, held.rows)
        try await store.saveTiles(sql, held.builder.takeChangedTiles())
        let root = held.builder.root
        try await store.saveState(sql, size: held.builder.size, root: root)
        frontier.remember(held.builder, root: root)
    }

    /// Appends in a transaction of its own.
    @discardableResult
    public func append(_ events: [LedgerEvent]) async throws -> Range<Int> {
        // Not part of an enclosing `appendingTogether`: this transaction is not that one.
        try await HeldEntries.$current.withValue(nil) {
            try await database.transaction { sql in try await self.append(events, on: sql) }
        }
    }

    /// The right edge of the stored tree, checked against its size.
    private func resume(_ sql: any SQLDatabase, size: Int) async throws -> TreeBuilder {
        try TreeBuilder(size: size, tiles: try await store.loadTiles(sql, Set(TreeBuilder.edgeKeys(size: size))))
    }

    /// Stores the tiles and head of a tree built elsewhere, without entries. For benchmarks of
    /// proof serving only (proofs need tiles, not entries); such a log does not pass an audit.
    public func storeTreeWithoutEntries(_ builder: inout TreeBuilder) async throws {
        let tiles = builder.takeChangedTiles()
        let (size, root) = (builder.size, builder.root)
        try await database.transaction { sql in
            try await self.store.saveTiles(sql, tiles)
            try await self.store.saveState(sql, size: size, root: root)
        }
    }

    // MARK: reading

    /// The current size and root (not necessarily signed yet).
    public func head() async throws -> (size: Int, root: MerkleHash) {
        try await database.withConnection { sql in try await self.store.readState(sql) }
    }

    /// One entry: its event, its exact bytes and its leaf hash.
    public func entry(at index: Int) async throws -> (event: LedgerEvent, body: Data, leafHash: MerkleHash) {
        let rows = try await database.withConnection { sql in try await self.store.entries(sql, from: index, limit: 1) }
        guard let row = rows.first, row.index == index else {
            throw LedgerError.outOfRange("there is no entry \(index)")
        }
        let event: LedgerEvent
        do { event = try LedgerEvent(canonical: row.body) } catch {
            throw LedgerError.corrupt(index: index, reason: "entry \(index) is not canonical")
        }
        return (event, row.body, Merkle.leafHash(row.body))
    }

    /// Computes with the stored tiles that `body` needs, fetched in one query.
    func withTiles<T: Sendable>(_ body: @escaping @Sendable (any MerkleNodeSource) throws -> T) async throws -> T {
        let keys = try TileSource.keysNeeded { source in _ = try body(source) }
        let tiles = try await database.withConnection { sql in try await self.store.loadTiles(sql, keys) }
        return try body(TileSource(tiles: tiles))
    }

    /// The inclusion proof of entry `index` in the tree of `size` entries (at most the current size).
    public func inclusionProof(index: Int, size: Int) async throws -> InclusionProofDocument {
        let head = try await head()
        guard size >= 1, size <= head.size else {
            throw LedgerError.outOfRange("size must be between 1 and \(head.size)")
        }
        guard index >= 0, index < size else { throw LedgerError.outOfRange("index must be below the size \(size)") }
        return try await withTiles { source in
            InclusionProofDocument(
                index: index, size: size, leafHash: try source.node(level: 0, index: index),
                root: try Merkle.root(size: size, source),
                proof: try Merkle.inclusionProof(index: index, size: size, source)
            )
        }
    }

    /// The consistency proof between the trees of `from` and `to` entries.
    public func consistencyProof(from: Int, to: Int) async throws -> ConsistencyProofDocument {
        let head = try await head()
        guard from >= 0, from <= to, to <= head.size else {
            throw LedgerError.outOfRange("sizes must satisfy 0 ≤ from ≤ to ≤ \(head.size)")
        }
        return try await withTiles { source in
            ConsistencyProofDocument(
                from: from, to: to, root1: try Merkle.root(size: from, source),
                root2: try Merkle.root(size: to, source),
                proof: try Merkle.consistencyProof(from: from, to: to, source)
            )
        }
    }

    /// A stored tile as served by tlog-tiles: `width` hashes (the tile may have grown since).
    public func tile(_ key: TileKey, width: Int) async throws -> Data {
        let head = try await head()
        let (first, overflow) = key.index.multipliedReportingOverflow(by: 256)
        guard !overflow, key.index >= 0, (0...63).contains(key.level) else {
            throw LedgerError.outOfRange("tile \(key.level)/\(key.index) is past the end of any log")
        }
        let available = min(256, max(0, (head.size >> (8 * key.level)) - first))
        guard width >= 1, width <= available else {
            throw LedgerError.outOfRange("tile \(key.level)/\(key.index) has \(available) hashes")
        }
        let tiles = try await database.withConnection { sql in try await self.store.loadTiles(sql, [key]) }
        guard let hashes = tiles[key], hashes.count >= width else {
            throw LedgerError.corrupt(index: nil, reason: "tile \(key.level)/\(key.index) is missing")
        }
        return LedgerStore.encode(Array(hashes.prefix(width)))
    }

    /// An entry bundle (tlog-tiles): entries `index·256 ..< index·256 + width`, each as a
    /// big-endian 16-bit length and the bytes.
    public func entryBundle(index: Int, width: Int) async throws -> Data {
        let head = try await head()
        let (first, overflow) = index.multipliedReportingOverflow(by: 256)
        guard !overflow, index >= 0 else {
            throw LedgerError.outOfRange("entry bundle \(index) is past the end of any log")
        }
        let available = min(256, max(0, head.size - first))
        guard width >= 1, width <= available else {
            throw LedgerError.outOfRange("entry bundle \(index) has \(available) entries")
        }
        let rows = try await database.withConnection { sql in
            try await self.store.entries(sql, from: index * 256, limit: width)
        }
        var data = Data()
        for (n, row) in rows.enumerated() {
            guard row.index == index * 256 + n else {
                throw LedgerError.corrupt(index: index * 256 + n, reason: "entry missing")
            }
            guard row.body.count <= Int(UInt16.max) else {
                throw LedgerError.corrupt(index: row.index, reason: "entry longer than a bundle allows")
            }
            data.append(UInt8(row.body.count >> 8))
            data.append(UInt8(row.body.count & 0xff))
            data.append(row.body)
        }
        return data
    }

    // MARK: checkpoints

    /// The latest signed checkpoint as a note, or nil before the first signing.
    public func latestCheckpoint() async throws -> (size: Int, root: MerkleHash, note: String)? {
        try await database.withConnection { sql in try await self.store.latestCheckpoint(sql) }
    }

    /// Every signed checkpoint note, oldest first.
    public func checkpointNotes() async throws -> [String] {
        try await database.withConnection { sql in try await self.store.checkpoints(sql).map(\.note) }
    }

    /// Audits what was appended since the last checkpoint (the whole log for the first one), then
    /// signs a checkpoint of the current size; returns the latest checkpoint unchanged when
    /// nothing was appended since. Refuses (throws) when that audit finds damage, when the new
    /// tree is not consistent with the last signed one, or while the background audit
    /// (`auditInBackground`) has found damage anywhere, so the log never signs a history that
    /// differs from what it signed before. `wholeLog` audits every entry first, as the first
    /// checkpoint does (the command line's `tazakoom ledger sign`, run by an operator, does).
    @discardableResult
    public func signCheckpoint(wholeLog: Bool = false, logger: Logger? = nil) async throws -> (
        size: Int, root: MerkleHash, note: String
    ) {
        if let damage = findings.current { throw damage }
        let auditor = LedgerAuditor(verifier: verifier)
        let audited = wholeLog ? nil : try await auditBeforeSigning()
        return try await database.transactionSession { session in
            let sql = session.sql
            let state = try await self.store.lockState(sql)
            let latest = try await self.store.latestCheckpoint(sql)
            // The first checkpoint vouches for the whole log; each later one for what was appended
            // since the one before (whose signature is checked here), so its cost does not grow
            // with the log. The background audit covers the older entries.
            let reader = ConnectionReader(session: session, store: self.store)
            let report =
                if let latest, !wholeLog {
                    if let audited, audited.since == latest.note {
                        try await auditor.auditAppended(reader, from: audited.tree)
                    } else {
                        try await auditor.auditAppended(
                            reader, since: try Checkpoint(signedNote: latest.note, verifier: self.verifier))
                    }
                } else {
                    try await auditor.audit(reader)
                }
            if let latest, latest.size == state.size, latest.root == report.root { return latest }
            if let latest {
                // The audit rebuilt both trees from the same entries; the proof is the same promise in the RFC's terms.
                let proof = try Merkle.consistencyProof(
                    from: latest.size, to: report.size,
                    TileSource(
                        tiles: try await self.store.loadTiles(
                            sql,
                            try TileSource.keysNeeded { source in
                                _ = try Merkle.consistencyProof(from: latest.size, to: report.size, source)
                            })))
                try Merkle.verifyConsistency(
                    size1: latest.size, size2: report.size, proof: proof, root1: latest.root, root2: report.root)
            }
            let checkpoint = Checkpoint(origin: self.origin, size: report.size, root: report.root)
            let note = try self.signer.sign(checkpoint.text)
            try await self.store.insertCheckpoint(
                sql, size: report.size, root: report.root, note: note, at: clock.seconds)
            logger?.info("signed ledger checkpoint", metadata: ["size": "\(report.size)"])
            return (report.size, report.root, note)
        }
    }

    /// Audits what was appended since the latest checkpoint, up to the log's size now, a chunk of
    /// entries a session, so that the signing transaction then audits only the few appended
    /// meanwhile. On SQLite that transaction holds the one connection: auditing ten seconds of
    /// appends in it held every submission for 120-250 ms on a busy node. Nil before the first
    /// checkpoint, which audits the whole log in its transaction.
    private func auditBeforeSigning() async throws -> (since: String, tree: TreeBuilder)? {
        guard let latest = try await latestCheckpoint() else { return nil }
        var auditor = LedgerAuditor(verifier: verifier)
        auditor.chunk = Self.backgroundAuditChunk
        let reader = PacedReader(database: database, store: store, pace: .unpaced)
        let tree = try await auditor.auditedTree(
            reader, since: try Checkpoint(signedNote: latest.note, verifier: verifier))
        return (latest.note, tree)
    }

    /// A tlog-proof receipt for entry `index` against the latest checkpoint.
    public func receipt(index: Int) async throws -> String {
        guard let checkpoint = try await latestCheckpoint() else {
            throw LedgerError.outOfRange("no checkpoint has been signed yet")
        }
        guard index >= 0, index < checkpoint.size else {
            throw LedgerError.outOfRange("entry \(index) is not in the latest checkpoint (size \(checkpoint.size)) yet")
        }
        let proof = try await inclusionProof(index: index, size: checkpoint.size)
        let entry = try await entry(at: index)
        return Receipt.format(index: index, entry: entry.body, proof: proof.proof, checkpointNote: checkpoint.note)
    }

    /// Raw entries from `from` on, in index order (what `LedgerReader.entries` gives over HTTP).
    public func entries(from: Int, limit: Int) async throws -> [(index: Int, body: Data)] {
        try await database.withSession { session in
            try await self.store.bodies(session, from: max(0, from), limit: max(1, min(limit, 10_000)))
        }
    }

    /// A full audit of the stored log (see `LedgerAuditor`).
    public func audit(progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> AuditReport {
        let auditor = LedgerAuditor(verifier: verifier)
        return try await database.withSession { session in
            try await auditor.audit(ConnectionReader(session: session, store: self.store), progress: progress)
        }
    }
}

/// Reads a log through one database connection.
struct ConnectionReader: LedgerReader {
    let session: DatabaseSession
    let store: LedgerStore
    var sql: any SQLDatabase { session.sql }

    func head() async throws -> (size: Int, root: MerkleHash) { try await store.readState(sql) }
    func signedCheckpoints() async throws -> [String] { try await store.checkpoints(sql).map(\.note) }
    func entries(from: Int, limit: Int) async throws -> [(index: Int, body: Data)] {
        try await store.bodies(session, from: from, limit: limit)
    }
    func tiles(level: Int, range: Range<Int>) async throws -> [TileKey: [MerkleHash]] {
        try await store.loadTiles(sql, level: level, range: range)
    }
}

/// The C2SP tlog-proof text format: an offline-verifiable receipt for one entry. The entry's
/// own bytes travel in the `extra` line, so the receipt alone proves what was logged.
public enum Receipt {
    public static let header = "c2sp.org/tlog-proof@v1"

    public static func format(index: Int, entry: Data, proof: [String], checkpointNote: String) -> String {
        ([header, "extra " + entry.base64EncodedString(), "index \(index)"] + proof).joined(separator: "\n") + "\n\n"
            + checkpointNote
    }

    /// What a verified receipt proves.
    public struct Verified: Sendable {
        public var index: Int
        public var checkpoint: Checkpoint
        /// The logged entry, when the receipt carries it.
        public var entry: Data?
    }

    /// Checks a receipt against the log's key. The leaf is the entry in `extra` or, for receipts
    /// without it, `leafHash`.
    public static func verify(_ text: String, leafHash given: MerkleHash? = nil, verifier: NoteVerifier) throws
        -> Verified
    {
        guard let split = text.range(of: "\n\n") else {
            throw LedgerError.corrupt(index: nil, reason: "not a tlog-proof: no blank line before the checkpoint")
        }
        var lines = text[..<split.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == Substring(header) else {
            throw LedgerError.corrupt(index: nil, reason: "not a tlog-proof: the first line must be \(header)")
        }
        lines.removeFirst()
        var entry: Data?
        if let extra = lines.first, extra.hasPrefix("extra ") {
            guard let data = Data(base64Encoded: String(extra.dropFirst(6))) else {
                throw LedgerError.corrupt(index: nil, reason: "the extra line is not base64")
            }
            entry = data
            lines.removeFirst()
        }
        guard let leafHash = entry.map({ Merkle.leafHash($0) }) ?? given else {
            throw LedgerError.corrupt(index: nil, reason: "the receipt carries no entry and no leaf hash was given")
        }
        guard let indexLine = lines.first, indexLine.hasPrefix("index "), let index = Int(indexLine.dropFirst(6)),
            index >= 0
        else {
            throw LedgerError.corrupt(index: nil, reason: "not a tlog-proof: missing index line")
        }
        var proof: [MerkleHash] = []
        for line in lines.dropFirst() {
            guard let hash = MerkleHash(base64: String(line)) else {
                throw LedgerError.corrupt(index: index, reason: "a proof line is not base64 of 32 bytes")
            }
            proof.append(hash)
        }
        let checkpoint = try Checkpoint(signedNote: String(text[split.upperBound...]), verifier: verifier)
        do {
            try Merkle.verifyInclusion(
                leaf: leafHash, index: index, size: checkpoint.size, proof: proof, root: checkpoint.root)
        } catch {
            throw LedgerError.corrupt(index: index, reason: "the inclusion proof does not hold: \(error)")
        }
        return Verified(index: index, checkpoint: checkpoint, entry: entry)
    }
}

/// The last tree edge this process appended, with its root (see `LedgerService.frontier`).
final class Frontier: Sendable {
    private let state = Mutex<(builder: TreeBuilder, root: MerkleHash)?>(nil)

    func current(size: Int, root: MerkleHash) -> TreeBuilder? {
        state.withLock { cached in
            guard let cached, cached.builder.size == size, cached.root == root else { return nil }
            return cached.builder
        }
    }

    func remember(_ builder: TreeBuilder, root: MerkleHash) {
        state.withLock { $0 = (builder, root) }
    }
}

/// Entries one transaction has numbered but not yet written (`LedgerService.appendingTogether`):
/// the tree as it will be with them, and their bytes.
final class HeldEntries: Sendable {
    /// The entries of the enclosing `appendingTogether`, if any.
    @TaskLocal static var current: HeldEntries?

    struct Held {
        var builder: TreeBuilder
        let start: Int
        var rows: [Data] = []
    }
    private let held = Mutex<Held?>(nil)

    var isStarted: Bool { held.withLock { $0 != nil } }

    func start(_ builder: TreeBuilder) {
        held.withLock { $0 = Held(builder: builder, start: builder.size) }
    }

    /// Numbers `rows` after those held already; nil before `start`.
    func add(_ rows: [Data]) -> Range<Int>? {
        held.withLock { held in
            guard var current = held else { return nil }
            held = nil  // so that the arrays below are not copied
            let first = current.builder.size
            for row in rows { current.builder.append(Merkle.leafHash(row)) }
            current.rows += rows
            held = current
            return first..<current.builder.size
        }
    }

    func take() -> Held? {
        held.withLock { held in
            defer { held = nil }
            return held
        }
    }
}
