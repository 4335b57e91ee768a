import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import PostgresNIO
import SQLKit
import SQLiteNIO
import Storage
import Synchronization

/// The ledger's SQL, on a connection the caller holds (usually inside its transaction).
struct LedgerStore: Sendable {
    let engine: DatabaseEngine

    /// Reads the sequencer row, locking it until the transaction ends (PostgreSQL; SQLite's
    /// `BEGIN IMMEDIATE` already holds the only write lock).
    func lockState(_ sql: any SQLDatabase) async throws -> (size: Int, root: MerkleHash) {
        let query: SQLQueryString =
            engine == .postgres
            ? "SELECT size, root FROM ledger_state WHERE id = 1 FOR UPDATE"
            : "SELECT size, root FROM ledger_state WHERE id = 1"
        return try await state(sql, query)
    }

    func readState(_ sql: any SQLDatabase) async throws -> (size: Int, root: MerkleHash) {
        try await state(sql, "SELECT size, root FROM ledger_state WHERE id = 1")
    }

    private func state(_ sql: any SQLDatabase, _ query: SQLQueryString) async throws -> (size: Int, root: MerkleHash) {
        guard let row = try await sql.raw(query).first(),
            let root = MerkleHash(base64: try row.decode(column: "root", as: String.self))
        else { throw LedgerError.corrupt(index: nil, reason: "the ledger state row is missing or damaged") }
        return (try row.decode(column: "size", as: Int.self), root)
    }

    func saveState(_ sql: any SQLDatabase, size: Int, root: MerkleHash) async throws {
        try await sql.raw("UPDATE ledger_state SET size = \(bind: size), root = \(bind: root.base64) WHERE id = 1")
            .run()
    }

    /// Inserts entries in multi-row statements (400 rows each keeps under every engine's bind limit).
    func insertEntries(_ sql: any SQLDatabase, from start: Int, _ bodies: [Data]) async throws {
        var offset = 0
        while offset < bodies.count {
            let chunk = bodies[offset..<min(offset + 1000, bodies.count)]
            let values: [[any Encodable & Sendable]] = chunk.enumerated().map { i, body in [start + offset + i, body] }
            try await sql.raw(.rows("INSERT INTO ledger_entries (idx, body) VALUES ", values)).run()
            offset += chunk.count
        }
    }

    /// Writes tiles, replacing older (narrower) versions of the same tile.
    func saveTiles(_ sql: any SQLDatabase, _ tiles: [TileKey: [MerkleHash]]) async throws {
        let sorted = tiles.sorted { $0.key < $1.key }
        var offset = 0
        while offset < sorted.count {
            let values: [[any Encodable & Sendable]] = sorted[offset..<min(offset + 500, sorted.count)].map {
                key, hashes in
                [key.level, key.index, hashes.count, Self.encode(hashes)]
            }
            try await sql.raw(
                .rows(
                    "INSERT INTO ledger_tiles (level, idx, width, hashes) VALUES ", values,
                    " ON CONFLICT (level, idx) DO UPDATE SET width = excluded.width, hashes = excluded.hashes")
            ).run()
            offset += values.count
        }
    }

    /// The stored tiles among `keys` (missing ones are absent from the result).
    func loadTiles(_ sql: any SQLDatabase, _ keys: Set<TileKey>) async throws -> [TileKey: [MerkleHash]] {
        guard !keys.isEmpty else { return [:] }
        var query = SQLQueryString("SELECT level, idx, hashes FROM ledger_tiles WHERE ")
        for (i, key) in keys.sorted().enumerated() {
            if i > 0 { query.appendLiteral(" OR ") }
            query.appendLiteral("(level = ")
            query.appendInterpolation(bind: key.level)
            query.appendLiteral(" AND idx = ")
            query.appendInterpolation(bind: key.index)
            query.appendLiteral(")")
        }
        return try await tiles(sql, query)
    }

    /// Stored tiles of `level` with index in `range`.
    func loadTiles(_ sql: any SQLDatabase, level: Int, range: Range<Int>) async throws -> [TileKey: [MerkleHash]] {
        try await tiles(
            sql,
            "SELECT level, idx, hashes FROM ledger_tiles WHERE level = \(bind: level) AND idx >= \(bind: range.lowerBound) AND idx < \(bind: range.upperBound)"
        )
    }

    private func tiles(_ sql: any SQLDatabase, _ query: SQLQueryString) async throws -> [TileKey: [MerkleHash]] {
        var result: [TileKey: [MerkleHash]] = [:]
        for row in try await sql.raw(query).all() {
            let key = TileKey(
                level: try row.decode(column: "level", as: Int.self), index: try row.decode(column: "idx", as: Int.self)
            )
            guard let blob = try? row.decode(column: "hashes", as: Data.self), let hashes = Self.decode(blob) else {
                throw LedgerError.corrupt(
                    index: key.level == 0 ? key.index * 256 : nil,
                    reason: "tile \(key.level)/\(key.index) is not a whole number of hashes")
            }
            result[key] = hashes
        }
        return result
    }

    /// Up to `limit` entries from index `from` on, in order.
    func entries(_ sql: any SQLDatabase, from: Int, limit: Int) async throws -> [(index: Int, body: Data)] {
        try await sql.raw(
            "SELECT idx, body FROM ledger_entries WHERE idx >= \(bind: from) ORDER BY idx LIMIT \(literal: limit)"
        ).all().map { row in
            (try row.decode(column: "idx", as: Int.self), (try? row.decode(column: "body", as: Data.self)) ?? Data())
        }
    }

    /// Up to `limit` entries' bytes from index `from` on, in order: all an audit needs to rehash.
    /// Reads through the driver: SQLKit's generic row decoding costs more than the hashing.
    func bodies(_ session: DatabaseSession, from: Int, limit: Int) async throws -> [(index: Int, body: Data)] {
        switch session.driver {
        case .sqlite(let connection):
            let rows = Mutex<[(index: Int, body: Data)]>([])
            try await connection.query(
                "SELECT idx, body FROM ledger_entries WHERE idx >= ?1 ORDER BY idx LIMIT ?2",
                [.integer(from), .integer(limit)]
            ) { row in
                let index = row.column("idx")?.integer ?? -1
                let body = row.column("body")?.blob.map { Data(buffer: $0) } ?? Data()
                rows.withLock { $0.append((index, body)) }
            }
            return rows.withLock { $0 }
        case .postgres(let connection):
            var result: [(index: Int, body: Data)] = []
            result.reserveCapacity(limit)
            let rows = try await connection.query(
                "SELECT idx, body FROM ledger_entries WHERE idx >= \(from) ORDER BY idx LIMIT \(limit)",
                logger: Self.logger)
            for try await (index, body) in rows.decode((Int, ByteBuffer).self) {
                result.append((index, Data(buffer: body)))
            }
            return result
        }
    }

    static let logger = Logger(label: "tazakoom.ledger")

    /// Signed checkpoints, oldest first.
    func checkpoints(_ sql: any SQLDatabase) async throws -> [(size: Int, root: MerkleHash, note: String)] {
        try await sql.raw("SELECT size, root, note FROM ledger_checkpoints ORDER BY size").all().map { row in
            guard let root = MerkleHash(base64: try row.decode(column: "root", as: String.self)) else {
                throw LedgerError.corrupt(index: nil, reason: "a checkpoint row has a damaged root")
            }
            return (try row.decode(column: "size", as: Int.self), root, try row.decode(column: "note", as: String.self))
        }
    }

    func latestCheckpoint(_ sql: any SQLDatabase) async throws -> (size: Int, root: MerkleHash, note: String)? {
        guard
            let row = try await sql.raw("SELECT size, root, note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1")
                .first()
        else { return nil }
        guard let root = MerkleHash(base64: try row.decode(column: "root", as: String.self)) else {
            throw LedgerError.corrupt(index: nil, reason: "the latest checkpoint row has a damaged root")
        }
        return (try row.decode(column: "size", as: Int.self), root, try row.decode(column: "note", as: String.self))
    }

    func insertCheckpoint(_ sql: any SQLDatabase, size: Int, root: MerkleHash, note: String, at: Int) async throws {
        try await sql.raw(
            """
            INSERT INTO ledger_checkpoints (size, root, note, signed_at) VALUES (\(bind: size), \(bind: root.base64), \(bind: note), \(bind: at))
            ON CONFLICT (size) DO NOTHING
            """
        ).run()
    }

    // MARK: the signing key and pseudonym salts (kept beside the log, never in it)

    /// The encoded signing key of `origin`, if one was made.
    func signingKey(_ sql: any SQLDatabase, origin: String) async throws -> String? {
        try await sql.raw("SELECT private_key FROM ledger_keys WHERE name = \(bind: origin)")
            .first(decodingColumn: "private_key", as: String.self)
    }

    /// Stores a new signing key unless another node stored one first.
    func insertSigningKey(_ sql: any SQLDatabase, origin: String, encoded: String) async throws {
        try await sql.raw(
            "INSERT INTO ledger_keys (name, private_key) VALUES (\(bind: origin), \(bind: encoded)) ON CONFLICT (name) DO NOTHING"
        ).run()
    }

    // MARK: record seals

    /// Remembers the names of the records entry `index` seals.
    func insertSealNames(_ sql: any SQLDatabase, index: Int, names: [String]) async throws {
        let list = String(decoding: try JSONEncoder().encode(names), as: UTF8.self)
        try await sql.raw("INSERT INTO ledger_seals (idx, names) VALUES (\(bind: index), \(bind: list))").run()
    }

    /// Seal entries from `from` (inclusive) to `to` (exclusive) with the names each seals, in order.
    func sealNames(_ sql: any SQLDatabase, from: Int, to: Int, limit: Int) async throws -> [(
        index: Int, names: [String]
    )] {
        try await sql.raw(
            """
            SELECT idx, names FROM ledger_seals WHERE idx >= \(bind: from) AND idx < \(bind: to) ORDER BY idx
            LIMIT \(literal: max(1, min(limit, 10_000)))
            """
        ).all().map {
            (
                try $0.decode(column: "idx", as: Int.self),
                (try? JSONDecoder().decode(
                    [String].self, from: Data(try $0.decode(column: "names", as: String.self).utf8)))
                    ?? []
            )
        }
    }

    func checkedThrough(_ sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT checked_through FROM ledger_reconciled WHERE id = 1").first(
            decodingColumn: "checked_through", as: Int.self) ?? 0
    }

    func setCheckedThrough(_ sql: any SQLDatabase, _ index: Int) async throws {
        try await sql.raw("UPDATE ledger_reconciled SET checked_through = \(bind: index) WHERE id = 1").run()
    }

    func salt(_ sql: any SQLDatabase, for identifier: String) async throws -> String? {
        try await sql.raw("SELECT salt FROM ledger_pseudonyms WHERE identifier = \(bind: identifier)")
            .first(decodingColumn: "salt", as: String.self)
    }

    /// Stores a salt unless another transaction stored one first.
    func insertSalt(_ sql: any SQLDatabase, _ salt: String, for identifier: String) async throws {
        try await sql.raw(
            "INSERT INTO ledger_pseudonyms (identifier, salt) VALUES (\(bind: identifier), \(bind: salt)) ON CONFLICT (identifier) DO NOTHING"
        ).run()
    }

    func deleteSalt(_ sql: any SQLDatabase, for identifier: String) async throws {
        try await sql.raw("DELETE FROM ledger_pseudonyms WHERE identifier = \(bind: identifier)").run()
    }

    static func encode(_ hashes: [MerkleHash]) -> Data {
        var data = Data(capacity: hashes.count * 32)
        for hash in hashes { hash.withBytes { data.append(contentsOf: $0) } }
        return data
    }

    static func decode(_ data: Data) -> [MerkleHash]? {
        guard data.count % 32 == 0 else { return nil }
        var hashes: [MerkleHash] = []
        hashes.reserveCapacity(data.count / 32)
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                hashes.append(MerkleHash(raw: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + 32)])))
                offset += 32
            }
        }
        return hashes
    }
}
