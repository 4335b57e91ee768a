import Core
import Hummingbird
import Identity
import Programme

/// Officials' side of the programme (`/office/programme`): an agency enters the figures of the
/// indicators it answers for, with evidence; ICT statistics are imported from CSV; an authorised
/// agency publishes emergency alerts. Each is a ledger entry; a form with a problem comes back
/// with the message beside its field and nothing stored.
struct OfficeProgrammeController: Sendable {
    let identity: IdentityService
    let programme: ProgrammeService
    let alerts: AlertService
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.officeProgramme.pattern, use: overview)
        router.post(Route.officeMeasurements.pattern, use: record)
        router.post(Route.officeICT.pattern, use: importICT)
        router.post(Route.officeActionStatus.pattern, use: setStatus)
        router.post(Route.officeAlerts.pattern, use: publish)
    }

    private func official(_ context: AppRequestContext) throws -> Principal {
        let principal = try PortalController.signedIn(context)
        let permissions = AccessPolicy.permissions(of: principal)
        guard permissions.contains(.manageProgramme) || AlertService.mayPublish(principal) else {
            throw DomainError.forbidden
        }
        return principal
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await render(request, context: context, status: .ok, typed: nil, messages: [:])
    }

    /// The page, with `messages` (already in the reader's language) beside their fields and in the summary.
    private func render(
        _ request: Request, context: AppRequestContext, status: HTTPResponse.Status, typed: FormData?,
        messages: [String: String]
    ) async throws -> Response {
        let principal = try official(context)
        let overview = try await programme.overview()
        let regions = try await identity.regions()
        let model = OfficeProgrammePage.make(
            indicators: overview.indicators, actions: overview.actions, agency: principal.post?.agencyCode,
            isAdministrator: AccessPolicy.permissions(of: principal).contains(.manageAPIClients),
            canAlert: AlertService.mayPublish(principal), regions: regions, typed: typed, errors: messages,
            language: context.language)
        // The regions are a group of boxes: the summary links to the first.
        let targets = ["regions": "regions-" + (regions.first?.code ?? "")]
        let summary = ErrorSummary(
            items: messages.keys.sorted().map { ErrorSummary.Item(message: messages[$0]!, target: targets[$0] ?? $0) })
        return pages.render(
            "office_programme", titleKey: "office_programme_heading", request: request, context: context,
            status: status, page: model, errors: summary)
    }

    /// The form again with `error`'s problems, or the error itself when it is not about the form.
    private func refused(
        _ error: ProgrammeError, _ request: Request, context: AppRequestContext, typed: FormData
    ) async throws -> Response {
        let catalog = Catalog.shipped
        switch error {
        case .invalid(let fields):
            return try await render(
                request, context: context, status: .unprocessableContent, typed: typed,
                messages: fields.mapValues { catalog.text($0, context.language) })
        case .csv(let line, let problem, let value):
            let text = catalog.text("programme_error_csv_line", context.language)
                .replacingOccurrences(of: "{line}", with: String(line))
                .replacingOccurrences(of: "{problem}", with: catalog.text(problem, context.language))
                .replacingOccurrences(of: "{value}", with: value)
            return try await render(
                request, context: context, status: .unprocessableContent, typed: typed, messages: ["csv": text])
        case .forbidden: throw DomainError.forbidden
        case .notFound: throw DomainError.notFound
        }
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try official(context)
        let form = try await FormData.read(request)
        do {
            _ = try await programme.record(
                indicator: form["indicator"], period: form["period"].trimmingCharacters(in: .whitespaces),
                value: form["value"], unit: form["unit"], evidence: form["evidence"], by: principal)
            return .seeOther(Route.officeProgramme.rawValue, notice: .measurementRecorded)
        } catch let error as ProgrammeError {
            return try await refused(error, request, context: context, typed: form)
        }
    }

    @Sendable func setStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try official(context)
        let form = try await FormData.read(request)
        do {
            try await programme.setStatus(of: form["action"], to: form["status"], by: principal)
            return .seeOther(Route.officeProgramme.rawValue, notice: .actionUpdated)
        } catch let error as ProgrammeError {
            return try await refused(error, request, context: context, typed: form)
        }
    }

    @Sendable func importICT(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try official(context)
        let form = try await FormData.read(request)
        do {
            _ = try await programme.importICT(
                csv: form["csv"], regions: Set(try await identity.regions().map(\.code)), by: principal)
            return .seeOther(Route.officeProgramme.rawValue, notice: .ictImported)
        } catch let error as ProgrammeError {
            return try await refused(error, request, context: context, typed: form)
        }
    }

    @Sendable func publish(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try official(context)
        let form = try await FormData.read(request)
        var texts: [Language: EmergencyAlert.Text] = [:]
        for language in Language.allCases {
            texts[language] = EmergencyAlert.Text(
                headline: form["headline_\(language.rawValue)"], instruction: form["instruction_\(language.rawValue)"])
        }
        do {
            _ = try await alerts.publish(
                AlertInput(
                    category: form["category"], severity: form["severity"], urgency: form["urgency"],
                    certainty: form["certainty"], regions: form.all("regions"), texts: texts, hours: form["hours"]),
                regions: Set(try await identity.regions().map(\.code)), by: principal)
            return .seeOther(Route.alerts.rawValue, notice: .alertPublished)
        } catch let error as ProgrammeError {
            return try await refused(error, request, context: context, typed: form)
        }
    }
}
