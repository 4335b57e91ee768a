import Core
import Hummingbird
import Identity
import Participation

/// Officials' side of e-participation (`/office/participation`): an authority publishes drafts,
/// revises them and answers each comment for the public report; a city hall opens budgets,
/// reviews proposals and moves them through their phases. Only specialists and heads of the
/// owning agency (`Permission.runParticipation`); each step is a ledger entry.
struct OfficeParticipationController: Sendable {
    let identity: IdentityService
    let participation: ParticipationServices
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.officeParticipation.pattern, use: overview)
        router.post(Route.officeConsultations.pattern, use: publishDraft)
        router.post(Route.officeBudgets.pattern, use: openBudget)
        router.get(Route.officeConsultation.pattern, use: consultation)
        router.post(Route.officeConsultationVersion.pattern, use: revise)
        router.post(Route.officeCommentAnswer.pattern, use: answer)
        router.get(Route.officeBudget.pattern, use: budget)
        router.post(Route.officeProposalReview.pattern, use: review)
        router.post(Route.officeBudgetAdvance.pattern, use: advance)
    }

    /// The signed-in official and their agency, if they run participation.
    private func official(_ context: AppRequestContext) throws -> (Principal, String) {
        let principal = try PortalController.signedIn(context)
        guard let agency = principal.post?.agencyCode,
            AccessPolicy.permissions(of: principal).contains(.runParticipation)
        else { throw DomainError.forbidden }
        return (principal, agency)
    }

    // MARK: overview, new drafts and budgets

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderOverview(request, context: context, status: .ok, problem: nil)
    }

    private func renderOverview(
        _ request: Request, context: AppRequestContext, status: HTTPResponse.Status, problem: OfficeFormProblem?
    ) async throws -> Response {
        let (_, agency) = try official(context)
        let model = OfficeParticipationPage.make(
            agency: agency,
            consultations: try await participation.consultations.consultations(limit: 500).filter {
                $0.authority == agency
            },
            budgets: try await participation.budgets.budgets(limit: 500).filter { $0.authority == agency },
            cities: try await identity.regions().filter { $0.kind == "city" }, problem: problem,
            language: context.language)
        return pages.render(
            "office_participation", titleKey: "office_participation_heading", request: request, context: context,
            status: status, page: model, errors: problem?.summary ?? .none)
    }

    @Sendable func publishDraft(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (principal, agency) = try official(context)
        let form = try await FormData.read(request)
        do {
            let consultation = try await participation.consultations.publish(
                title: form["title"], text: form["text"], authority: agency,
                days: RequestNumber.parse(form["days"], in: 1...10_000) ?? 0, by: principal)
            return .seeOther(Route.officeConsultation.path(consultation.id), notice: .consultationPublished)
        } catch let error as ParticipationError {
            return try await renderOverview(
                request, context: context, status: ParticipationController.status(error),
                problem: .init(error, form: "draft", typed: form, language: context.language))
        }
    }

    @Sendable func openBudget(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (principal, agency) = try official(context)
        let form = try await FormData.read(request)
        do {
            let cities = try await identity.regions().filter { $0.kind == "city" }.map(\.code)
            guard cities.contains(form["area"]) else {
                throw ParticipationError.invalid(["area": "Choose the city."])
            }
            let budget = try await participation.budgets.open(
                title: form["title"], total: RequestNumber.parse(form["total"], in: 0...100_000_000_000) ?? 0,
                authority: agency, area: form["area"], days: RequestNumber.parse(form["days"], in: 0...10_000) ?? 0,
                by: principal)
            return .seeOther(Route.officeBudget.path(budget.id), notice: .budgetOpened)
        } catch let error as ParticipationError {
            return try await renderOverview(
                request, context: context, status: ParticipationController.status(error),
                problem: .init(error, form: "budget", typed: form, language: context.language))
        }
    }

    // MARK: one consultation

    @Sendable func consultation(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderConsultation(request, context: context, status: .ok, problem: nil)
    }

    private func renderConsultation(
        _ request: Request, context: AppRequestContext, status: HTTPResponse.Status, problem: OfficeFormProblem?,
        id given: String? = nil
    ) async throws -> Response {
        let (_, agency) = try official(context)
        let id = given ?? context.parameters.get("id") ?? ""
        guard let consultation = try? await participation.consultations.consultation(id),
            consultation.authority == agency
        else { throw DomainError.notFound }
        let model = OfficeConsultationPage.make(
            consultation, versions: try await participation.consultations.versions(of: id),
            comments: try await participation.consultations.comments(of: id), problem: problem,
            language: context.language)
        return pages.render(
            "office_consultation", titleKey: "office_consultation_heading", request: request, context: context,
            status: status, page: model, errors: problem?.summary ?? .none, naming: "— " + consultation.title)
    }

    @Sendable func revise(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (principal, _) = try official(context)
        let id = context.parameters.get("id") ?? ""
        let form = try await FormData.read(request)
        do {
            _ = try await participation.consultations.revise(
                id, text: form["text"], note: form["note"], final: form["final"] == "1", by: principal)
            return .seeOther(Route.officeConsultation.path(id), notice: .versionPublished)
        } catch let error as ParticipationError {
            if error == .notFound || error == .forbidden { throw DomainError.notFound }
            return try await renderConsultation(
                request, context: context, status: ParticipationController.status(error),
                problem: .init(error, form: "version", typed: form, language: context.language))
        }
    }

    @Sendable func answer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (principal, _) = try official(context)
        let commentID = context.parameters.get("id") ?? ""
        guard let comment = try? await participation.consultations.comment(commentID) else {
            throw DomainError.notFound
        }
        let form = try await FormData.read(request)
        do {
            guard let handling = DraftComment.Handling(rawValue: form["handling"]) else {
                throw ParticipationError.invalid(["handling": "Choose how it was handled."])
            }
            try await participation.consultations.respond(
                to: commentID, handling: handling, response: form["response"], by: principal)
            return .seeOther(
                Route.officeConsultation.path(comment.consultationID) + "#answer-\(commentID)",
                notice: .commentAnswered)
        } catch let error as ParticipationError {
            if error == .notFound || error == .forbidden { throw DomainError.notFound }
            return try await renderConsultation(
                request, context: context, status: ParticipationController.status(error),
                problem: .init(error, form: "answer-\(commentID)", typed: form, language: context.language),
                id: comment.consultationID)
        }
    }

    // MARK: one budget

    @Sendable func budget(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderBudget(request, context: context, status: .ok, problem: nil)
    }

    private func renderBudget(
        _ request: Request, context: AppRequestContext, status: HTTPResponse.Status, problem: OfficeFormProblem?
    ) async throws -> Response {
        let (_, agency) = try official(context)
        let id = context.parameters.get("id") ?? ""
        guard let budget = try? await participation.budgets.budget(id), budget.authority == agency else {
            throw DomainError.notFound
        }
        let model = OfficeBudgetPage.make(
            budget, proposals: try await participation.budgets.proposals(of: id), problem: problem,
            language: context.language)
        return pages.render(
            "office_budget", titleKey: "office_budget_heading", request: request, context: context, status: status,
            page: model, errors: problem?.summary ?? .none, naming: "— " + budget.title)
    }

    @Sendable func review(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (principal, _) = try official(context)
        let id = context.parameters.get("id") ?? ""
        let proposal = context.parameters.get("proposal") ?? ""
        let form = try await FormData.read(request)
        do {
            guard ["feasible", "unfeasible"].contains(form["feasibility"]) else {
                throw ParticipationError.invalid(["feasibility": "Choose feasible or not."])
            }
            try await participation.budgets.review(
                proposal, of: id, feasible: form["feasibility"] == "feasible",
                cost: RequestNumber.parse(form["cost"], in: 0...100_000_000_000) ?? 0, reason: form["reason"],
                by: principal)
            return .seeOther(Route.officeBudget.path(id) + "#proposal-\(proposal)", notice: .proposalReviewed)
        } catch let error as ParticipationError {
            if error == .notFound || error == .forbidden { throw DomainError.notFound }
            return try await renderBudget(
                request, context: context, status: ParticipationController.status(error),
                problem: .init(error, form: "review-\(proposal)", typed: form, language: context.language))
        }
    }

    @Sendable func advance(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (principal, _) = try official(context)
        let id = context.parameters.get("id") ?? ""
        do {
            _ = try await participation.budgets.advance(id, by: principal)
            return .seeOther(Route.officeBudget.path(id), notice: .budgetAdvanced)
        } catch ParticipationError.notFound, ParticipationError.forbidden {
            throw DomainError.notFound
        } catch ParticipationError.closed {
            throw DomainError.conflict(field: "phase", messageKey: "participation_error_closed")
        }
    }
}

/// A form on an office page that came back: which form, the message beside its field, and what
/// was typed.
struct OfficeFormProblem: Sendable {
    var form: String
    var field: String
    var message: String
    var typed: FormData

    init(_ error: ParticipationError, form: String, typed: FormData, language: Language) {
        self.form = form
        self.field = ParticipationController.fields(error).first ?? "form"
        self.message = Catalog.shipped.text("office_error_\(field)", language)
        if case .invalid = error {
        } else {
            self.message = Catalog.shipped.text(
                error == .closed ? "participation_error_closed" : "participation_error_forbidden", language)
        }
        self.typed = typed
    }

    /// The message at the top of the page, linked to its field.
    var summary: ErrorSummary { ErrorSummary(message: message, target: "\(form)-\(field)") }

    /// The message if it belongs beside `field` of form `name`.
    func message(_ name: String, _ field: String) -> String? {
        name == form && field == self.field ? message : nil
    }
}
