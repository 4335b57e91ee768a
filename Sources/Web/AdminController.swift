import Core
import Hummingbird
import Identity
import Ledger

/// Administrators issue and revoke the bearer tokens of other agencies' systems.
struct AdminController: Sendable {
    let identity: IdentityService
    let clients: APIClientService
    let ledger: LedgerService
    let checkpointFile: CheckpointFile?
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.adminClients.pattern, use: clientsPage)
        router.post(Route.adminClients.pattern, use: issue)
        router.post(Route.adminClientRevoke.pattern, use: revoke)
        router.post(Route.adminCheckpoint.pattern, use: signCheckpoint)
    }

    /// Signs a ledger checkpoint now (after a full audit) and shows it.
    @Sendable func signCheckpoint(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        try AccessPolicy.require(.signCheckpoints, of: principal)
        _ = try await ledger.signAndRemember(checkpointFile)
        return .redirect(to: Route.ledger.rawValue)
    }

    private func administrator(_ context: AppRequestContext) throws -> Principal {
        let principal = try PortalController.signedIn(context)
        try AccessPolicy.require(.manageAPIClients, of: principal)
        return principal
    }

    @Sendable func clientsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context: context, form: FormData(""), errors: [], issued: nil, status: .ok)
    }

    @Sendable func issue(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try administrator(context)
        let form = try await FormData.read(request)
        let scopes = form.all("scopes").compactMap(Scope.init(rawValue:))
        var errors: [FieldError] = []
        let agencies = try await identity.agencies()
        if !agencies.contains(where: { $0.code == form["agencyCode"] }) {
            errors.append(FieldError(field: "agencyCode", messageKey: "error_required"))
        }
        do {
            guard errors.isEmpty else { throw ValidationError(errors) }
            let issued = try await clients.issue(
                name: form["name"], agencyCode: form["agencyCode"], scopes: scopes, by: admin)
            return try await page(
                request, context: context, form: FormData(""), errors: [], issued: issued.token, status: .created)
        } catch let error as ValidationError {
            return try await page(
                request, context: context, form: form, errors: errors + error.fields.filter { !errors.contains($0) },
                issued: nil, status: .unprocessableContent)
        }
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try administrator(context)
        try await clients.revoke(id: try context.parameters.require("id"), by: admin)
        return .redirect(to: Route.adminClients.rawValue)
    }

    private func page(
        _ request: Request, context: AppRequestContext, form: FormData, errors: [FieldError], issued: String?,
        status: HTTPResponse.Status
    ) async throws -> Response {
        let admin = try administrator(context)
        let language = context.language
        let view = FormView(language: language, values: form, errors: errors)
        let agencies = try await identity.agencies()
        let fields: [FieldModel] = [
            view.field("name", label: "field_client_name"),
            view.select(
                "agencyCode", label: "field_agency",
                choices: [("", pages.text("field_choose", language))]
                    + agencies.map { ($0.code, $0.name.text(language)) }),
        ]
        let chosen = Set(form.all("scopes"))
        let scopes = Scope.allCases.map { scope in
            ClientsPage.ScopeChoice(
                id: scope.rawValue.replacingOccurrences(of: ":", with: "-"), value: scope.rawValue,
                label: pages.text(
                    "scope_\(scope.rawValue.replacingOccurrences(of: ":", with: "_"))", language),
                checked: chosen.contains(scope.rawValue))
        }
        let clients = try await clients.all(by: admin).map { client in
            ClientsPage.Client(
                id: client.id, name: client.name, agencyCode: client.agencyCode,
                scopes: client.scopes.map(\.rawValue).joined(separator: " "), revoked: client.revokedAt != nil,
                revokeURL: Route.adminClientRevoke.path(client.id))
        }
        let page = ClientsPage(
            fields: fields, scopes: scopes, clients: clients, hasClients: !clients.isEmpty,
            scopeError: view.error("scopes"), issued: issued.map(ClientsPage.Issued.init))
        return pages.render(
            "admin_clients", titleKey: "admin_title", request: request, context: context, status: status, page: page,
            errors: ErrorSummary(errors, language, targets: ["scopes": "scope-" + (scopes.first?.id ?? "")]))
    }
}

/// The administrator's API clients: the form to issue one (a new token shown once) and the list.
struct ClientsPage: Encodable, Sendable {
    /// A scope to tick on the form.
    struct ScopeChoice: Encodable, Sendable {
        var id: String
        var value: String
        var label: String
        var checked: Bool
    }
    /// An issued client.
    struct Client: Encodable, Sendable {
        var id: String
        var name: String
        var agencyCode: String
        var scopes: String
        var revoked: Bool
        var revokeURL: String
    }
    /// A token just issued, shown this once.
    struct Issued: Encodable, Sendable { var token: String }

    var fields: [FieldModel]
    var scopes: [ScopeChoice]
    var clients: [Client]
    var hasClients: Bool
    var scopeError: String?
    var issued: Issued?
}
