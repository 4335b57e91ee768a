import Core
import Hummingbird
import Identity
import Participation

/// The moderators' queue (`/office/moderation`): petitions waiting to be checked against the
/// published rules, and reports of comments and petitions. Content is hidden, never deleted, and
/// each decision is a ledger entry naming the rule.
struct ModerationController: Sendable {
    let participation: ParticipationServices
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.moderation.pattern, use: queue)
        router.post(Route.moderatePetition.pattern, use: decidePetition)
        router.post(Route.moderateReport.pattern, use: decideReport)
    }

    private func moderator(_ context: AppRequestContext) throws -> Principal {
        let principal = try PortalController.signedIn(context)
        guard AccessPolicy.permissions(of: principal).contains(.moderateParticipation) else {
            throw DomainError.forbidden
        }
        return principal
    }

    @Sendable func queue(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try moderator(context)
        var reported: [ModerationPage.Report] = []
        for report in try await participation.moderation.openReports(by: principal) {
            let (text, href) = await summary(report.target)
            reported.append(
                ModerationPage.Report(
                    id: report.id, text: text, href: href,
                    reason: Catalog.shipped.text("moderation_reason_\(report.reason.rawValue)", context.language),
                    note: report.note.isEmpty ? nil : report.note,
                    action: Route.moderateReport.path(report.id)))
        }
        let model = ModerationPage.make(
            petitions: try await participation.petitions.awaitingModeration(), reports: reported,
            language: context.language)
        return pages.render(
            "moderation", titleKey: "moderation_heading", request: request, context: context, page: model)
    }

    /// What a report is about, in a line, and where it stands.
    private func summary(_ target: ContentReport.Target) async -> (String, String) {
        switch target {
        case .petition(let id):
            return ((try? await participation.petitions.petition(id).title) ?? id, Route.petition.path(id))
        case .comment(let id):
            guard let comment = try? await participation.consultations.comment(id) else { return (id, "#") }
            return (comment.body, Route.consultation.path(comment.consultationID) + "#comment-\(id)")
        }
    }

    @Sendable func decidePetition(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try moderator(context)
        let id = context.parameters.get("id") ?? ""
        let form = try await FormData.read(request)
        let approve = form["decision"] == "approve"
        let reason = ModerationReason(rawValue: form["reason"])
        guard approve || form["decision"] == "reject" else {
            throw ValidationError([FieldError(field: "decision", messageKey: "error_not_a_choice")])
        }
        guard approve || reason != nil else {
            throw ValidationError([FieldError(field: "reason", messageKey: "moderation_error_reason")])
        }
        try await decide {
            try await participation.petitions.moderate(id, approve: approve, reason: reason, by: principal)
        }
        return .seeOther(Route.moderation.rawValue, notice: .moderated)
    }

    @Sendable func decideReport(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try moderator(context)
        let id = context.parameters.get("id") ?? ""
        let form = try await FormData.read(request)
        guard ["hide", "keep"].contains(form["decision"]) else {
            throw ValidationError([FieldError(field: "decision", messageKey: "error_not_a_choice")])
        }
        try await decide {
            try await participation.moderation.resolve(id, hide: form["decision"] == "hide", by: principal)
        }
        return .seeOther(Route.moderation.rawValue, notice: .moderated)
    }

    /// Runs a decision, answering in the platform's terms: decided already is a conflict.
    private func decide(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch ParticipationError.notFound {
            throw DomainError.notFound
        } catch ParticipationError.forbidden {
            throw DomainError.forbidden
        } catch ParticipationError.closed {
            throw DomainError.conflict(field: "decision", messageKey: "moderation_error_decided")
        }
    }
}

/// `/office/moderation`: what waits for a moderator.
struct ModerationPage: Encodable, Sendable {
    /// A petition to check before it opens.
    struct PetitionItem: Encodable, Sendable {
        var id: String
        var title: String
        var body: String
        var href: String
        var action: String
    }

    /// A report to handle.
    struct Report: Encodable, Sendable {
        var id: String
        var text: String
        var href: String
        var reason: String
        var note: String?
        var action: String
    }

    var petitions: [PetitionItem]
    var reports: [Report]
    var reasons: [FieldModel.Choice]
    var hasPetitions: Bool
    var hasReports: Bool

    static func make(petitions: [Petition], reports: [Report], language: Language) -> ModerationPage {
        ModerationPage(
            petitions: petitions.map {
                PetitionItem(
                    id: $0.id, title: $0.title, body: $0.body, href: Route.petition.path($0.id),
                    action: Route.moderatePetition.path($0.id))
            }, reports: reports, reasons: ModerationReasons.choices(language), hasPetitions: !petitions.isEmpty,
            hasReports: !reports.isEmpty)
    }
}

/// The published rules as choices for a form, in the reader's language.
enum ModerationReasons {
    static func choices(_ language: Language) -> [FieldModel.Choice] {
        ModerationReason.allCases.map {
            FieldModel.Choice(
                value: $0.rawValue, label: Catalog.shipped.text("moderation_reason_\($0.rawValue)", language),
                selected: false)
        }
    }
}
