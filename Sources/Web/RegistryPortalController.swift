import Core
import Foundation
import Hummingbird
import Identity
import Ledger
import Registries

/// The registries in the portal: "Who looked at my data" for everyone, and the registry search
/// for officials, limited to the registries their agency has a right to.
struct RegistryPortalController: Sendable {
    let identity: IdentityService
    let registries: RegistryService
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.dataAccess.pattern, use: dataAccess)
        router.get(Route.dataAccessCSV.pattern, use: dataAccessCSV)
        router.get(Route.dataAccessJSON.pattern, use: dataAccessJSON)
        router.get(Route.registrySearch.pattern, use: searchPage)
        router.post(Route.registrySearch.pattern, use: search)
        router.post(Route.recordHistory.pattern, use: history)
    }

    // MARK: who looked at my data

    /// The signed-in person's access log with agency names in `language`.
    private func accessRows(_ context: AppRequestContext) async throws -> [(
        DataAccess, agency: String, registry: String
    )] {
        let principal = try PortalController.signedIn(context)
        try AccessPolicy.require(.viewOwnCabinet, of: principal)
        // Who read a person's data is itself about them: not for an account anybody could have opened.
        guard principal.assurance >= .substantial else { throw DomainError.forbidden }
        let agencies = try await identity.agencies()
        let names = try await registries.catalogue().registries
        return try await registries.accessLog(pin: principal.pin).map { access in
            (
                access,
                agencies.first { $0.code == access.agencyCode }?.name.text(context.language) ?? access.agencyCode,
                names[access.registry]?.title.text(context.language) ?? access.registry
            )
        }
    }

    /// The system that read: the calling application as the exchange named it, or the platform's
    /// own part by its name in the catalog (`system_portal`), else as it named itself.
    static func system(_ access: DataAccess, _ language: Language) -> String {
        let name = access.application.isEmpty ? access.readerName : access.application
        return Catalog.shipped.table(language)["system_\(name)"] ?? name
    }

    @Sendable func dataAccess(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let principal = context.principal, principal.assurance < .substantial {
            return pages.render(
                "data_access", titleKey: "access_title", request: request, context: context,
                page: DataAccessPage(rows: [], hasRows: false, count: 0, needsAssurance: true))
        }
        let rows = try await accessRows(context).map { access, agency, registry in
            DataAccessPage.Row(
                time: DisplayTime.dateTime(access.at, context.language), agency: agency, registry: registry,
                reader: access.readerKind == "official"
                    ? access.readerName
                    : access.readerKind == "self"
                        ? pages.text("access_you", context.language)
                        : "\(pages.text("access_system", context.language)): \(Self.system(access, context.language))",
                purpose: PlatformPurpose.words(access.legalBasis, context.language), caseNumber: access.caseNumber,
                ledgerIndex: access.ledgerIndex.map(String.init) ?? "",
                entryURL: Route.ledgerEntry.path(access.ledgerIndex.map(String.init) ?? ""),
                receiptURL: Route.receipt.path(access.ledgerIndex.map(String.init) ?? ""))
        }
        return pages.render(
            "data_access", titleKey: "access_title", request: request, context: context,
            page: DataAccessPage(rows: rows, hasRows: !rows.isEmpty, count: rows.count, needsAssurance: false))
    }

    @Sendable func dataAccessCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        var text = CSVWriter.spreadsheetLine([
            "time_utc", "agency_code", "agency", "reader", "system", "registry", "record", "legal_basis", "case_number",
            "ledger_index", "details_json",
        ])
        for (access, agency, _) in try await accessRows(context) {
            text += CSVWriter.spreadsheetLine([
                CalendarDate.utcTimestamp(access.at), access.agencyCode, agency, access.readerName, access.application,
                access.registry,
                access.recordKey, access.legalBasis, access.caseNumber, access.ledgerIndex.map(String.init) ?? "",
                access.ledgerDetails.canonicalJSON(),
            ])
        }
        return Self.download(text, type: "text/csv; charset=utf-8", name: "data-access.csv")
    }

    @Sendable func dataAccessJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        let items = try await accessRows(context).map { access, agency, _ in
            AccessExport(
                time: CalendarDate.utcTimestamp(access.at), agencyCode: access.agencyCode, agency: agency,
                readerKind: access.readerKind,
                reader: access.readerName, system: access.application, registry: access.registry,
                record: access.recordKey,
                legalBasis: access.legalBasis, caseNumber: access.caseNumber, ledgerIndex: access.ledgerIndex,
                ledgerDetails: access.ledgerDetails.canonicalJSON())
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return Self.download(
            String(decoding: try encoder.encode(items), as: UTF8.self), type: "application/json; charset=utf-8",
            name: "data-access.json")
    }

    static func download(_ text: String, type: String, name: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type, .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: registry search for officials

    /// The signed-in official as a registry caller.
    private func official(_ context: AppRequestContext) throws -> RegistryCaller {
        let principal = try PortalController.signedIn(context)
        try AccessPolicy.require(.readRegistries, of: principal)
        return .official(principal)
    }

    @Sendable func searchPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try official(context)
        return try await searchForm(
            request, context: context, caller: caller, form: FormData(""), errors: [], results: nil, status: .ok)
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try official(context)
        let form = try await FormData.read(request)
        var errors: [FieldError] = []
        let target = form["target"].split(separator: ":", maxSplits: 1).map(String.init)
        if target.count != 2 { errors.append(FieldError(field: "target", messageKey: "error_required")) }
        if form["value"].trimmingCharacters(in: .whitespaces).isEmpty {
            errors.append(FieldError(field: "value", messageKey: "error_required"))
        }
        var purpose: Purpose?
        if !form["purpose"].isEmpty || !form["caseNumber"].isEmpty {
            do { purpose = try Purpose(legalBasis: form["purpose"], caseNumber: form["caseNumber"]) } catch {
                errors += error.fields
            }
        }
        guard errors.isEmpty else {
            return try await searchForm(
                request, context: context, caller: caller, form: form, errors: errors, results: nil,
                status: .unprocessableContent)
        }
        let value = form["value"].trimmingCharacters(in: .whitespaces)
        do {
            let registry = try await registries.registry(target[0])
            let page = try await registries.list(
                target[0], version: String(registry.latestVersion),
                query: RecordQuery(equals: [target[1]: value], pageSize: 20), by: caller, purpose: purpose)
            return try await searchForm(
                request, context: context, caller: caller, form: form, errors: [], results: (registry, page),
                status: .ok)
        } catch let error as ValidationError {
            let fields = error.fields.map {
                FieldError(field: $0.field == "purpose" ? "purpose" : "value", messageKey: $0.messageKey)
            }
            return try await searchForm(
                request, context: context, caller: caller, form: form, errors: fields, results: nil,
                status: .unprocessableContent)
        } catch RegistryError.notSearchable {
            return try await searchForm(
                request, context: context, caller: caller, form: form,
                errors: [FieldError(field: "target", messageKey: "error_not_searchable")], results: nil,
                status: .unprocessableContent)
        }
    }

    private func searchForm(
        _ request: Request, context: AppRequestContext, caller: RegistryCaller, form: FormData, errors: [FieldError],
        results: (Registry, RecordPage)?, status: HTTPResponse.Status
    ) async throws -> Response {
        let language = context.language
        let words = try await RegistryWords.make(identity, language)
        let view = FormView(language: language, values: form, errors: errors)
        var targets: [(String, String)] = [("", pages.text("field_choose", language))]
        for registry in try await registries.readable(by: caller) {
            guard let schema = registry.latest else { continue }
            for field in [schema.key] + schema.indexed {
                targets.append(
                    ("\(registry.name):\(field)", "\(registry.title.text(language)) — \(words.label(field))"))
            }
        }
        let fields: [FieldModel] = [
            view.select("target", label: "office_search_by", choices: targets),
            view.field("value", label: "office_value"),
            view.field("purpose", label: "office_purpose", optional: true, hint: "office_purpose_hint"),
            view.field("caseNumber", label: "office_case", optional: true),
        ]
        var model = RegistrySearchPage(fields: fields, results: nil)
        if let (registry, page) = results, let schema = registry.latest {
            model.results = RegistrySearchPage.Results(
                registry: registry.title.text(language),
                columns: schema.order.map { RegistrySearchPage.Column(name: words.label($0)) },
                rows: page.records.map { record in
                    RegistrySearchPage.Row(
                        cells: schema.order.map { RegistrySearchPage.Cell(value: words.value($0, record.content[$0])) },
                        key: record.key)
                },
                name: registry.name, purpose: form["purpose"], caseNumber: form["caseNumber"], count: page.total,
                none: page.records.isEmpty, logged: schema.personal != nil && !page.records.isEmpty,
                map: Self.map(page.records, schema: schema, label: pages.text("office_map", language)) ?? "")
        }
        return pages.render(
            "office_registries", titleKey: "office_title", request: request, context: context, status: status,
            page: model, errors: ErrorSummary(errors, language))
    }

    /// Every version of one record, with who changed it, when and why. A read like any other:
    /// it needs the same purpose and is logged for the person.
    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try official(context)
        let form = try await FormData.read(request)
        let language = context.language
        let registry = try await registries.registry(form["registry"])
        let purpose =
            form["purpose"].isEmpty ? nil : try Purpose(legalBasis: form["purpose"], caseNumber: form["caseNumber"])
        let versions = try await registries.history(
            registry.name, key: form["key"], by: caller, purpose: purpose)
        let fields = registry.latest?.order ?? []
        let words = try await RegistryWords.make(identity, language)
        let rows = versions.reversed().map { version in
            RecordHistoryPage.Row(
                revision: version.revision, time: DisplayTime.dateTime(version.changedAt, language),
                who: version.changedBy,
                reason: version.reason, deleted: version.deleted, schemaVersion: version.schemaVersion,
                summary: fields.compactMap { name in
                    version.content[name].map { "\(words.label(name)): \(words.value(name, $0))" }
                }.joined(separator: "; "),
                ledgerIndex: version.ledgerIndex.map(String.init) ?? "",
                entryURL: Route.ledgerEntry.path(version.ledgerIndex.map(String.init) ?? ""))
        }
        return pages.render(
            "office_history", titleKey: "office_history_title", request: request, context: context,
            page: RecordHistoryPage(registry: registry.title.text(language), key: form["key"], rows: rows))
    }

    /// The parcels' outlines as an SVG drawing (north up, equal scale on both axes), for
    /// registries with a GeoJSON field; nil when there is nothing to draw.
    static func map(_ records: [RegistryRecord], schema: RegistrySchema, label: String) -> String? {
        guard let field = schema.order.first(where: { schema.fields[$0]?.format == "geojson" }) else { return nil }
        let shapes = records.map { record in (record.key, record.content[field].map(GeoJSON.outerRings) ?? []) }.filter
        { !$0.1.isEmpty }
        let points = shapes.flatMap { $0.1.flatMap { $0 } }
        guard let minX = points.map(\.0).min(), let maxX = points.map(\.0).max(),
            let minY = points.map(\.1).min(), let maxY = points.map(\.1).max()
        else { return nil }
        let width = 320.0
        let height = 200.0
        let pad = 10.0
        // Degrees of longitude shrink with latitude; scale x by cos(latitude) so shapes keep their form.
        let squeeze = cos((minY + maxY) / 2 * .pi / 180)
        let scale = min(
            (width - 2 * pad) / max((maxX - minX) * squeeze, 1e-9), (height - 2 * pad) / max(maxY - minY, 1e-9))
        func x(_ lon: Double) -> String { String(format: "%.1f", pad + (lon - minX) * squeeze * scale) }
        func y(_ lat: Double) -> String { String(format: "%.1f", height - pad - (lat - minY) * scale) }
        var svg =
            "<svg class=\"map\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"map-title\"><title id=\"map-title\">\(HTML.escape(label))</title>"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"#f2f5f8\"/>"
        for (key, rings) in shapes {
            for ring in rings {
                let path = ring.map { "\(x($0.0)),\(y($0.1))" }.joined(separator: " ")
                svg +=
                    "<polygon points=\"\(path)\" fill=\"#0b5394\" fill-opacity=\"0.35\" stroke=\"#073763\" stroke-width=\"1\"><title>\(HTML.escape(key))</title></polygon>"
            }
        }
        return svg + "</svg>"
    }

    /// A field's label in the reader's language when the catalog has one, else its name.

}

/// One row of the JSON export of "Who looked at my data". `ledgerDetails` is the exact text whose
/// SHA-256 is the `details` of ledger entry `ledgerIndex`, so anyone can check the two agree.
struct AccessExport: Encodable {
    var time: String
    var agencyCode: String
    var agency: String
    var readerKind: String
    var reader: String
    var system: String
    var registry: String
    var record: String
    var legalBasis: String
    var caseNumber: String
    var ledgerIndex: Int?
    var ledgerDetails: String
}

/// "Who looked at my data": every read of the person's records, with its purpose and proof.
struct DataAccessPage: Encodable, Sendable {
    /// One read.
    struct Row: Encodable, Sendable {
        var time: String
        var agency: String
        var registry: String
        var reader: String
        var purpose: String
        var caseNumber: String
        var ledgerIndex: String
        var entryURL: String
        var receiptURL: String
    }
    var rows: [Row]
    var hasRows: Bool
    var count: Int
    /// The account is not confirmed as the person's: nothing is shown, and the page says why.
    var needsAssurance: Bool
}

/// An official's registry search: the form and, after a search, the records found.
struct RegistrySearchPage: Encodable, Sendable {
    /// A column heading.
    struct Column: Encodable, Sendable { var name: String }
    /// A cell of the results.
    struct Cell: Encodable, Sendable { var value: String }
    /// One record found.
    struct Row: Encodable, Sendable {
        var cells: [Cell]
        var key: String
    }
    /// The records found, with what the search was for (a history request repeats the purpose).
    struct Results: Encodable, Sendable {
        var registry: String
        var columns: [Column]
        var rows: [Row]
        var name: String
        var purpose: String
        var caseNumber: String
        var count: Int
        var none: Bool
        /// Whether the reads were logged for the people found.
        var logged: Bool
        /// An SVG map of parcels, or empty.
        var map: String
    }
    var fields: [FieldModel]
    var results: Results?
}

/// Every version of one record.
struct RecordHistoryPage: Encodable, Sendable {
    /// One version.
    struct Row: Encodable, Sendable {
        var revision: Int
        var time: String
        var who: String
        var reason: String
        var deleted: Bool
        var schemaVersion: Int
        var summary: String
        var ledgerIndex: String
        var entryURL: String
    }
    var registry: String
    var key: String
    var rows: [Row]
}
