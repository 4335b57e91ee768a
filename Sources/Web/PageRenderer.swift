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

    /// Loads every `.mustache` file shipped in `Templates/`, with each `{{links.<route>}}` replaced
    /// by that route's path: links cost nothing per page, and one naming no route stops the start.
    static func load(demo: Bool) async throws -> PageRenderer {
        let folder = URL(fileURLWithPath: templatesDirectory)
        var templates: [String: MustacheTemplate] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            templates[String(file.dropLast(".mustache".count))] = try MustacheTemplate(
                string: try Links.resolve(text, in: file))
        }
        return PageRenderer(library: MustacheLibrary(templates: templates), demo: demo)
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

    /// Renders `template` with the page's own view model `page` laid over the layout's data; the
    /// title is the catalog's `titleKey` followed by `subject` (which application, case or document),
    /// and starts with "Error:" when the page shows `errors`.
    func render(
        _ template: String, titleKey: String, request: Request, context: AppRequestContext,
        status: HTTPResponse.Status = .ok, page: some Encodable & Sendable = NoPageData(), errors: ErrorSummary = .none,
        naming subject: String? = nil
    ) -> Response {
        let notice = Notice.carried(by: request)
        var layout = layout(titleKey: titleKey, request: request, context: context)
        layout.flash = notice.map { layout.t[$0.rawValue] ?? $0.rawValue }
        layout.flashWarning = notice?.isWarning ?? false
        layout.alerts = context.alerts.map { alert in
            let text = alert.text(context.language)
            return AlertBanner(
                headline: text.headline, instruction: text.instruction,
                severity: layout.t["alert_severity_\(alert.severity.rawValue.lowercased())"] ?? "",
                regions: alert.regions.joined(separator: ", "))
        }
        // "Application TK-…", "Case TK-…": the title says which one, for tabs, history and screen readers.
        if let subject { layout.title += " " + subject }
        if !errors.items.isEmpty {
            layout.errors = errors.items
            layout.errorsHeading = Catalog.shipped.count("error_summary", errors.items.count, context.language)
            layout.title = (layout.t["error_title_prefix"] ?? "Error") + ": " + layout.title
        }
        let html = library.render(PageContext(layout: layout, page: page), withTemplate: template) ?? ""
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        // Pages that show personal data must not be kept by shared caches or the back button.
        headers[.cacheControl] = context.principal == nil ? "no-cache" : "no-store"
        headers[.contentLanguage] = context.language.rawValue
        var response = Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        // Shown once: a reload or the language switcher shows the page without it.
        if request.cookies[Notice.cookie] != nil {
            response.setCookie(
                Cookie(name: Notice.cookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        }
        return response
    }

    private func layout(titleKey: String, request: Request, context: AppRequestContext) -> LayoutModel {
        let table = Catalog.shipped.table(context.language)
        return LayoutModel(
            t: table, lang: context.language.rawValue, title: table[titleKey] ?? titleKey, csrf: context.csrfToken,
            path: request.uri.path,
            languages: Language.allCases.map {
                LayoutModel.LanguageChoice(code: $0.rawValue, name: $0.endonym, current: $0 == context.language)
            },
            demo: demo,
            user: context.principal.map { principal in
                let permissions = AccessPolicy.permissions(of: principal)
                return LayoutModel.User(
                    name: principal.displayName, isOfficial: permissions.contains(.viewBackOffice),
                    isAdmin: permissions.contains(.manageAPIClients), canSearch: permissions.contains(.readRegistries),
                    hasInbox: principal.post != nil && permissions.contains(.readRegistries),
                    canConfirmAccounts: permissions.contains(.confirmAccounts),
                    runsParticipation: permissions.contains(.runParticipation),
                    runsProgramme: permissions.contains(.manageProgramme) || permissions.contains(.publishAlerts))
            })
    }
}

/// A page with nothing of its own to show beyond the layout.
struct NoPageData: Encodable, Sendable {}

/// What the layout shows on every page: `t` (every string of the reader's language), the language
/// switcher, the CSRF token for forms, the signed-in user, the demo banner.
struct LayoutModel: Sendable {
    /// One entry of the language switcher.
    struct LanguageChoice: Encodable, Sendable {
        var code: String
        var name: String
        var current: Bool
    }

    /// The signed-in person and what their menu offers.
    struct User: Encodable, Sendable {
        var name: String
        var isOfficial: Bool
        var isAdmin: Bool
        var canSearch: Bool
        var hasInbox: Bool
        /// A registrar: confirms accounts against passports.
        var canConfirmAccounts: Bool
        /// Publishes drafts for comment and runs budgets for their agency.
        var runsParticipation: Bool
        /// Enters indicator figures, imports ICT statistics or publishes alerts.
        var runsProgramme: Bool
    }

    var t: [String: String]
    var lang: String
    var title: String
    var csrf: String
    var path: String
    var languages: [LanguageChoice]
    var demo: Bool
    var user: User?
    /// The message a form's redirect carried here (`Notice`), shown once.
    var flash: String?
    /// The message is bad news (an alert, not a status).
    var flashWarning = false
    /// The problems of a form that came back (`ErrorSummary`), and the heading that counts them.
    var errors: [ErrorSummary.Item] = []
    var errorsHeading = ""
    /// Emergency alerts in force for the reader (`AlertBannerMiddleware`).
    var alerts: [AlertBanner] = []
}

/// The platform's fixed paths by route name, for templates: `{{links.signIn}}` is `Route.signIn`,
/// written into the template when it is loaded.
enum Links {
    static let paths = Dictionary(
        uniqueKeysWithValues: Route.allCases.filter { !$0.rawValue.contains("{") && !$0.rawValue.contains("*") }.map {
            (String(describing: $0), $0.rawValue)
        })

    /// A route that templates name but `Route` does not have (without parameters).
    struct UnknownRoute: Error, CustomStringConvertible {
        var name: String
        var template: String
        var description: String { "\(template): {{links.\(name)}} names no route without parameters" }
    }

    /// `text` with every `{{links.<name>}}` replaced by the route's path.
    static func resolve(_ text: String, in template: String) throws -> String {
        var out = ""
        var rest = text[...]
        while let open = rest.range(of: "{{links.") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let name = String(rest[open.upperBound..<close.lowerBound])
            guard let path = paths[name] else { throw UnknownRoute(name: name, template: template) }
            out += path
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}
