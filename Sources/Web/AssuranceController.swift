import Core
import Hummingbird
import Identity

/// Raising one's own account to *substantial*: a code to the phone the population register holds,
/// typed back here. (A registrar at a Public Service Centre can raise it to high.)
struct AssuranceController: Sendable {
    let activation: AccountActivation
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.assurance.pattern, use: page)
        router.post(Route.assuranceCode.pattern, use: sendCode)
        router.post(Route.assurance.pattern, use: confirm)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let error = request.uri.queryParameters["error"].map(String.init).flatMap { key in
            Self.sendErrors.contains(key) ? key : nil
        }
        return try await form(request, context: context, principal: principal, codeError: nil, sendError: error)
    }

    @Sendable func sendCode(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        do {
            try await activation.sendCode(pin: principal.pin, language: context.language)
            return .redirect(to: Route.assurance.rawValue)
        } catch let failure as AccountActivation.Failure {
            // Post/Redirect/Get also when the code could not be sent: the page says why.
            return .redirect(to: Route.assurance.path(query: [("error", failure.messageKey)]))
        }
    }

    @Sendable func confirm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let form = try await FormData.read(request)
        do {
            try await activation.confirm(pin: principal.pin, code: form["code"])
            return .redirect(to: Route.assurance.path(query: [("confirmed", "1")]))
        } catch let failure as AccountActivation.Failure {
            let status: HTTPResponse.Status = failure == .tooManyAttempts ? .tooManyRequests : .unprocessableContent
            return try await self.form(
                request, context: context, principal: principal, codeError: failure.messageKey, sendError: nil,
                status: status)
        }
    }

    /// The reasons a code could not be sent that the page may be asked to show.
    static let sendErrors: Set<String> = [
        AccountActivation.Failure.alreadyConfirmed.messageKey, AccountActivation.Failure.noRegisteredPhone.messageKey,
        AccountActivation.Failure.tooSoon.messageKey,
    ]

    private func form(
        _ request: Request, context: AppRequestContext, principal: Principal, codeError: String?, sendError: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let language = context.language
        let pending = principal.assurance == .low ? try await activation.pending(pin: principal.pin) : nil
        let view = FormView(
            language: language, values: FormData(""),
            errors: codeError.map { [FieldError(field: "code", messageKey: $0)] } ?? [])
        let page = AssurancePage(
            level: pages.text("assurance_\(principal.assurance.rawValue)", language),
            explanation: pages.text("assurance_\(principal.assurance.rawValue)_means", language),
            canRaise: principal.assurance == .low,
            confirmed: request.uri.queryParameters["confirmed"] != nil && principal.assurance != .low,
            sentTo: pending.map {
                pages.text("assurance_code_sent", language).replacingOccurrences(
                    of: "{phone}", with: $0.sentTo)
            },
            fields: [
                view.field(
                    "code", label: "field_activation_code", hint: "field_activation_code_hint",
                    autocomplete: "off", inputmode: "numeric", keepValue: false)
            ])
        var response = pages.render(
            "assurance", titleKey: "assurance_title", request: request, context: context, status: status, page: page,
            errors: sendError.map { ErrorSummary(message: pages.text($0, language), target: "send-code") }
                ?? ErrorSummary(view.errors, language))
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

/// The account's level of assurance and, while it is low, the way up by a code sent by SMS.
struct AssurancePage: Encodable, Sendable {
    var level: String
    var explanation: String
    var canRaise: Bool
    /// Just raised: say so.
    var confirmed: Bool
    /// "A code was sent to +996 *** *** 417", while one is pending.
    var sentTo: String?
    var fields: [FieldModel]
}
