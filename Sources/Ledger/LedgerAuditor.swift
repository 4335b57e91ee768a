import Foundation

/// What a full audit found: everything adds up, at this size and root.
public struct AuditReport: Sendable, Equatable {
    public var size: Int
    public var root: MerkleHash
    public var checkpointsVerified: Int
}

/// Where an audit reads a log from: the database, or a log's public HTTP endpoints.
public protocol LedgerReader: Sendable {
    /// The size and root the log claims now.
    func head() async throws -> (size: Int, root: MerkleHash)
    /// Signed checkpoints (notes), oldest first.
    func signedCheckpoints() async throws -> [String]
    /// Entries from `from` on, in index order; fewer than asked at the end. Each with the kind and
    /// subject columns stored beside it, when the source has them.
    func entries(from: Int, limit: Int) async throws -> [(index: Int, columns: (kind: String, subject: String)?, body: Data)]
    /// Stored tiles of `level` with index in `range`.
    func tiles(level: Int, range: Range<Int>) async throws -> [TileKey: [MerkleHash]]
}

/// Recomputes a whole log from its entries and compares every stored hash, root and checkpoint,
/// naming the first index where anything was altered, removed or inserted.
public struct LedgerAuditor: Sendable {
    public let verifier: NoteVerifier
    /// Entries read per round trip.
    public var chunk = 20_000

    public init(verifier: NoteVerifier) {
        self.verifier = verifier
    }

    public func audit(_ reader: some LedgerReader, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> AuditReport {
        let head = try await reader.head()
        var checkpoints: [Checkpoint] = []
        for note in try await reader.signedCheckpoints() {
            checkpoints.append(try Checkpoint(signedNote: note, verifier: verifier))
        }
        checkpoints.sort { $0.size < $1.size }
        if let last = checkpoints.last, last.size > head.size {
            throw LedgerError.behindCheckpoint(databaseSize: head.size, checkpointSize: last.size)
        }
        var pending = checkpoints[...]
        while let first = pending.first, first.size == 0 {
            guard first.root == Merkle.emptyRoot else { throw LedgerError.corrupt(index: 0, reason: "the checkpoint of size 0 has a wrong root") }
            pending = pending.dropFirst()
        }
        var builder = TreeBuilder()
        var compared = 0
        while true {
            let batch = try await reader.entries(from: builder.size, limit: chunk)
            if batch.isEmpty { break }
            for entry in batch {
                let index = builder.size
                if entry.index > index { throw LedgerError.corrupt(index: index, reason: "entry \(index) is missing (removed)") }
                if entry.index < index { throw LedgerError.corrupt(index: entry.index, reason: "entry \(entry.index) appears twice (inserted)") }
                if index >= head.size { throw LedgerError.corrupt(index: index, reason: "entry \(index) lies beyond the log's size \(head.size) (inserted)") }
                let event: LedgerEvent
                do { event = try LedgerEvent(canonical: entry.body) } catch {
                    throw LedgerError.corrupt(index: index, reason: "entry \(index) is not a canonical ledger event (altered)")
                }
                if let columns = entry.columns, columns.kind != event.kind || columns.subject != event.subject {
                    throw LedgerError.corrupt(index: index, reason: "the columns of entry \(index) differ from its content (altered)")
                }
                builder.append(Merkle.leafHash(entry.body))
                while let next = pending.first, next.size == builder.size {
                    guard builder.root == next.root else {
                        throw LedgerError.corrupt(index: nil, reason: "the entries do not produce the signed checkpoint of size \(next.size)")
                    }
                    pending = pending.dropFirst()
                }
            }
            try await compare(builder.takeChangedTiles(), with: reader)
            compared = builder.size
            progress?(compared, head.size)
        }
        if builder.size < head.size {
            throw LedgerError.corrupt(index: builder.size, reason: "entries from \(builder.size) on are missing (removed); the log claims \(head.size)")
        }
        guard builder.root == head.root else {
            throw LedgerError.corrupt(index: nil, reason: "the stored root differs from the root of the entries")
        }
        return AuditReport(size: builder.size, root: builder.root, checkpointsVerified: checkpoints.count)
    }

    /// Compares recomputed tiles with the stored ones; a stored tile may be wider (it kept filling).
    private func compare(_ recomputed: [TileKey: [MerkleHash]], with reader: some LedgerReader) async throws {
        let byLevel = Dictionary(grouping: recomputed.keys, by: \.level)
        for (level, keys) in byLevel.sorted(by: { $0.key < $1.key }) {
            let indexes = keys.map(\.index)
            guard let low = indexes.min(), let high = indexes.max() else { continue }
            let stored = try await reader.tiles(level: level, range: low..<(high + 1))
            for key in keys.sorted() {
                let mine = recomputed[key] ?? []
                let leafOfNode = { (position: Int) in ((key.index << 8) + position) << (8 * key.level) }
                guard let theirs = stored[key] else {
                    throw LedgerError.corrupt(index: leafOfNode(0), reason: "tile \(key.level)/\(key.index) is missing")
                }
                guard theirs.count >= mine.count else {
                    throw LedgerError.corrupt(index: leafOfNode(theirs.count), reason: "tile \(key.level)/\(key.index) is shorter than the entries require")
                }
                if let position = mine.indices.first(where: { mine[$0] != theirs[$0] }) {
                    throw LedgerError.corrupt(index: leafOfNode(position), reason: key.level == 0
                        ? "the stored hash of entry \(leafOfNode(position)) differs from its content"
                        : "stored tree hash \(key.level * 8)/\((key.index << 8) + position) differs from the entries")
                }
            }
        }
    }
}
