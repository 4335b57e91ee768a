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
    /// Entries from `from` on, in index order; fewer than asked at the end.
    func entries(from: Int, limit: Int) async throws -> [(index: Int, body: Data)]
    /// Stored tiles of `level` with index in `range`.
    func tiles(level: Int, range: Range<Int>) async throws -> [TileKey: [MerkleHash]]
}

/// Recomputes a whole log from its entries and compares every stored hash, root and checkpoint,
/// naming the first index where anything was altered, removed or inserted.
public struct LedgerAuditor: Sendable {
    public let verifier: NoteVerifier
    /// Entries read per round trip.
    public var chunk = 10_240

    public init(verifier: NoteVerifier) {
        self.verifier = verifier
    }

    /// The whole log, from its first entry, against every signed checkpoint.
    public func audit(_ reader: some LedgerReader, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws
        -> AuditReport
    {
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
            guard first.root == Merkle.emptyRoot else {
                throw LedgerError.corrupt(index: 0, reason: "the checkpoint of size 0 has a wrong root")
            }
            pending = pending.dropFirst()
        }
        let report = try await verify(reader, from: TreeBuilder(), head: head, pending: pending, progress: progress)
        return AuditReport(size: report.size, root: report.root, checkpointsVerified: checkpoints.count)
    }

    /// Only what was appended since `signed`, a checkpoint already verified: the stored tree must
    /// still give its root, and the new entries must give the stored tiles and head. The cost
    /// grows with what was added, not with the log; damage to older entries is the full audit's
    /// to find (`audit`, run in the background and by `tazakoom ledger verify`).
    public func auditAppended(_ reader: some LedgerReader, since signed: Checkpoint) async throws -> AuditReport {
        try await auditAppended(reader, from: try await signedTree(reader, signed))
    }

    /// Like `auditAppended(_:since:)`, going on from `tree`, which an earlier audit of the same log
    /// built (`auditedTree`): only the entries appended since it are read.
    func auditAppended(_ reader: some LedgerReader, from tree: TreeBuilder) async throws -> AuditReport {
        let head = try await reader.head()
        guard tree.size <= head.size else {
            throw LedgerError.behindCheckpoint(databaseSize: head.size, checkpointSize: tree.size)
        }
        let audited = try await verify(reader, from: tree, head: head, pending: [], progress: nil)
        return AuditReport(size: audited.size, root: audited.root, checkpointsVerified: 1)
    }

    /// What `auditAppended(_:since:)` checks, up to the log's size when this starts (entries
    /// appended meanwhile are left for later): the tree it built, to go on from.
    func auditedTree(_ reader: some LedgerReader, since signed: Checkpoint) async throws -> TreeBuilder {
        let head = try await reader.head()
        let tree = try await signedTree(reader, signed)
        return try await verify(reader, from: tree, head: head, pending: [], until: head.size, progress: nil).tree
    }

    /// The stored tree's edge at the size of `signed`, which must still give its root.
    private func signedTree(_ reader: some LedgerReader, _ signed: Checkpoint) async throws -> TreeBuilder {
        let head = try await reader.head()
        guard signed.size <= head.size else {
            throw LedgerError.behindCheckpoint(databaseSize: head.size, checkpointSize: signed.size)
        }
        var edge: [TileKey: [MerkleHash]] = [:]
        for key in TreeBuilder.edgeKeys(size: signed.size) {
            edge.merge(try await reader.tiles(level: key.level, range: key.index..<(key.index + 1))) { a, _ in a }
        }
        let builder = try TreeBuilder(size: signed.size, tiles: edge)
        guard builder.root == signed.root else {
            throw LedgerError.corrupt(
                index: nil,
                reason: "the stored tree no longer gives the root of the signed checkpoint of size \(signed.size)")
        }
        return builder
    }

    /// Appends the log's entries from `builder.size` on to `builder`, comparing every stored tile,
    /// each checkpoint in `pending` as its size is passed, and at the end the head. With `end`
    /// (the size of `first`), entries appended after the head was read are left alone.
    private func verify(
        _ reader: some LedgerReader, from start: TreeBuilder, head first: (size: Int, root: MerkleHash),
        pending checkpoints: ArraySlice<Checkpoint>, until end: Int = .max,
        progress: (@Sendable (Int, Int) -> Void)?
    ) async throws -> (size: Int, root: MerkleHash, tree: TreeBuilder) {
        var head = first
        var pending = checkpoints
        var builder = start
        var unmatchedCheckpoint: Int?
        let chunk = self.chunk
        // Reading the next chunk overlaps with hashing this one; the tiles are compared only once
        // that read is done, so the reader is never used by two tasks at once.
        let read = { @Sendable (from: Int) async throws -> [(index: Int, body: Data)] in
            from < end ? try await reader.entries(from: from, limit: min(chunk, end - from)) : []
        }
        var fetch = Task { [first = builder.size] in try await read(first) }
        do {
            while true {
                var batch = try await fetch.value
                if batch.isEmpty && builder.size < head.size {
                    // That read may have started before the head was read again, and so missed
                    // entries the newer head counts: only a read started after it can say they
                    // are gone.
                    batch = try await read(builder.size)
                }
                if batch.isEmpty { break }
                let next = (batch.last?.index ?? builder.size) + 1
                fetch = Task { try await read(next) }
                let hashed = await Self.hash(batch)
                var position = 0
                while position < batch.count {
                    let index = builder.size
                    let entry = batch[position]
                    if entry.index > index {
                        throw LedgerError.corrupt(index: index, reason: "entry \(index) is missing (removed)")
                    }
                    if entry.index < index {
                        throw LedgerError.corrupt(
                            index: entry.index, reason: "entry \(entry.index) appears twice (inserted)")
                    }
                    if index >= head.size {
                        // On a live log, entries appended since the head was read are legitimate: read
                        // the head again (after the read in flight), and only an entry beyond that is
                        // one that was inserted.
                        _ = try? await fetch.value
                        head = try await reader.head()
                        if index >= head.size {
                            throw LedgerError.corrupt(
                                index: index,
                                reason: "entry \(index) lies beyond the log's size \(head.size) (inserted)")
                        }
                    }
                    // A whole tile at once when its root is already computed and no checkpoint falls inside it.
                    if let root = hashed.tileRoots[index], position + 256 <= batch.count, index + 256 <= head.size,
                        batch[position + 255].index == index + 255,
                        !pending.contains(where: { $0.size > index && $0.size < index + 256 })
                    {
                        builder.appendFullTile(hashed.leaves[position..<(position + 256)], root: root)
                        position += 256
                    } else {
                        builder.append(hashed.leaves[position])
                        position += 1
                    }
                    while let next = pending.first, next.size <= builder.size {
                        // Reported after this chunk's hashes were compared, which can name the entry at fault.
                        if (next.size != builder.size || builder.root != next.root) && unmatchedCheckpoint == nil {
                            unmatchedCheckpoint = next.size
                        }
                        pending = pending.dropFirst()
                    }
                }
                let changed = builder.takeChangedTiles()
                _ = try? await fetch.value  // let the read in flight finish before the reader is used again
                try await compare(changed, with: reader)
                if let size = unmatchedCheckpoint {
                    throw LedgerError.corrupt(
                        index: nil, reason: "the entries do not produce the signed checkpoint of size \(size)")
                }
                progress?(builder.size, head.size)
            }
        } catch {
            // Never leave a read running on a connection the caller is about to give back.
            _ = try? await fetch.value
            throw error
        }
        if builder.size < head.size {
            throw LedgerError.corrupt(
                index: builder.size,
                reason: "entries from \(builder.size) on are missing (removed); the log claims \(head.size)")
        }
        guard builder.root == head.root else {
            throw LedgerError.corrupt(index: nil, reason: "the stored root differs from the root of the entries")
        }
        return (builder.size, builder.root, builder)
    }

    /// Leaf hashes of a batch and the roots of the complete 256-leaf tiles in it (keyed by the
    /// tile's first index), computed on two cores. Tiles are found by the entries' own indexes;
    /// the caller checks that the indexes are really consecutive before using a tile root.
    static func hash(_ batch: [(index: Int, body: Data)]) async -> (leaves: [MerkleHash], tileRoots: [Int: MerkleHash])
    {
        // Split on a multiple of 256 so that tiles are not cut in two.
        let half = (batch.count / 512) * 256
        async let first = leavesAndRoots(batch, 0..<half)
        let second = leavesAndRoots(batch, half..<batch.count)
        let (leaves1, roots1) = await first
        return (leaves1 + second.0, roots1.merging(second.1) { a, _ in a })
    }

    static func leavesAndRoots(_ batch: [(index: Int, body: Data)], _ range: Range<Int>) -> (
        [MerkleHash], [Int: MerkleHash]
    ) {
        let leaves = batch[range].map { Merkle.leafHash($0.body) }
        var roots: [Int: MerkleHash] = [:]
        var i = 0
        while i + 256 <= leaves.count {
            let first = batch[range.lowerBound + i].index
            if first % 256 == 0 && batch[range.lowerBound + i + 255].index == first + 255 {
                roots[first] = TreeBuilder.perfectRoot(leaves[i..<(i + 256)])
                i += 256
            } else {
                i += 1
            }
        }
        return (leaves, roots)
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
                    throw LedgerError.corrupt(
                        index: leafOfNode(theirs.count),
                        reason: "tile \(key.level)/\(key.index) is shorter than the entries require")
                }
                if let position = mine.indices.first(where: { mine[$0] != theirs[$0] }) {
                    throw LedgerError.corrupt(
                        index: leafOfNode(position),
                        reason: key.level == 0
                            ? "the stored hash of entry \(leafOfNode(position)) differs from its content"
                            : "stored tree hash \(key.level * 8)/\((key.index << 8) + position) differs from the entries"
                    )
                }
            }
        }
    }
}
