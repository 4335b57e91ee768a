import Core
import Identity
import Participation

/// `/office/participation`: the agency's drafts and budgets, and the forms to start new ones.
struct OfficeParticipationPage: Encodable, Sendable {
    /// A draft or budget in a list.
    struct Item: Encodable, Sendable {
        var href: String
        var title: String
        var status: String
    }

    var agency: String
    var consultations: [Item]
    var budgets: [Item]
    var hasConsultations: Bool
    var hasBudgets: Bool
    var cities: [FieldModel.Choice]
    var draftTitle: String
    var draftText: String
    var draftDays: String
    var draftTitleError: String?
    var draftTextError: String?
    var draftDaysError: String?
    var budgetTitle: String
    var budgetTotal: String
    var budgetDays: String
    var budgetTitleError: String?
    var budgetTotalError: String?
    var budgetDaysError: String?
    var budgetAreaError: String?

    static func make(
        agency: String, consultations: [Consultation], budgets: [Budget], cities: [Region],
        problem: OfficeFormProblem?, language: Language
    ) -> OfficeParticipationPage {
        let catalog = Catalog.shipped
        let typed = { (form: String, field: String, fallback: String) in
            problem?.form == form ? String(problem?.typed[field].prefix(500_000) ?? "") : fallback
        }
        return OfficeParticipationPage(
            agency: agency,
            consultations: consultations.map {
                Item(
                    href: Route.officeConsultation.path($0.id), title: $0.title,
                    status: catalog.text("consultation_status_\($0.status.rawValue)", language))
            },
            budgets: budgets.map {
                Item(
                    href: Route.officeBudget.path($0.id), title: $0.title,
                    status: catalog.text("budget_phase_\($0.phase.rawValue)", language))
            }, hasConsultations: !consultations.isEmpty, hasBudgets: !budgets.isEmpty,
            cities: cities.map {
                FieldModel.Choice(
                    value: $0.code, label: $0.name.text(language),
                    selected: problem?.form == "budget" && problem?.typed["area"] == $0.code)
            },
            draftTitle: typed("draft", "title", ""), draftText: typed("draft", "text", ""),
            draftDays: typed("draft", "days", "30"), draftTitleError: problem?.message("draft", "title"),
            draftTextError: problem?.message("draft", "text"), draftDaysError: problem?.message("draft", "days"),
            budgetTitle: typed("budget", "title", ""), budgetTotal: typed("budget", "total", ""),
            budgetDays: typed("budget", "days", "60"), budgetTitleError: problem?.message("budget", "title"),
            budgetTotalError: problem?.message("budget", "total"), budgetDaysError: problem?.message("budget", "days"),
            budgetAreaError: problem?.message("budget", "area"))
    }
}

/// `/office/consultations/{id}`: comments to answer for the report, and the form for a new version.
struct OfficeConsultationPage: Encodable, Sendable {
    /// A top-level comment with its answer, or the form to give one.
    struct Comment: Encodable, Sendable {
        var id: String
        var passage: String
        var quote: String?
        var body: String
        var author: String
        var answered: String?
        var response: String?
        var action: String
        var handlings: [FieldModel.Choice]
        var typed: String
        var handlingError: String?
        var responseError: String?
    }

    var heading: String
    var publicHref: String
    var open: Bool
    var status: String
    var comments: [Comment]
    var hasComments: Bool
    var unanswered: String
    var versionAction: String
    var text: String
    var note: String
    var textError: String?
    var noteError: String?
    var formError: String?

    static func make(
        _ consultation: Consultation, versions: [DraftVersion], comments: [DraftComment], problem: OfficeFormProblem?,
        language: Language
    ) -> OfficeConsultationPage {
        let catalog = Catalog.shipped
        let topLevel = comments.filter { $0.parentID == nil }
        let version = problem?.form == "version"
        return OfficeConsultationPage(
            heading: consultation.title, publicHref: Route.consultation.path(consultation.id),
            open: consultation.status == .comments,
            status: catalog.text("consultation_status_\(consultation.status.rawValue)", language),
            comments: topLevel.map { comment in
                let form = "answer-\(comment.id)"
                return Comment(
                    id: comment.id, passage: String(comment.passage + 1),
                    quote: comment.quote.isEmpty ? nil : comment.quote,
                    body: comment.moderation == nil
                        ? comment.body
                        : catalog.text("comment_hidden", language).replacingOccurrences(
                            of: "{reason}",
                            with: catalog.text("moderation_reason_\(comment.moderation?.rawValue ?? "")", language)),
                    author: comment.authorName,
                    answered: comment.handling.map { catalog.text("comment_handling_\($0.rawValue)", language) },
                    response: comment.handling == nil ? nil : comment.response,
                    action: Route.officeCommentAnswer.path(comment.id),
                    handlings: DraftComment.Handling.allCases.map {
                        FieldModel.Choice(
                            value: $0.rawValue, label: catalog.text("comment_handling_\($0.rawValue)", language),
                            selected: problem?.form == form && problem?.typed["handling"] == $0.rawValue)
                    },
                    typed: problem?.form == form ? String(problem?.typed["response"].prefix(5_000) ?? "") : "",
                    handlingError: problem?.message(form, "handling"),
                    responseError: problem?.message(form, "response"))
            }, hasComments: !topLevel.isEmpty,
            unanswered: catalog.count(
                "office_unanswered", topLevel.filter { $0.handling == nil && $0.moderation == nil }.count, language),
            versionAction: Route.officeConsultationVersion.path(consultation.id),
            text: version ? String(problem?.typed["text"].prefix(500_000) ?? "") : versions.last?.text ?? "",
            note: version ? String(problem?.typed["note"].prefix(2_000) ?? "") : "",
            textError: problem?.message("version", "text"), noteError: problem?.message("version", "note"),
            formError: version && problem?.field == "form" ? problem?.message : nil)
    }
}

/// `/office/budgets/{id}`: proposals to review (in the review phase) and the next phase.
struct OfficeBudgetPage: Encodable, Sendable {
    /// A proposal with its review, or the form to give one.
    struct Proposal: Encodable, Sendable {
        var id: String
        var title: String
        var body: String
        var cost: String
        var costValue: String
        var feasibility: String
        var review: String?
        var action: String
        var costError: String?
        var reasonError: String?
        var feasibilityError: String?
        var typedReason: String
    }

    var heading: String
    var publicHref: String
    var phase: String
    var reviewing: Bool
    var proposals: [Proposal]
    var hasProposals: Bool
    var advanceAction: String?
    var nextPhase: String?

    static func make(_ budget: Budget, proposals: [BudgetProposal], problem: OfficeFormProblem?, language: Language)
        -> OfficeBudgetPage
    {
        let catalog = Catalog.shipped
        let phases = Budget.Phase.allCases
        let next = phases.firstIndex(of: budget.phase).flatMap { $0 + 1 < phases.count ? phases[$0 + 1] : nil }
        return OfficeBudgetPage(
            heading: budget.title, publicHref: Route.budget.path(budget.id),
            phase: catalog.text("budget_phase_\(budget.phase.rawValue)", language), reviewing: budget.phase == .review,
            proposals: proposals.map { proposal in
                let form = "review-\(proposal.id)"
                return Proposal(
                    id: proposal.id, title: proposal.title, body: proposal.body,
                    cost: Money.som(proposal.cost, language),
                    costValue: problem?.form == form
                        ? String(problem?.typed["cost"].prefix(20) ?? "") : String(proposal.cost),
                    feasibility: catalog.text("budget_feasibility_\(proposal.feasibility.rawValue)", language),
                    review: proposal.review.isEmpty ? nil : proposal.review,
                    action: Route.officeProposalReview.path(budget.id, proposal.id),
                    costError: problem?.message(form, "cost"), reasonError: problem?.message(form, "reason"),
                    feasibilityError: problem?.message(form, "feasibility"),
                    typedReason: problem?.form == form ? String(problem?.typed["reason"].prefix(2_000) ?? "") : "")
            }, hasProposals: !proposals.isEmpty,
            advanceAction: next == nil ? nil : Route.officeBudgetAdvance.path(budget.id),
            nextPhase: next.map { catalog.text("office_budget_move_to_\($0.rawValue)", language) })
    }
}
