import Core
import Foundation
import Hummingbird
import Identity
import Ledger

/// The public face of the transparency ledger: checkpoints, entries, proofs, receipts and
/// tlog-tiles, all cacheable and open to anyone; and a page that explains them.
struct LedgerController: Sendable {
    let ledger: LedgerService
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.ledger.pattern, use: page)
        router.get(Route.ledgerCheckpoint.pattern, use: checkpoint)
        router.get(Route.ledgerCheckpoints.pattern, use: checkpoints)
        router.get(Route.ledgerKey.pattern, use: key)
        router.get(Route.ledgerEntry.pattern, use: entry)
        router.get(Route.inclusionProof.pattern, use: inclusion)
        router.get(Route.consistencyProof.pattern, use: consistency)
        router.get(Route.receipt.pattern, use: receipt)
        router.get(Route.ledgerTile.pattern, use: tile)
    }

    static func text(_ body: String, cache: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: cache],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func integer(_ request: Request, _ name: String) throws -> Int {
        try RequestNumber.require(
            request.uri.queryParameters[Substring(name)] ?? "", field: name, in: 0...RequestNumber.largest)
    }

    static func index(_ context: AppRequestContext) throws -> Int {
        try RequestNumber.require(
            try context.parameters.require("index"), field: "index", in: 0...RequestNumber.largest)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let head = try await ledger.head()
        let checkpoint = try await ledger.latestCheckpoint().map {
            LedgerPage.Checkpoint(size: $0.size, root: $0.root.base64, note: $0.note)
        }
        var recent: [LedgerPage.Entry] = []
        for index in stride(from: head.size - 1, through: max(0, head.size - 10), by: -1) where head.size > 0 {
            if let entry = try? await ledger.entry(at: index) {
                recent.append(
                    LedgerPage.Entry(
                        index: index, kind: entry.event.kind,
                        time: DisplayTime.dateTime(entry.event.time, context.language),
                        receiptURL: Route.receipt.path(String(index))))
            }
        }
        let host = request.head.authority ?? "127.0.0.1:8080"
        let page = LedgerPage(
            size: head.size, key: ledger.verifier.encoded, origin: ledger.origin, checkpoint: checkpoint,
            commands: "tazakoom ledger verify --url http://\(host) --key '\(ledger.verifier.encoded)'\n"
                + "tazakoom ledger verify-receipt RECEIPT-FILE --key '\(ledger.verifier.encoded)'",
            recent: recent, hasRecent: !recent.isEmpty,
            canSign: context.principal.map { AccessPolicy.permissions(of: $0).contains(.signCheckpoints) } ?? false)
        return pages.render("ledger", titleKey: "ledger_title", request: request, context: context, page: page)
    }

    @Sendable func checkpoint(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let latest = try await ledger.latestCheckpoint() else { throw DomainError.notFound }
        return Self.text(latest.note, cache: "public, max-age=5")
    }

    @Sendable func checkpoints(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try await ledger.checkpointNotes())
    }

    @Sendable func key(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.text(ledger.verifier.encoded + "\n", cache: "public, max-age=3600")
    }

    /// Describes one entry, as the JSON of `/ledger/entries/{index}`.
    struct EntryDocument: Codable {
        var index: Int
        var leafHash: String
        var entry: String
        var event: LedgerEvent
    }

    @Sendable func entry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let index = try Self.index(context)
        let entry = try await ledger.entry(at: index)
        return try JSONResponse.make(
            EntryDocument(
                index: index, leafHash: entry.leafHash.base64, entry: entry.body.base64EncodedString(),
                event: entry.event))
    }

    @Sendable func inclusion(_ request: Request, context: AppRequestContext) async throws -> Response {
        let index = try Self.integer(request, "index")
        let size =
            request.uri.queryParameters["size"] == nil
            ? (try await ledger.latestCheckpoint()?.size ?? 0) : try Self.integer(request, "size")
        return try JSONResponse.make(try await ledger.inclusionProof(index: index, size: size))
    }

    @Sendable func consistency(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(
            try await ledger.consistencyProof(
                from: try Self.integer(request, "from"), to: try Self.integer(request, "to")))
    }

    @Sendable func receipt(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.text(try await ledger.receipt(index: try Self.index(context)), cache: "public, max-age=60")
    }

    /// `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]` of C2SP tlog-tiles.
    @Sendable func tile(_ request: Request, context: AppRequestContext) async throws -> Response {
        var parts = request.uri.path.split(separator: "/").dropFirst(2).map { $0 }
        guard parts.count >= 2 else { throw DomainError.notFound }
        let kind = parts.removeFirst()
        var width = 256
        if parts.count >= 2, parts[parts.count - 2].hasSuffix(".p"),
            let w = RequestNumber.parse(parts[parts.count - 1], in: 1...255)
        {
            width = w
            parts[parts.count - 2] = parts[parts.count - 2].dropLast(2)
            parts.removeLast()
        }
        guard let index = TileKey.decode(parts), index <= RequestNumber.largest / 256 else {
            throw DomainError.notFound
        }
        let data: Data
        if kind == "entries" {
            data = try await ledger.entryBundle(index: index, width: width)
        } else if let level = RequestNumber.parse(kind, in: 0...63) {
            data = try await ledger.tile(TileKey(level: level, index: index), width: width)
        } else {
            throw DomainError.notFound
        }
        // A full tile never changes; a partial one is replaced by a wider one as the log grows.
        let cache = width == 256 ? "public, max-age=31536000, immutable" : "public, max-age=5"
        return Response(
            status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: cache],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The public ledger page: its size and key, the latest signed checkpoint, the newest entries and
/// the commands that check it all independently.
struct LedgerPage: Encodable, Sendable {
    /// A signed checkpoint.
    struct Checkpoint: Encodable, Sendable {
        var size: Int
        var root: String
        var note: String
    }
    /// One recent entry.
    struct Entry: Encodable, Sendable {
        var index: Int
        var kind: String
        var time: String
        var receiptURL: String
    }
    var size: Int
    var key: String
    var origin: String
    var checkpoint: Checkpoint?
    var commands: String
    var recent: [Entry]
    var hasRecent: Bool
    var canSign: Bool
}
