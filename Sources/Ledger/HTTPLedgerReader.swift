import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Reads a log through its public endpoints (checkpoints and C2SP tlog-tiles), for audits by
/// anyone, with nothing but the log's URL and public key.
public struct HTTPLedgerReader: LedgerReader {
    public let base: URL
    public let verifier: NoteVerifier

    public init(base: URL, verifier: NoteVerifier) {
        self.base = base
        self.verifier = verifier
    }

    /// Fetches the key the log publishes; an auditor should rather be given it out of band.
    public static func publishedKey(at base: URL) async throws -> NoteVerifier {
        try NoteVerifier(
            encoded: String(decoding: try await get(base.appendingPathComponent("ledger/key")), as: UTF8.self))
    }

    static func get(_ url: URL) async throws -> Data {
        let (data, response) = try await URLSession.shared.data(from: url)
        guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
            throw LedgerError.corrupt(
                index: nil, reason: "GET \(url.path) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        return data
    }

    public func head() async throws -> (size: Int, root: MerkleHash) {
        let note = String(decoding: try await Self.get(base.appendingPathComponent("ledger/checkpoint")), as: UTF8.self)
        let checkpoint = try Checkpoint(signedNote: note, verifier: verifier)
        return (checkpoint.size, checkpoint.root)
    }

    public func signedCheckpoints() async throws -> [String] {
        try JSONDecoder().decode(
            [String].self, from: try await Self.get(base.appendingPathComponent("ledger/checkpoints")))
    }

    public func entries(from: Int, limit: Int) async throws -> [(index: Int, body: Data)] {
        let size = try await head().size
        var result: [(index: Int, body: Data)] = []
        var index = from
        while index < min(size, from + limit) {
            let bundle = index / 256
            let width = min(256, size - bundle * 256)
            let data = try await Self.get(
                base.appendingPathComponent("ledger/" + TileKey.entriesPath(index: bundle, width: width)))
            var offset = data.startIndex
            var n = 0
            while offset < data.endIndex {
                guard offset + 2 <= data.endIndex else {
                    throw LedgerError.corrupt(index: bundle * 256 + n, reason: "entry bundle \(bundle) is truncated")
                }
                let length = Int(data[offset]) << 8 | Int(data[offset + 1])
                guard offset + 2 + length <= data.endIndex else {
                    throw LedgerError.corrupt(index: bundle * 256 + n, reason: "entry bundle \(bundle) is truncated")
                }
                let entryIndex = bundle * 256 + n
                if entryIndex >= index { result.append((entryIndex, Data(data[(offset + 2)..<(offset + 2 + length)]))) }
                offset += 2 + length
                n += 1
            }
            guard n == width else {
                throw LedgerError.corrupt(
                    index: bundle * 256 + n, reason: "entry bundle \(bundle) holds \(n) entries, not \(width)")
            }
            index = (bundle + 1) * 256
        }
        return result
    }

    public func tiles(level: Int, range: Range<Int>) async throws -> [TileKey: [MerkleHash]] {
        let size = try await head().size
        var result: [TileKey: [MerkleHash]] = [:]
        for index in range {
            let width = min(256, (size >> (8 * level)) - index * 256)
            guard width > 0 else { continue }
            let key = TileKey(level: level, index: index)
            let data = try await Self.get(base.appendingPathComponent("ledger/" + key.path(width: width)))
            guard let hashes = LedgerStore.decode(data) else {
                throw LedgerError.corrupt(index: nil, reason: "tile \(level)/\(index) is not whole hashes")
            }
            result[key] = hashes
        }
        return result
    }
}

extension TileKey {
    /// The tlog-tiles path of entry bundle `index`.
    public static func entriesPath(index: Int, width: Int) -> String {
        "tile/entries/\(encode(index))" + (width < 256 ? ".p/\(width)" : "")
    }
}
