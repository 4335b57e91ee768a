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

    /// The explorer: the ledger's state, a page of entries (newest first, by kind or day), the
    /// commands that check it all independently. `?index=N` opens entry N.
    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = context.language
        let head = try await ledger.head()
        let parameters = request.uri.queryParameters
        var errors: [FieldError] = []
        let index = parameters["index"].map(String.init) ?? ""
        if !index.isEmpty {
            if let number = RequestNumber.parse(index, in: 0...max(0, head.size - 1)), head.size > 0 {
                return .redirect(to: Route.ledgerEntry.path(String(number)))
            }
            errors.append(FieldError(field: "index", messageKey: "error_ledger_index"))
        }
        let kindText = parameters["kind"].map(String.init) ?? ""
        let kind = LedgerKinds.searchable.contains(kindText) ? kindText : nil
        if !kindText.isEmpty && kind == nil {
            errors.append(FieldError(field: "kind", messageKey: "error_not_a_choice"))
        }
        let dayText = (parameters["day"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
        let day = DisplayTime.parseDate(dayText)
        if !dayText.isEmpty && day == nil { errors.append(FieldError(field: "day", messageKey: "error_ledger_day")) }
        let before = parameters["before"].flatMap { RequestNumber.parse($0, in: 0...RequestNumber.largest) }
        let found = try await ledger.browse(LedgerQuery(before: before, kind: kind, day: day))
        let checkpoint = try await ledger.latestCheckpoint().map {
            LedgerPage.Checkpoint(size: language.number($0.size), root: $0.root.base64, note: $0.note)
        }
        let filtered = kind != nil || day != nil
        let page = LedgerPage(
            size: language.number(head.size), key: ledger.verifier.encoded, origin: ledger.origin,
            checkpoint: checkpoint,
            commands:
                "tazakoom ledger verify --url \(PublicAddress.base(of: request)) --key '\(ledger.verifier.encoded)'\n"
                + "tazakoom ledger verify-receipt RECEIPT-FILE --key '\(ledger.verifier.encoded)'",
            entries: found.entries.map { entry in
                LedgerPage.Entry(
                    index: entry.index, kind: entry.event.kind, what: LedgerKinds.words(entry.event.kind, language),
                    time: DisplayTime.dateTime(entry.event.time, language),
                    url: Route.ledgerEntry.path(String(entry.index)),
                    receiptURL: Route.receipt.path(String(entry.index)))
            },
            index: errors.contains { $0.field == "index" } ? index : "",
            indexError: errors.first { $0.field == "index" }.map {
                Catalog.shipped.text($0.messageKey, language).replacingOccurrences(
                    of: "{max}", with: String(max(0, head.size - 1)))
            },
            kinds: [
                FieldModel.Choice(
                    value: "", label: Catalog.shipped.text("ledger_all_kinds", language), selected: kind == nil)
            ]
                + LedgerKinds.searchable.map {
                    FieldModel.Choice(value: $0, label: LedgerKinds.words($0, language), selected: $0 == kind)
                },
            kindError: errors.first { $0.field == "kind" }.map { Catalog.shipped.text($0.messageKey, language) },
            day: dayText,
            dayError: day == nil && !dayText.isEmpty ? Catalog.shipped.text("error_ledger_day", language) : nil,
            olderURL: found.older.map { older in
                Route.ledger.path(
                    query: [("before", String(older))] + (kind.map { [("kind", $0)] } ?? [])
                        + (day == nil ? [] : [("day", dayText)]))
            },
            newestURL: before == nil && !filtered ? nil : Route.ledger.rawValue,
            searchedTo: kind != nil && found.entries.count < 25 && found.older != nil
                ? language.number(found.searchedDownTo) : nil,
            canSign: context.principal.map { AccessPolicy.permissions(of: $0).contains(.signCheckpoints) } ?? false)
        return pages.render(
            "ledger", titleKey: "ledger_title", request: request, context: context,
            status: errors.isEmpty ? .ok : .unprocessableContent, page: page,
            errors: ErrorSummary(errors, language))
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

    /// One entry: a page for a browser, JSON for anyone else (or with `.json` after the number).
    @Sendable func entry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let raw = try context.parameters.require("index")
        let asJSON = raw.hasSuffix(".json") || !(request.headers[.accept] ?? "").contains("text/html")
        let number = raw.hasSuffix(".json") ? String(raw.dropLast(5)) : raw
        let index = try RequestNumber.require(number, field: "index", in: 0...RequestNumber.largest)
        let entry = try await ledger.entry(at: index)
        if asJSON {
            return try JSONResponse.make(
                EntryDocument(
                    index: index, leafHash: entry.leafHash.base64, entry: entry.body.base64EncodedString(),
                    event: entry.event))
        }
        let language = context.language
        let event = entry.event
        let page = LedgerEntryPage(
            index: index, kind: event.kind, what: LedgerKinds.words(event.kind, language),
            time: DisplayTime.dateTime(event.time, language), actor: LedgerKinds.actor(event.actor, language),
            actorCode: event.actor, subject: event.subject, details: event.details,
            leafHash: entry.leafHash.base64, jsonURL: Route.ledgerEntry.path(String(index) + ".json"),
            receiptURL: Route.receipt.path(String(index)),
            inclusionURL: Route.inclusionProof.path(query: [("index", String(index))]))
        return pages.render(
            "ledger_entry", titleKey: "ledger_entry_title", request: request, context: context, page: page,
            naming: "#" + String(index))
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

/// The ledger explorer: its size and key, the latest signed checkpoint, a page of entries with the
/// search form, and the commands that check it all independently.
struct LedgerPage: Encodable, Sendable {
    /// A signed checkpoint.
    struct Checkpoint: Encodable, Sendable {
        var size: String
        var root: String
        var note: String
    }
    /// One entry of the page.
    struct Entry: Encodable, Sendable {
        var index: Int
        var kind: String
        var what: String
        var time: String
        var url: String
        var receiptURL: String
    }
    var size: String
    var key: String
    var origin: String
    var checkpoint: Checkpoint?
    var commands: String
    var entries: [Entry]
    var index: String
    var indexError: String?
    var kinds: [FieldModel.Choice]
    var kindError: String?
    var day: String
    var dayError: String?
    var olderURL: String?
    var newestURL: String?
    var searchedTo: String?
    var canSign: Bool
}

/// One ledger entry as a page: what happened in words, who and when, and the links that prove it.
struct LedgerEntryPage: Encodable, Sendable {
    var index: Int
    var kind: String
    var what: String
    var time: String
    var actor: String
    var actorCode: String
    var subject: String
    var details: String
    var leafHash: String
    var jsonURL: String
    var receiptURL: String
    var inclusionURL: String
}
