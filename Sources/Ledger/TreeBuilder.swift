/// The right edge of a Merkle tree stored as tlog tiles: for each tile level, the hashes of the
/// tile that is still filling. That is all that appending, and computing the root, ever needs.
///
/// A tile at level L, index N holds up to 256 hashes of tree level 8·L, nodes N·256 onward
/// (C2SP tlog-tiles). When a tile fills, its root becomes the next hash of the tile above.
public struct TreeBuilder: Sendable {
    /// Leaves so far.
    public private(set) var size: Int
    /// `edges[L]`: the hashes of the partial tile at level L (never 256 of them).
    public private(set) var edges: [[MerkleHash]]
    /// Tiles completed since the last `takeChangedTiles()`.
    private var completed: [TileKey: [MerkleHash]] = [:]
    /// Levels whose edge tile grew since then (their contents are read from `edges` when taken,
    /// so an append never copies a tile).
    private var dirty: [Bool] = []

    /// An empty tree.
    public init() {
        size = 0
        edges = [[]]
    }

    /// Resumes a tree of `size` leaves from its edge tiles (as loaded from storage).
    public init(size: Int, edges: [[MerkleHash]]) throws {
        self.size = size
        self.edges = edges.isEmpty ? [[]] : edges
        for level in 0..<self.edges.count where self.edges[level].count != (size >> (8 * level)) % 256 {
            throw LedgerError.corrupt(
                index: nil,
                reason:
                    "the edge tile at level \(level) has \(self.edges[level].count) hashes, expected \((size >> (8 * level)) % 256)"
            )
        }
    }

    /// Resumes a tree of `size` leaves from stored tiles that hold its right edge (`edgeKeys`);
    /// a stored tile may be wider than the edge (it kept filling) and is cut to it.
    public init(size: Int, tiles: [TileKey: [MerkleHash]]) throws {
        let edges = Self.edgeKeys(size: size).map { key in
            Array((tiles[key] ?? []).prefix((size >> (8 * key.level)) % 256))
        }
        try self.init(size: size, edges: edges)
    }

    /// The tiles, one per level, whose first hashes are the right edge of a tree of `size` leaves.
    public static func edgeKeys(size: Int) -> [TileKey] {
        var levels = 1
        while size >> (8 * levels) > 0 { levels += 1 }
        return (0..<levels).map { TileKey(level: $0, index: (size >> (8 * $0)) >> 8) }
    }

    /// The index of the partial tile at `level` for the current size.
    public func edgeIndex(level: Int) -> Int { (size >> (8 * level)) >> 8 }

    /// Appends one leaf hash.
    public mutating func append(_ leaf: MerkleHash) {
        size += 1
        push(leaf, level: 0)
    }

    /// Appends 256 leaves that fill one level-0 tile, whose root the caller already computed
    /// (in parallel, during audits). Only valid when the tree size is a multiple of 256.
    public mutating func appendFullTile(_ leaves: ArraySlice<MerkleHash>, root: MerkleHash) {
        precondition(leaves.count == 256 && size % 256 == 0, "a full tile on a tile boundary")
        completed[TileKey(level: 0, index: size >> 8)] = Array(leaves)
        size += 256
        push(root, level: 1)
    }

    private mutating func push(_ hash: MerkleHash, level: Int) {
        if level == edges.count { edges.append([]) }
        if level >= dirty.count { dirty.append(contentsOf: repeatElement(false, count: level + 1 - dirty.count)) }
        edges[level].append(hash)
        if edges[level].count == 256 {
            // The tile index of the full tile: its last node's position among level-8L nodes, divided by 256.
            let index = ((size >> (8 * level)) - 1) >> 8
            let full = edges[level]
            completed[TileKey(level: level, index: index)] = full
            edges[level].removeAll(keepingCapacity: true)
            dirty[level] = false
            push(Self.perfectRoot(full[...]), level: level + 1)
        } else {
            dirty[level] = true
        }
    }

    /// Tiles written since the last call, full or partial, for storage.
    public mutating func takeChangedTiles() -> [TileKey: [MerkleHash]] {
        var result = completed
        for level in dirty.indices where dirty[level] && !edges[level].isEmpty {
            result[TileKey(level: level, index: edgeIndex(level: level))] = edges[level]
        }
        completed = [:]
        dirty = Array(repeating: false, count: dirty.count)
        return result
    }

    /// The root of the tree as it is now.
    public var root: MerkleHash {
        (try? Merkle.root(size: size, edgeSource)) ?? Merkle.emptyRoot
    }

    /// A node source over the edge tiles; enough for the root at the current size.
    public var edgeSource: TileSource {
        var tiles: [TileKey: [MerkleHash]] = [:]
        for level in 0..<edges.count { tiles[TileKey(level: level, index: edgeIndex(level: level))] = edges[level] }
        return TileSource(tiles: tiles)
    }

    /// The root of a perfect tree over `hashes` (a power of two of them).
    public static func perfectRoot(_ hashes: ArraySlice<MerkleHash>) -> MerkleHash {
        var row = Array(hashes)
        var count = row.count
        while count > 1 {
            for i in 0..<(count / 2) { row[i] = Merkle.nodeHash(row[2 * i], row[2 * i + 1]) }
            count /= 2
        }
        return row[0]
    }
}

/// Names one tile: its level and index.
public struct TileKey: Hashable, Sendable, Comparable {
    public var level: Int
    public var index: Int

    public init(level: Int, index: Int) {
        self.level = level
        self.index = index
    }

    public static func < (a: TileKey, b: TileKey) -> Bool { (a.level, a.index) < (b.level, b.index) }

    /// The tile holding the hashes from which the perfect node at tree `level`, `index` is computed.
    public static func holding(level: Int, index: Int) -> TileKey {
        let sub = level % 8
        return TileKey(level: level / 8, index: (index << sub) >> 8)
    }

    /// The tlog-tiles path of this tile, e.g. `tile/1/x001/234` (with `.p/W` when partial).
    public func path(width: Int) -> String {
        "tile/\(level)/\(Self.encode(index))" + (width < 256 ? ".p/\(width)" : "")
    }

    /// tlog-tiles index encoding: groups of three digits, all but the last prefixed with `x`.
    public static func encode(_ index: Int) -> String {
        var groups: [String] = []
        var n = index
        repeat {
            let group = String(n % 1000)
            groups.insert(String(repeating: "0", count: 3 - group.count) + group, at: 0)
            n /= 1000
        } while n > 0
        return groups.enumerated().map { $0.offset < groups.count - 1 ? "x" + $0.element : $0.element }.joined(
            separator: "/")
    }

    /// Parses the index part of a tile path (`x001/234`); nil when malformed.
    public static func decode(_ parts: [Substring]) -> Int? {
        guard !parts.isEmpty else { return nil }
        var n = 0
        for (i, part) in parts.enumerated() {
            let last = i == parts.count - 1
            let digits = last ? part : (part.first == "x" ? part.dropFirst() : "")
            guard digits.count == 3, let value = Int(digits), digits.allSatisfy(\.isNumber) else { return nil }
            let (product, overflow) = n.multipliedReportingOverflow(by: 1000)
            guard !overflow else { return nil }
            n = product + value
        }
        return n
    }
}

/// Perfect-subtree hashes computed from loaded tiles; throws when a needed hash is missing,
/// which means the stored tree is damaged.
public struct TileSource: MerkleNodeSource, Sendable {
    public var tiles: [TileKey: [MerkleHash]]

    public init(tiles: [TileKey: [MerkleHash]]) {
        self.tiles = tiles
    }

    public func node(level: Int, index: Int) throws -> MerkleHash {
        let key = TileKey.holding(level: level, index: index)
        let sub = level % 8
        let offset = (index << sub) & 255
        let count = 1 << sub
        guard let tile = tiles[key], tile.count >= offset + count else {
            throw LedgerError.corrupt(
                index: nil, reason: "tile \(key.level)/\(key.index) lacks the hashes of node \(level)/\(index)")
        }
        return count == 1 ? tile[offset] : TreeBuilder.perfectRoot(tile[offset..<(offset + count)])
    }

    /// The tiles that computing with `body` will read, found by a dry run with placeholder hashes.
    public static func keysNeeded(_ body: (any MerkleNodeSource) throws -> Void) rethrows -> Set<TileKey> {
        let recorder = RecordingSource()
        try body(recorder)
        return recorder.keys.value
    }
}

/// A node source that answers with a placeholder and notes which tiles were asked for.
final class RecordingSource: MerkleNodeSource {
    final class Box { var value: Set<TileKey> = [] }
    let keys = Box()

    func node(level: Int, index: Int) throws -> MerkleHash {
        keys.value.insert(TileKey.holding(level: level, index: index))
        return Merkle.emptyRoot
    }
}

/// Errors of the ledger: damage found in storage, or a request it cannot serve.
public enum LedgerError: Error, Equatable, CustomStringConvertible {
    /// Stored data does not add up; `index` names the first bad entry when known.
    case corrupt(index: Int?, reason: String)
    /// The request names an index or size the log does not have (yet).
    case outOfRange(String)
    /// An event that cannot be logged (bad kind, control characters, too long).
    case invalidEvent(String)
    /// The database holds less than a checkpoint this node has seen signed: a restored backup.
    case behindCheckpoint(databaseSize: Int, checkpointSize: Int)
    /// As `behindCheckpoint`, for the checkpoint remembered in `file` outside the database.
    case behindRememberedCheckpoint(databaseSize: Int, checkpointSize: Int, file: String)

    public var description: String {
        switch self {
        case .corrupt(let index?, let reason): "ledger damaged at index \(index): \(reason)"
        case .corrupt(nil, let reason): "ledger damaged: \(reason)"
        case .outOfRange(let reason): reason
        case .invalidEvent(let reason): "invalid ledger event: \(reason)"
        case .behindCheckpoint(let db, let cp):
            "the database holds \(db) ledger entries but a checkpoint of \(cp) entries was already signed: this looks like a restored backup; refusing to run"
        case .behindRememberedCheckpoint(let db, let cp, let file):
            "the database holds \(db) ledger entries but this node remembers a signed checkpoint of \(cp) entries in \(file): "
                + "this looks like a restored backup; refusing to run. (If you deleted a demo database on purpose, delete that file too.)"
        }
    }
}
