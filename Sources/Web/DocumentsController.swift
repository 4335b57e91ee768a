import Core
import Foundation
import Hummingbird
import Identity
import Registries
import Services

/// Issued documents: the printable page and JSON file for their holder and the issuing agency,
/// and public verification — by id at `/verify/{id}`, or by pasting or uploading the JSON file.
struct DocumentsController: Sendable {
    let identity: IdentityService
    let applications: ApplicationService
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.document.pattern, use: page)
        router.get(Route.documentJSON.pattern, use: json)
        router.post(Route.documentRevoke.pattern, use: revoke)
        router.get(Route.verify.pattern, use: verifyForm)
        router.post(Route.verify.pattern, use: verifyPosted)
        router.get(Route.verifyDocument.pattern, use: verifyID)
        router.get(Route.apiAgencyKeys.pattern, use: keys)
    }

    /// The document, for its holder or an official of the issuing agency (whose reading is logged
    /// for the holder); "not found" for anyone else.
    private func visible(_ context: AppRequestContext) async throws -> (IssuedDocument, String, Bool) {
        let principal = try PortalController.signedIn(context)
        let found = try await applications.document(try context.parameters.require("id"))
        guard found.holderPIN == principal.pin || principal.post?.agencyCode == found.agency else {
            throw DomainError.notFound
        }
        if found.holderPIN != principal.pin {
            try await applications.logDocumentRead(found.document.id, holder: found.holderPIN, by: principal)
        }
        return (
            found.document, found.agency,
            principal.post?.agencyCode == found.agency && principal.post?.roles.contains(.head) == true
        )
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderPage(request, context: context, status: .ok)
    }

    private func renderPage(
        _ request: Request, context: AppRequestContext, status: HTTPResponse.Status, reasonError: String = ""
    ) async throws -> Response {
        let (document, agency, mayRevoke) = try await visible(context)
        var page = try await view(document, agency: agency, language: context.language, full: true)
        page.verifyAddress = PublicAddress.base(of: request) + page.verifyURL
        page.qr = (try? QRCode(page.verifyAddress).svg(label: pages.text("document_qr", context.language))) ?? ""
        let check = try await applications.verify(id: document.id)
        if check.failure == .revoked { page.revoked = true } else if mayRevoke { page.mayRevoke = true }
        if !reasonError.isEmpty { page.reasonError = reasonError }
        return pages.render(
            "document", titleKey: "document_title", request: request, context: context, status: status, page: page,
            errors: reasonError.isEmpty ? .none : ErrorSummary(message: reasonError, target: "reason"),
            naming: document.id)
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let form = try await FormData.read(request)
        let id = try context.parameters.require("id")
        do {
            try await applications.revokeDocument(id, by: principal, reason: form["reason"])
            return .seeOther(Route.document.path(id), notice: .documentRevoked)
        } catch let error as ValidationError {
            return try await renderPage(
                request, context: context, status: .unprocessableContent,
                reasonError: pages.text(error.fields.first?.messageKey ?? "error_required", context.language))
        }
    }

    @Sendable func json(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (document, _, _) = try await visible(context)
        return RegistryPortalController.download(
            document.json, type: "application/json; charset=utf-8", name: "\(document.id).json")
    }

    private func view(_ document: IssuedDocument, agency: String, language: Language, full: Bool) async throws
        -> DocumentView
    {
        let agencies = try await identity.agencies()
        let content = document.content
        var title = content["title"]?.stringValue ?? ""
        if case .object(let titles)? = content["title"] { title = titles[language.rawValue]?.stringValue ?? "" }
        var holderName = ""
        var holderPIN = ""
        if case .object(let holder)? = content["holder"] {
            holderName = holder["name"]?.stringValue ?? ""
            holderPIN = holder["pin"]?.stringValue ?? ""
        }
        var facts: [DocumentView.Fact] = []
        if case .object(let values)? = content["facts"] {
            // Labelled as the service's form labels its fields (in its order); facts the platform
            // adds (a new INN, a child's PIN) by the catalog.
            let form = try? await applications.catalogue.service(content["service"]?.stringValue ?? "").form
            let views = ServiceViews(pages: pages, language: language)
            let answers = values.compactMapValues(\.plainText)
            let fields = (form ?? []).filter { values[$0.id] != nil }
            for field in fields {
                facts.append(
                    DocumentView.Fact(
                        name: field.label.text(language), value: views.value(of: field, in: answers) ?? ""))
            }
            for key in values.keys.sorted() where !fields.contains(where: { $0.id == key }) {
                facts.append(
                    DocumentView.Fact(
                        name: Catalog.shipped.table(language)["docfact_" + key] ?? key, value: answers[key] ?? ""))
            }
        }
        let masked =
            holderPIN.count == 14 ? String(holderPIN.prefix(1)) + "•••••••••" + String(holderPIN.suffix(4)) : ""
        return DocumentView(
            id: document.id, docTitle: title,
            agency: agencies.first { $0.code == agency }?.name.text(language) ?? agency,
            holder: holderName, pin: full ? holderPIN : masked,
            issuedAt: DisplayTime.dateTime(utcTimestamp: content["issuedAt"]?.stringValue ?? "", language),
            application: content["application"]?.stringValue ?? "", facts: facts, hasFacts: !facts.isEmpty,
            keyID: document.signature.keyID, signature: document.signature.value,
            verifyPath: Route.verifyDocument.path(document.id), ledgerIndex: document.ledgerIndex,
            entryURL: document.ledgerIndex.map { Route.ledgerEntry.path(String($0)) },
            verifyURL: Route.verifyDocument.path(document.id), jsonURL: Route.documentJSON.path(document.id),
            revokeURL: Route.documentRevoke.path(document.id))
    }

    /// The verification form; `?number=` (a document number as printed) opens that document's verdict.
    @Sendable func verifyForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let typed = request.uri.queryParameters["number"].map(String.init) else {
            return pages.render(
                "verify", titleKey: "verify_title", request: request, context: context, page: VerifyPage())
        }
        if let number = Self.documentNumber(typed) { return .redirect(to: Route.verifyDocument.path(number)) }
        let message = pages.text(typed.isEmpty ? "error_required" : "error_document_number_format", context.language)
        return pages.render(
            "verify", titleKey: "verify_title", request: request, context: context, status: .unprocessableContent,
            page: VerifyPage(number: String(typed.prefix(100)), numberError: message),
            errors: ErrorSummary(message: message, target: "number"))
    }

    /// A document number as people type it (spaces, dashes, lower case forgiven), or nil.
    static func documentNumber(_ typed: String) -> String? {
        let number = typed.uppercased().filter { $0 != " " && $0 != "-" }
        guard (4...40).contains(number.count), number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return nil
        }
        return number
    }

    @Sendable func verifyID(_ request: Request, context: AppRequestContext) async throws -> Response {
        let check = try await applications.verify(id: try context.parameters.require("id"))
        return try await result(check, request: request, context: context)
    }

    @Sendable func verifyPosted(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await RequestForm.read(request)
        let text = form.files["file"].map { String(decoding: $0.bytes, as: UTF8.self) } ?? form["document"]
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            let message = pages.text("error_required", context.language)
            return pages.render(
                "verify", titleKey: "verify_title", request: request, context: context, status: .unprocessableContent,
                page: VerifyPage(documentError: message), errors: ErrorSummary(message: message, target: "document"))
        }
        // A number pasted where the file's text goes is taken as a number.
        if !text.contains("{"), let number = Self.documentNumber(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return .redirect(to: Route.verifyDocument.path(number))
        }
        let check: DocumentCheck
        do {
            check = try await applications.verify(try IssuedDocument(json: text))
        } catch let failure as DocumentVerification.Failure {
            check = DocumentCheck(document: nil, failure: failure, revokedAt: nil)
        }
        return try await result(check, request: request, context: context)
    }

    private func result(_ check: DocumentCheck, request: Request, context: AppRequestContext) async throws -> Response {
        var page = VerifyPage()
        if let document = check.document {
            page.document = try await view(
                document, agency: document.content["agency"]?.stringValue ?? "", language: context.language, full: false
            )
        }
        if check.isGenuine {
            page.genuine = true
        } else {
            page.failure = pages.text(
                "verify_failure_\(check.failure.map { "\($0)" } ?? "notIssued")", context.language)
        }
        if ErrorResponder.wantsJSON(request) {
            let body = JSONValue.object([
                "genuine": .bool(check.isGenuine), "failure": check.failure.map { .string("\($0)") } ?? .null,
                "document": check.document.flatMap { try? JSONValue.parse($0.json) } ?? .null,
            ]).canonicalJSON
            return Response(
                status: check.isGenuine ? .ok : .unprocessableContent, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return pages.render(
            "verify", titleKey: "verify_title", request: request, context: context,
            status: check.isGenuine ? .ok : .unprocessableContent, page: page)
    }

    @Sendable func keys(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keys = try await applications.agencyKeys().map { key in
            JSONValue.object([
                "keyId": .string(key.keyID), "agency": .string(key.agency), "algorithm": "Ed25519",
                "publicKey": .string(key.publicKey), "since": .number(Double(key.since)),
            ])
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: JSONValue.object(["keys": .array(keys)]).canonicalJSON)))
    }
}

/// An issued document as its page (and the verification result) shows it.
struct DocumentView: Encodable, Sendable {
    /// One fact the document certifies.
    struct Fact: Encodable, Sendable {
        var name: String
        var value: String
    }
    var id: String
    var docTitle: String
    var agency: String
    var holder: String
    /// The holder's PIN, masked for anyone but the holder and the issuing agency.
    var pin: String
    var issuedAt: String
    var application: String
    var facts: [Fact]
    var hasFacts: Bool
    var keyID: String
    var signature: String
    var verifyPath: String
    /// The verification address in full (scheme and host), as printed and in the QR code.
    var verifyAddress = ""
    /// The QR code of `verifyAddress`, as inline SVG.
    var qr = ""
    var ledgerIndex: Int?
    var entryURL: String?
    var verifyURL: String
    var jsonURL: String
    var revokeURL: String
    var revoked = false
    var mayRevoke = false
    var reasonError: String?
}

/// The verification page: the form, and the verdict on a document presented.
struct VerifyPage: Encodable, Sendable {
    var form = true
    var document: DocumentView?
    var genuine = false
    var failure: String?
    var documentError: String?
    /// The number typed, and what is wrong with it.
    var number = ""
    var numberError: String?
}
