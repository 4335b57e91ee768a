import Core
import Foundation
import Hummingbird
import Identity
import Registries
import Services

/// Issued documents: the printable page and JSON file for their holder and the issuing agency,
/// and public verification — by id at `/verify/{id}`, or by pasting or uploading the JSON file.
struct DocumentsController: Sendable {
    let platform: Platform

    func register(on router: Router<AppRequestContext>) {
        router.get("/documents/{id}", use: page)
        router.get("/documents/{id}/document.json", use: json)
        router.get("/verify", use: verifyForm)
        router.post("/verify", use: verifyPosted)
        router.get("/verify/{id}", use: verifyID)
        router.get("/api/v1/agency-keys", use: keys)
    }

    private var pages: PageRenderer { platform.pages }

    /// The document, for its holder or an official of the issuing agency; "not found" for anyone else.
    private func visible(_ context: AppRequestContext) async throws -> (IssuedDocument, String) {
        let principal = try PortalController.signedIn(context)
        let found = try await platform.applications.document(try context.parameters.require("id"))
        guard found.holderPIN == principal.pin || principal.post?.agencyCode == found.agency else { throw DomainError.notFound }
        return (found.document, found.agency)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (document, agency) = try await visible(context)
        return pages.render("document", titleKey: "document_title", request: request, context: context,
                            data: try await view(document, agency: agency, language: context.language, full: true))
    }

    @Sendable func json(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (document, _) = try await visible(context)
        return RegistryPortalController.download(document.json, type: "application/json; charset=utf-8", name: "\(document.id).json")
    }

    private func view(_ document: IssuedDocument, agency: String, language: Language, full: Bool) async throws -> [String: Any] {
        let agencies = try await platform.identity.agencies()
        let content = document.content
        var title = content["title"]?.stringValue ?? ""
        if case .object(let titles)? = content["title"] { title = titles[language.rawValue]?.stringValue ?? "" }
        var holderName = "", holderPIN = ""
        if case .object(let holder)? = content["holder"] {
            holderName = holder["name"]?.stringValue ?? ""
            holderPIN = holder["pin"]?.stringValue ?? ""
        }
        var facts: [[String: Any]] = []
        if case .object(let values)? = content["facts"] {
            for key in values.keys.sorted() { facts.append(["name": key, "value": values[key]?.plainText ?? ""]) }
        }
        let masked = holderPIN.count == 14 ? String(holderPIN.prefix(1)) + "•••••••••" + String(holderPIN.suffix(4)) : ""
        var data: [String: Any] = [
            "id": document.id, "docTitle": title, "agency": agencies.first { $0.code == agency }?.name.text(language) ?? agency,
            "holder": holderName, "pin": full ? holderPIN : masked, "issuedAt": content["issuedAt"]?.stringValue ?? "",
            "application": content["application"]?.stringValue ?? "", "facts": facts, "hasFacts": !facts.isEmpty,
            "keyID": document.signature.keyID, "signature": document.signature.value, "verifyPath": "/verify/\(document.id)",
        ]
        if let index = document.ledgerIndex { data["ledgerIndex"] = index }
        return data
    }

    @Sendable func verifyForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        pages.render("verify", titleKey: "verify_title", request: request, context: context, data: ["form": true])
    }

    @Sendable func verifyID(_ request: Request, context: AppRequestContext) async throws -> Response {
        let check = try await platform.applications.verify(id: try context.parameters.require("id"))
        return try await result(check, request: request, context: context)
    }

    @Sendable func verifyPosted(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await RequestForm.read(request)
        let text = form.files["file"].map { String(decoding: $0.bytes, as: UTF8.self) } ?? form["document"]
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return pages.render("verify", titleKey: "verify_title", request: request, context: context, status: .unprocessableContent,
                                data: ["form": true, "documentError": pages.text("error_required", context.language)])
        }
        let check: DocumentCheck
        do {
            check = try await platform.applications.verify(try IssuedDocument(json: text))
        } catch let failure as DocumentVerification.Failure {
            check = DocumentCheck(document: nil, failure: failure, revokedAt: nil)
        }
        return try await result(check, request: request, context: context)
    }

    private func result(_ check: DocumentCheck, request: Request, context: AppRequestContext) async throws -> Response {
        var data: [String: Any] = ["form": true]
        if let document = check.document {
            data["document"] = try await view(document, agency: document.content["agency"]?.stringValue ?? "", language: context.language, full: false)
        }
        if check.isGenuine {
            data["genuine"] = true
        } else {
            data["failure"] = pages.text("verify_failure_\(check.failure.map { "\($0)" } ?? "notIssued")", context.language)
        }
        if ErrorResponder.wantsJSON(request) {
            let body = JSONValue.object(["genuine": .bool(check.isGenuine), "failure": check.failure.map { .string("\($0)") } ?? .null,
                                         "document": check.document.flatMap { try? JSONValue.parse($0.json) } ?? .null]).canonicalJSON
            return Response(status: check.isGenuine ? .ok : .unprocessableContent, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return pages.render("verify", titleKey: "verify_title", request: request, context: context,
                            status: check.isGenuine ? .ok : .unprocessableContent, data: data)
    }

    @Sendable func keys(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keys = try await platform.applications.agencyKeys().map { key in
            JSONValue.object(["keyId": .string(key.keyID), "agency": .string(key.agency), "algorithm": "Ed25519",
                              "publicKey": .string(key.publicKey), "since": .number(Double(key.since))])
        }
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: JSONValue.object(["keys": .array(keys)]).canonicalJSON)))
    }
}
