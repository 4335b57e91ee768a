import Core
import Hummingbird
import Identity

/// A registrar at a Public Service Centre confirms a person's account at the high level after
/// checking their passport: they type what the passport says, the platform compares it with the
/// population register (the registrar is shown nothing of the register).
struct RegistrarController: Sendable {
    let activation: AccountActivation
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.confirmAccounts.pattern, use: page)
        router.post(Route.confirmAccounts.pattern, use: confirm)
    }

    private static func registrar(_ context: AppRequestContext) throws -> Principal {
        let principal = try PortalController.signedIn(context)
        try AccessPolicy.require(.confirmAccounts, of: principal)
        return principal
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try Self.registrar(context)
        return form(
            request, context: context, values: FormData(""), errors: [], status: .ok,
            done: request.uri.queryParameters["done"] != nil)
    }

    @Sendable func confirm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let registrar = try Self.registrar(context)
        let values = try await FormData.read(request)
        do {
            try await activation.confirmInPerson(
                .init(
                    pin: values["pin"], familyName: values["familyName"], givenName: values["givenName"],
                    documentNumber: values["documentNumber"], seen: values["seen"] == "yes"),
                by: registrar)
            return .redirect(to: Route.confirmAccounts.path(query: [("done", "1")]))
        } catch let error as ValidationError {
            return form(
                request, context: context, values: values, errors: error.fields, status: .unprocessableContent,
                done: false)
        }
    }

    private func form(
        _ request: Request, context: AppRequestContext, values: FormData, errors: [FieldError],
        status: HTTPResponse.Status, done: Bool
    ) -> Response {
        let view = FormView(language: context.language, values: values, errors: errors)
        var response = pages.render(
            "registrar", titleKey: "registrar_title", request: request, context: context, status: status,
            page: RegistrarPage(
                fields: [
                    view.field("pin", label: "field_pin", hint: "field_pin_hint", inputmode: "numeric"),
                    view.field("familyName", label: "field_family_name"),
                    view.field("givenName", label: "field_given_name"),
                    view.field("documentNumber", label: "field_document_number", hint: "field_document_number_hint"),
                ],
                seenError: view.error("seen"), done: done),
            errors: ErrorSummary(errors, context.language))
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

/// The registrar's form: what the passport says, and that it was seen.
struct RegistrarPage: Encodable, Sendable {
    var fields: [FieldModel]
    var seenError: String?
    /// An account was just confirmed.
    var done: Bool
}
