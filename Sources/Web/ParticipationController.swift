import Core
import Hummingbird
import Identity
import Participation

/// E-participation for people: the list of consultations, petitions and budgets; a draft's page
/// where anyone signed in comments on a passage or replies; a petition's page to sign or withdraw;
/// a budget's page to cast one approval ballot. Signing and voting need substantial assurance and
/// take the person's region and district from the population register, never from the form.
struct ParticipationController: Sendable {
    let identity: IdentityService
    let participation: ParticipationServices
    let clock: Clock
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.participation.pattern, use: hub)
        router.get(Route.petitionNew.pattern, use: newPetition)
        router.post(Route.petitionNew.pattern, use: createPetition)
        router.get(Route.petition.pattern, use: petition)
        router.post(Route.petitionSponsor.pattern, use: sponsor)
        router.post(Route.reports.pattern, use: report)
        router.post(Route.petitionSign.pattern, use: sign)
        router.post(Route.petitionWithdraw.pattern, use: withdraw)
        router.get(Route.consultation.pattern, use: consultation)
        router.post(Route.consultationComment.pattern, use: comment)
        router.get(Route.budget.pattern, use: budget)
        router.post(Route.budgetBallot.pattern, use: ballot)
        router.post(Route.budgetProposals.pattern, use: propose)
    }

    @Sendable func hub(_ request: Request, context: AppRequestContext) async throws -> Response {
        let model = ParticipationHubPage.make(
            consultations: try await participation.consultations.consultations(),
            petitions: try await participation.petitions.petitions(),
            budgets: try await participation.budgets.budgets(),
            now: clock.seconds, language: context.language)
        return pages.render(
            "participation", titleKey: "participation_heading", request: request, context: context, page: model)
    }

    // MARK: petitions

    @Sendable func petition(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderPetition(request, context: context, status: .ok, error: nil)
    }

    private func renderPetition(
        _ request: Request, context: AppRequestContext, status: HTTPResponse.Status, error: String?
    ) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard id.count <= 64, let petition = try? await participation.petitions.petition(id) else {
            throw DomainError.notFound
        }
        let signed = try await context.principal.asyncMap { try await participation.petitions.hasSigned(id, $0) }
        let model = PetitionPageModel.make(
            petition, counts: try await participation.petitions.counts(id), regions: try await identity.regions(),
            principal: context.principal, signed: signed ?? false, error: error, now: clock.seconds,
            path: request.uri.path, language: context.language)
        return pages.render(
            "petition", titleKey: "petition_heading", request: request, context: context, status: status, page: model,
            errors: error.map { ErrorSummary(message: $0, target: "sign-petition") } ?? .none,
            naming: "— " + petition.title)
    }

    @Sendable func sign(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let id = context.parameters.get("id") ?? ""
        let path = Route.petition.path(id)
        do {
            let (region, district) = try await residence(principal)
            let outcome = try await participation.petitions.sign(id, by: principal, region: region, district: district)
            if case .alreadySigned = outcome { return .seeOther(path, notice: .petitionAlreadySigned) }
            return .seeOther(path, notice: .petitionSigned)
        } catch let error as ParticipationError {
            if error == .notFound { throw DomainError.notFound }
            return try await renderPetition(
                request, context: context, status: Self.status(error), error: message(error, context.language))
        }
    }

    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let id = context.parameters.get("id") ?? ""
        do {
            _ = try await participation.petitions.withdraw(id, by: principal)
            return .seeOther(Route.petition.path(id), notice: .petitionWithdrawn)
        } catch let error as ParticipationError {
            if error == .notFound { throw DomainError.notFound }
            return try await renderPetition(
                request, context: context, status: Self.status(error), error: message(error, context.language))
        }
    }

    @Sendable func sponsor(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let id = context.parameters.get("id") ?? ""
        do {
            _ = try await participation.petitions.sponsor(id, by: principal)
            return .seeOther(Route.petition.path(id), notice: .petitionSponsored)
        } catch let error as ParticipationError {
            if error == .notFound { throw DomainError.notFound }
            return try await renderPetition(
                request, context: context, status: Self.status(error), error: message(error, context.language))
        }
    }

    @Sendable func newPetition(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try PortalController.signedIn(context)
        return try await renderNewPetition(request, context: context, status: .ok, form: nil, error: nil)
    }

    @Sendable func createPetition(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let form = try await FormData.read(request)
        // Who may start one comes before what they wrote: a low account is told so at once.
        guard principal.assurance >= .substantial else {
            return try await renderNewPetition(
                request, context: context, status: .forbidden, form: form,
                error: ("title", message(.assuranceTooLow, context.language, prefix: "petition_error_")))
        }
        guard let level = Petition.Level(rawValue: form["level"]) else {
            return try await renderNewPetition(
                request, context: context, status: .unprocessableContent, form: form,
                error: ("level", Catalog.shipped.text("error_not_a_choice", context.language)))
        }
        let days = RequestNumber.parse(form["days"], in: 1...10_000) ?? 0
        do {
            let petition = try await participation.petitions.create(
                title: form["title"], body: form["body"], level: level, area: level == .national ? "KG" : form["area"],
                days: days, by: principal)
            return .seeOther(Route.petition.path(petition.id), notice: .petitionCreated)
        } catch let error as ParticipationError {
            return try await renderNewPetition(
                request, context: context, status: Self.status(error), form: form,
                error: (
                    Self.fields(error).first ?? "title", message(error, context.language, prefix: "petition_error_")
                ))
        }
    }

    private func renderNewPetition(
        _ request: Request, context: AppRequestContext, status: HTTPResponse.Status, form: FormData?,
        error: (field: String, message: String)?
    ) async throws -> Response {
        let cities = try await identity.regions().filter { $0.kind == "city" }
        let model = NewPetitionPage.make(form: form, error: error, cities: cities, language: context.language)
        return pages.render(
            "petition_new", titleKey: "petition_new_heading", request: request, context: context, status: status,
            page: model, errors: error.map { ErrorSummary(message: $0.message, target: $0.field) } ?? .none)
    }

    /// A report of a comment or a petition, then back to where it stands.
    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let form = try await FormData.read(request)
        guard let target = ContentReport.Target(key: form["target"]) else { throw DomainError.notFound }
        let back: String
        switch target {
        case .petition(let id): back = Route.petition.path(id)
        case .comment(let id):
            guard let comment = try? await participation.consultations.comment(id) else { throw DomainError.notFound }
            back = Route.consultation.path(comment.consultationID) + "#comment-\(id)"
        }
        guard let reason = ModerationReason(rawValue: form["reason"]) else {
            throw ValidationError([FieldError(field: "reason", messageKey: "error_not_a_choice")])
        }
        do {
            _ = try await participation.moderation.report(target, reason: reason, note: form["note"], by: principal)
            return .seeOther(back, notice: .reportFiled)
        } catch ParticipationError.notFound {
            throw DomainError.notFound
        } catch ParticipationError.tooMany {
            throw DomainError.throttled(retryAfterSeconds: 3_600)
        } catch ParticipationError.invalid {
            throw ValidationError([FieldError(field: "note", messageKey: "participation_error_note")])
        }
    }

    /// Where the person lives by the population register: region and district codes ("unknown"
    /// when the register does not say: the signature counts, in no region).
    private func residence(_ principal: Principal) async throws -> (String, String) {
        try await participation.residence(principal.pin) ?? ("unknown", "unknown")
    }

    // MARK: consultations

    @Sendable func consultation(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderConsultation(request, context: context, status: .ok, problem: nil)
    }

    private func renderConsultation(
        _ request: Request, context: AppRequestContext, status: HTTPResponse.Status,
        problem: ConsultationPageModel.FormProblem?
    ) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let consultation = try? await participation.consultations.consultation(id) else {
            throw DomainError.notFound
        }
        let versions = try await participation.consultations.versions(of: id)
        let query = request.uri.queryParameters
        let compare = query["compare"].flatMap { RequestNumber.parse($0, in: 1...10_000) }
        let diff = try await compare.asyncMap {
            try? await participation.consultations.diff(id, from: $0, to: consultation.currentVersion)
        }
        let authority = try await identity.agencies().first { $0.code == consultation.authority }
        let model = ConsultationPageModel.make(
            consultation, versions: versions, comments: try await participation.consultations.comments(of: id),
            authority: authority?.name.text(context.language) ?? consultation.authority,
            compare: diff.flatMap { $0 }.map { (compare ?? 0, $0) }, signedIn: context.principal != nil,
            problem: problem, now: clock.seconds, path: request.uri.path, language: context.language)
        return pages.render(
            "consultation", titleKey: "consultation_heading", request: request, context: context, status: status,
            page: model,
            errors: problem.map {
                ErrorSummary(message: $0.message, target: model.showsTheFormInError ? $0.field : nil)
            }
                ?? .none,
            naming: "— " + consultation.title)
    }

    @Sendable func comment(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let id = context.parameters.get("id") ?? ""
        let form = try await FormData.read(request)
        let parent = form["parent"].isEmpty ? nil : String(form["parent"].prefix(64))
        let passage = RequestNumber.parse(form["passage"], in: 0...100_000) ?? -1
        do {
            let comment = try await participation.consultations.comment(
                on: id, passage: passage, quote: form["quote"], text: form["text"], replyingTo: parent, by: principal)
            return .seeOther(Route.consultation.path(id) + "#comment-\(comment.id)", notice: .commentPosted)
        } catch let error as ParticipationError {
            if error == .notFound { throw DomainError.notFound }
            let field = Self.fields(error).first ?? "text"
            return try await renderConsultation(
                request, context: context, status: Self.status(error),
                problem: ConsultationPageModel.FormProblem(
                    passage: passage, parent: parent,
                    field: (parent.map { "reply-\($0)" } ?? "passage-\(passage)")
                        + "-\(field == "quote" ? "quote" : "text")",
                    message: message(error, context.language), text: String(form["text"].prefix(5_000)),
                    quote: String(form["quote"].prefix(500))))
        }
    }

    // MARK: budgets

    @Sendable func budget(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderBudget(request, context: context, status: .ok, error: nil, chosen: [])
    }

    /// A resident proposes a project while the budget takes proposals.
    @Sendable func propose(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let id = context.parameters.get("id") ?? ""
        let form = try await FormData.read(request)
        do {
            _ = try await participation.budgets.propose(
                id, title: form["title"], body: form["body"],
                cost: RequestNumber.parse(form["cost"], in: 0...100_000_000_000) ?? 0, by: principal)
            return .seeOther(Route.budget.path(id), notice: .proposalSent)
        } catch let error as ParticipationError {
            if error == .notFound { throw DomainError.notFound }
            let field = Self.fields(error).first
            return try await renderBudget(
                request, context: context, status: Self.status(error), error: nil, chosen: [],
                proposal: BudgetPageModel.ProposalForm(
                    title: String(form["title"].prefix(200)), body: String(form["body"].prefix(5_000)),
                    cost: String(form["cost"].prefix(20)), field: field ?? "title",
                    message: message(error, context.language, prefix: "proposal_error_")))
        }
    }

    private func renderBudget(
        _ request: Request, context: AppRequestContext, status: HTTPResponse.Status, error: String?,
        chosen: Set<String>,
        proposal: BudgetPageModel.ProposalForm? = nil
    ) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let budget = try? await participation.budgets.budget(id) else { throw DomainError.notFound }
        let voted = try await context.principal.asyncMap { try await participation.budgets.hasVoted(id, $0) }
        let model = BudgetPageModel.make(
            budget, results: try await participation.budgets.results(id),
            proposals: try await participation.budgets.proposals(of: id), principal: context.principal,
            voted: voted ?? false, chosen: chosen, error: error, proposal: proposal, now: clock.seconds,
            path: request.uri.path, language: context.language)
        let summary =
            error.map { ErrorSummary(message: $0, target: "choices") }
            ?? proposal.map { ErrorSummary(message: $0.message, target: "proposal-\($0.field)") } ?? .none
        return pages.render(
            "budget", titleKey: "budget_heading", request: request, context: context, status: status, page: model,
            errors: summary, naming: "— " + budget.title)
    }

    @Sendable func ballot(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try PortalController.signedIn(context)
        let id = context.parameters.get("id") ?? ""
        let choices = Array(try await FormData.read(request).all("choices").prefix(200))
        do {
            let (region, _) = try await residence(principal)
            let outcome = try await participation.budgets.vote(id, for: choices, by: principal, region: region)
            return .seeOther(Route.budget.path(id), notice: outcome == .cast ? .ballotCast : .ballotAlreadyCast)
        } catch let error as ParticipationError {
            if error == .notFound { throw DomainError.notFound }
            return try await renderBudget(
                request, context: context, status: Self.status(error), error: message(error, context.language),
                chosen: Set(choices))
        }
    }

    // MARK: errors

    static func status(_ error: ParticipationError) -> HTTPResponse.Status {
        switch error {
        case .notFound: .notFound
        case .forbidden, .assuranceTooLow: .forbidden
        case .closed: .conflict
        case .invalid, .overBudget: .unprocessableContent
        case .tooMany: .tooManyRequests
        }
    }

    static func fields(_ error: ParticipationError) -> [String] {
        if case .invalid(let fields) = error { return fields.keys.sorted() }
        return []
    }

    /// The reader's words for what went wrong: one catalog key per field or kind.
    func message(_ error: ParticipationError, _ language: Language, prefix: String = "participation_error_") -> String {
        let catalog = Catalog.shipped
        switch error {
        case .notFound: return catalog.text("participation_error_not_found", language)
        case .forbidden: return catalog.text("participation_error_forbidden", language)
        case .assuranceTooLow: return catalog.text("participation_error_assurance", language)
        case .closed: return catalog.text("participation_error_closed", language)
        case .tooMany: return catalog.text("participation_error_too_many", language)
        case .overBudget(let cost, let total):
            return catalog.text("participation_error_over_budget", language)
                .replacingOccurrences(of: "{cost}", with: Money.som(cost, language))
                .replacingOccurrences(of: "{total}", with: Money.som(total, language))
        case .invalid(let fields):
            let field = fields.keys.sorted().first ?? "text"
            return catalog.text(prefix + field, language)
        }
    }
}

extension Optional {
    /// `transform` of the wrapped value, awaited, or nil.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

/// Amounts of money as people read them: digits in groups of three, then the currency.
enum Money {
    static func som(_ amount: Int, _ language: Language) -> String {
        let digits = String(amount.magnitude)
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { grouped += language == .en ? "," : "\u{202F}" }
            grouped.append(digit)
        }
        return (amount < 0 ? "−" : "") + grouped + " " + Catalog.shipped.text("currency_som", language)
    }
}
