import Core
import Foundation
import Hummingbird
import Identity
import Mustache

/// Renders Mustache templates inside the common layout, with the reader's catalog as `t`.
///
/// Every page gets: `t` (all strings of the language), `lang`, `title`, `languages` for the
/// switcher, `csrf` for forms, `user` when signed in, `demo` when demo data is on, `path`.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let demo: Bool

    /// Loads every `.mustache` file shipped in `Templates/`.
    static func load(demo: Bool) async throws -> PageRenderer {
        PageRenderer(library: try await MustacheLibrary(directory: templatesDirectory), demo: demo)
    }

    /// Where the templates are installed (inside the module's resource bundle).
    static var templatesDirectory: String {
        (Bundle.module.resourceURL ?? URL(fileURLWithPath: ".")).appendingPathComponent("Templates").path
    }

    /// Where the static assets are installed.
    static var publicDirectory: String {
        (Bundle.module.resourceURL ?? URL(fileURLWithPath: ".")).appendingPathComponent("Public").path
    }

    func text(_ key: String, _ language: Language) -> String {
        Catalog.shipped.text(key, language)
    }

    /// Renders `template` with `data` laid over the common page data.
    func render(
        _ template: String, titleKey: String, request: Request, context: AppRequestContext,
        status: HTTPResponse.Status = .ok, data: [String: Any] = [:]
    ) -> Response {
        var values = common(titleKey: titleKey, request: request, context: context)
        for (key, value) in data { values[key] = value }
        let html = library.render(values, withTemplate: template) ?? ""
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        // Pages that show personal data must not be kept by shared caches or the back button.
        headers[.cacheControl] = context.principal == nil ? "no-cache" : "no-store"
        headers[.contentLanguage] = context.language.rawValue
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private func common(titleKey: String, request: Request, context: AppRequestContext) -> [String: Any] {
        let table = Catalog.shipped.table(context.language)
        var values: [String: Any] = [
            "t": table,
            "lang": context.language.rawValue,
            "title": table[titleKey] ?? titleKey,
            "csrf": context.csrfToken,
            "path": request.uri.path,
            "languages": Language.allCases.map { language in
                ["code": language.rawValue, "name": language.endonym, "current": language == context.language]
                    as [String: Any]
            },
        ]
        if demo { values["demo"] = true }
        if let principal = context.principal {
            let permissions = AccessPolicy.permissions(of: principal)
            values["user"] =
                [
                    "name": principal.displayName,
                    "isOfficial": permissions.contains(.viewBackOffice),
                    "isAdmin": permissions.contains(.manageAPIClients),
                    "canSearch": permissions.contains(.readRegistries),
                    "hasInbox": principal.post != nil && permissions.contains(.readRegistries),
                ] as [String: Any]
        }
        return values
    }
}
