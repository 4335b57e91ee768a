import Core
import Hummingbird
import Identity

/// Changing one's phone or e-mail: the new one gets a code, and only the code typed back here
/// changes it (Post/Redirect/Get at each step).
struct ContactController: Sendable {
    let contact: ContactChange
    let identity: IdentityService
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.contact.pattern, use: page)
        router.post(Route.contact.pattern, use: request)
        router.post(Route.contactConfirm.pattern, use: confirm)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await render(request, context: context, status: .ok)
    }

    @Sendable func request(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let form = try await FormData.read(request)
        guard let channel = ContactChannel(rawValue: form["channel"]) else {
            return try await render(
                request, context: context, status: .unprocessableContent,
                errors: [FieldError(field: "channel", messageKey: "error_not_a_choice")], value: form["value"])
        }
        do {
            _ = try await contact.request(
                pin: principal.pin, channel: channel, value: form["value"], language: context.language)
            return .redirect(to: Route.contact.rawValue, type: .normal)
        } catch let error as ValidationError {
            return try await render(
                request, context: context, status: .unprocessableContent, errors: error.fields, channel: channel,
                value: form["value"])
        } catch let failure as AccountActivation.Failure {
            return try await render(
                request, context: context, status: .tooManyRequests,
                errors: [FieldError(field: "value", messageKey: failure.messageKey)], channel: channel,
                value: form["value"])
        }
    }

    @Sendable func confirm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let form = try await FormData.read(request)
        do {
            try await contact.confirm(pin: principal.pin, code: form["code"])
            return .seeOther(Route.cabinet.rawValue, notice: .contactChanged)
        } catch let failure as AccountActivation.Failure {
            return try await render(
                request, context: context,
                status: failure == .tooManyAttempts ? .tooManyRequests : .unprocessableContent,
                errors: [FieldError(field: "code", messageKey: failure.messageKey)])
        }
    }

    private func render(
        _ request: Request, context: AppRequestContext, status: HTTPResponse.Status, errors: [FieldError] = [],
        channel: ContactChannel = .phone, value: String = ""
    ) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let language = context.language
        let person = try await identity.cabinet(pin: principal.pin).person
        let pending = try await contact.pending(pin: principal.pin)
        let error = { (field: String) in
            errors.first { $0.field == field }.map { Catalog.shipped.text($0.messageKey, language) }
        }
        let page = ContactPage(
            phone: person.phone.isEmpty ? "—" : person.phone, email: person.email.isEmpty ? "—" : person.email,
            channels: ContactChannel.allCases.map {
                ContactPage.Channel(
                    value: $0.rawValue, label: Catalog.shipped.text("contact_channel_\($0.rawValue)", language),
                    checked: $0 == (pending?.channel ?? channel))
            },
            value: String(value.prefix(300)), valueError: error("value"), channelError: error("channel"),
            sentTo: pending.map {
                Catalog.shipped.text("contact_code_sent", language).replacingOccurrences(of: "{to}", with: $0.value)
            }, codeError: error("code"))
        var response = pages.render(
            "contact", titleKey: "contact_title", request: request, context: context, status: status, page: page,
            errors: ErrorSummary(errors, language, targets: ["channel": "channel-phone"]))
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

/// The contact page: the current phone and e-mail, the form for a new one, and the code step.
struct ContactPage: Encodable, Sendable {
    /// A way to be reached, to choose.
    struct Channel: Encodable, Sendable {
        var value: String
        var label: String
        var checked: Bool
    }
    var phone: String
    var email: String
    var channels: [Channel]
    var value: String
    var valueError: String?
    var channelError: String?
    /// "A code went to …", while a change waits for its code.
    var sentTo: String?
    var codeError: String?
}
