import Core
import Foundation
import Identity
import Participation

/// `/participation`: what people can take part in now.
struct ParticipationHubPage: Encodable, Sendable {
    /// One consultation, petition or budget in a list.
    struct Item: Encodable, Sendable {
        var href: String
        var title: String
        var status: String
        var detail: String
    }
    var consultations: [Item]
    var petitions: [Item]
    var budgets: [Item]
    var hasConsultations: Bool
    var hasPetitions: Bool
    var hasBudgets: Bool

    static func make(
        consultations: [Consultation], petitions: [Petition], budgets: [Budget], now: Int, language: Language
    ) -> ParticipationHubPage {
        let catalog = Catalog.shipped
        return ParticipationHubPage(
            consultations: consultations.map {
                Item(
                    href: Route.consultation.path($0.id), title: $0.title,
                    status: catalog.text(
                        $0.takesComments(at: now) ? "consultation_status_comments" : "consultation_status_closed",
                        language),
                    detail: catalog.text("consultation_comments_until", language).replacingOccurrences(
                        of: "{date}", with: DisplayTime.dateTime($0.commentsUntil, language)))
            },
            petitions: petitions.map {
                Item(
                    href: Route.petition.path($0.id), title: $0.title,
                    status: catalog.text(
                        $0.status == .open && now < $0.deadline ? "petition_status_open" : "petition_status_closed",
                        language),
                    detail: catalog.count("petition_signatures", $0.signatures, language))
            },
            budgets: budgets.map {
                Item(
                    href: Route.budget.path($0.id), title: $0.title,
                    status: catalog.text("budget_phase_\($0.phase.rawValue)", language),
                    detail: Money.som($0.total, language))
            }, hasConsultations: !consultations.isEmpty, hasPetitions: !petitions.isEmpty,
            hasBudgets: !budgets.isEmpty)
    }
}

/// `/petitions/{id}`: the text, the figures, signatures by region as a chart, and the signing form.
struct PetitionPageModel: Encodable, Sendable {
    var heading: String
    var paragraphs: [String]
    var signatures: String
    var threshold: String
    var deadline: String
    var open: Bool
    var dutyToAnswer: Bool
    /// Signatures by region (inline SVG), nil before the first.
    var chart: String?
    var chartTitle: String
    var signedIn: Bool
    var lowAssurance: Bool
    var signed: Bool
    var error: String?
    var signInHref: String
    var signHref: String
    var withdrawHref: String
    /// Gathering co-sponsors: how many it has of how many, and the form to add oneself.
    var sponsoring: Bool
    var sponsorsText: String
    var sponsorHref: String
    var awaitingModeration: Bool
    /// Rejected or hidden by a moderator: the rule, in words, shown instead of the text.
    var moderationNotice: String?
    /// The report form (signed-in readers of a public petition).
    var reportTarget: String?
    var reasons: [FieldModel.Choice]

    static func make(
        _ petition: Petition, counts: [(region: String, district: String, signatures: Int)], regions: [Region],
        principal: Principal?, signed: Bool, error: String?, now: Int, path: String, language: Language
    ) -> PetitionPageModel {
        let catalog = Catalog.shipped
        var byRegion: [String: Int] = [:]
        for count in counts { byRegion[count.region, default: 0] += count.signatures }
        let names = Dictionary(uniqueKeysWithValues: regions.map { ($0.code, $0.name.text(language)) })
        let title = catalog.text("petition_chart_title", language)
        let rows = byRegion.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map {
            region, count in
            let shown = SmallCounts.cell(count)
            return (
                label: names[region] ?? catalog.text("petition_region_unknown", language),
                value: shown.isEmpty ? 0 : Double(count),
                text: shown.isEmpty ? catalog.text("petition_fewer_than_five", language) : shown
            )
        }
        let notice = petition.moderation.map { reason in
            catalog.text(petition.status == .rejected ? "petition_rejected" : "petition_hidden", language)
                .replacingOccurrences(
                    of: "{reason}", with: catalog.text("moderation_reason_\(reason.rawValue)", language))
        }
        let visible = petition.status != .hidden
        return PetitionPageModel(
            heading: petition.title, paragraphs: visible ? DraftVersion.passages(of: petition.body) : [],
            signatures: catalog.count("petition_signatures", petition.signatures, language),
            threshold: catalog.count("petition_threshold", petition.threshold, language),
            deadline: DisplayTime.dateTime(petition.deadline, language),
            open: petition.status == .open && now < petition.deadline, dutyToAnswer: petition.dutyAt != nil,
            chart: rows.isEmpty ? nil : BarChart.svg(title: title, rows: rows), chartTitle: title,
            signedIn: principal != nil, lowAssurance: (principal?.assurance ?? .substantial) < .substantial,
            signed: signed, error: error, signInHref: Route.signIn.path(query: [("next", path)]),
            signHref: Route.petitionSign.path(petition.id), withdrawHref: Route.petitionWithdraw.path(petition.id),
            sponsoring: petition.status == .sponsoring,
            sponsorsText: catalog.text("petition_sponsors_progress", language)
                .replacingOccurrences(of: "{n}", with: String(petition.sponsors))
                .replacingOccurrences(of: "{needed}", with: String(Petition.sponsorsNeeded)),
            sponsorHref: Route.petitionSponsor.path(petition.id),
            awaitingModeration: petition.status == .moderation, moderationNotice: notice,
            reportTarget: principal != nil && [.open, .closed].contains(petition.status)
                ? ContentReport.Target.petition(petition.id).key : nil,
            reasons: ModerationReasons.choices(language))
    }
}

/// `/consultations/{id}`: the draft's current text passage by passage, each with its comments,
/// replies and a form to comment; the versions, a comparison, and the authority's answers.
struct ConsultationPageModel: Encodable, Sendable {
    /// A form that came back with a problem, to show beside it with what was typed.
    struct FormProblem: Sendable {
        var passage: Int
        var parent: String?
        /// The id of the field the message is about.
        var field: String
        var message: String
        var text: String
        var quote: String
    }

    /// One comment with its replies.
    struct Thread: Encodable, Sendable {
        var id: String
        var author: String
        var time: String
        var quote: String?
        var body: String
        var handling: String?
        var response: String
        var replies: [Reply]
        var replyError: String?
        var replyText: String
        var replyOpen: Bool
        /// Hidden by a moderator: the rule in words, shown instead of the text.
        var hidden: String?
        var reportTarget: String
    }

    /// A reply in a thread.
    struct Reply: Encodable, Sendable {
        var id: String
        var author: String
        var time: String
        var body: String
        var hidden: String?
        var reportTarget: String
    }

    /// One passage of the text with its threads and form.
    struct Passage: Encodable, Sendable {
        var index: Int
        var number: String
        var text: String
        var threads: [Thread]
        var count: String
        var error: String?
        var errorOnQuote: Bool
        var typed: String
        var quote: String
        var formOpen: Bool
    }

    /// A version in the list.
    struct Version: Encodable, Sendable {
        var label: String
        var note: String?
        var compareHref: String?
    }

    /// A passage of a comparison.
    struct DiffLine: Encodable, Sendable {
        var text: String
        var added: Bool
        var removed: Bool
    }

    var heading: String
    var authority: String
    var status: String
    var open: Bool
    var signedIn: Bool
    var signInHref: String
    var commentHref: String
    var passages: [Passage]
    var earlier: [Thread]
    var hasEarlier: Bool
    var versions: [Version]
    var diff: [DiffLine]
    var diffHeading: String?
    var reasons: [FieldModel.Choice]
    /// The public report: every comment with how the authority handled it, once comments closed.
    var report: [ReportLine]
    var hasReport: Bool

    /// One comment in the report.
    struct ReportLine: Encodable, Sendable {
        var passage: String
        var comment: String
        var handling: String
        var response: String
    }

    /// Whether the page shows the form that came back (a passage of the current text, or a thread
    /// on it), so its message stands beside it; otherwise the message is only in the summary.
    var showsTheFormInError: Bool {
        passages.contains { $0.error != nil || $0.threads.contains { $0.replyError != nil } }
    }

    static func make(
        _ consultation: Consultation, versions: [DraftVersion], comments: [DraftComment], authority: String,
        compare: (Int, [TextDiff.Line])?, signedIn: Bool, problem: FormProblem?, now: Int, path: String,
        language: Language
    ) -> ConsultationPageModel {
        let catalog = Catalog.shipped
        let current = versions.last
        let replies = Dictionary(grouping: comments.filter { $0.parentID != nil }) { $0.parentID ?? "" }
        let hidden = { (comment: DraftComment) -> String? in
            comment.moderation.map {
                catalog.text("comment_hidden", language).replacingOccurrences(
                    of: "{reason}", with: catalog.text("moderation_reason_\($0.rawValue)", language))
            }
        }
        let thread = { (comment: DraftComment) -> Thread in
            Thread(
                id: comment.id, author: comment.authorName, time: DisplayTime.dateTime(comment.createdAt, language),
                quote: comment.quote.isEmpty || comment.moderation != nil ? nil : comment.quote,
                body: comment.moderation == nil ? comment.body : "",
                handling: comment.handling.map { catalog.text("comment_handling_\($0.rawValue)", language) },
                response: comment.response,
                replies: (replies[comment.id] ?? []).map {
                    Reply(
                        id: $0.id, author: $0.authorName, time: DisplayTime.dateTime($0.createdAt, language),
                        body: $0.moderation == nil ? $0.body : "", hidden: hidden($0),
                        reportTarget: ContentReport.Target.comment($0.id).key)
                },
                replyError: problem?.parent == comment.id ? problem?.message : nil,
                replyText: problem?.parent == comment.id ? problem?.text ?? "" : "",
                replyOpen: problem?.parent == comment.id, hidden: hidden(comment),
                reportTarget: ContentReport.Target.comment(comment.id).key)
        }
        let topLevel = comments.filter { $0.parentID == nil }
        let passages = (current?.passages ?? []).enumerated().map { index, text in
            let threads = topLevel.filter { $0.version == current?.number && $0.passage == index }.map(thread)
            let mine = problem.map { $0.parent == nil && $0.passage == index } ?? false
            return Passage(
                index: index, number: String(index + 1), text: text, threads: threads,
                count: catalog.count("consultation_comment_count", threads.count, language),
                error: mine ? problem?.message : nil,
                errorOnQuote: mine && (problem?.field.hasSuffix("-quote") ?? false),
                typed: mine ? problem?.text ?? "" : "", quote: mine ? problem?.quote ?? "" : "", formOpen: mine)
        }
        let status =
            consultation.takesComments(at: now)
            ? catalog.text("consultation_comments_until", language).replacingOccurrences(
                of: "{date}", with: DisplayTime.dateTime(consultation.commentsUntil, language))
            : catalog.text("consultation_status_closed", language)
        return ConsultationPageModel(
            heading: consultation.title, authority: authority, status: status,
            open: consultation.takesComments(at: now), signedIn: signedIn,
            signInHref: Route.signIn.path(query: [("next", path)]),
            commentHref: Route.consultationComment.path(consultation.id), passages: passages,
            earlier: topLevel.filter { $0.version != current?.number }.map(thread),
            hasEarlier: topLevel.contains { $0.version != current?.number },
            versions: versions.map { version in
                Version(
                    label: catalog.text(
                        version.isFinal ? "consultation_version_final" : "consultation_version", language
                    )
                    .replacingOccurrences(of: "{n}", with: String(version.number))
                    .replacingOccurrences(of: "{date}", with: DisplayTime.dateTime(version.publishedAt, language)),
                    note: version.note.isEmpty ? nil : version.note,
                    compareHref: version.number == consultation.currentVersion
                        ? nil : Route.consultation.path(consultation.id) + "?compare=\(version.number)#changes")
            },
            diff: (compare?.1 ?? []).map {
                DiffLine(text: $0.text, added: $0.kind == .added, removed: $0.kind == .removed)
            },
            diffHeading: compare.map {
                catalog.text("consultation_changes_since", language).replacingOccurrences(of: "{n}", with: String($0.0))
            }, reasons: ModerationReasons.choices(language),
            report: consultation.takesComments(at: now)
                ? []
                : topLevel.filter { $0.moderation == nil }.map {
                    ReportLine(
                        passage: String($0.passage + 1), comment: $0.body,
                        handling: catalog.text(
                            $0.handling.map { "comment_handling_\($0.rawValue)" } ?? "comment_handling_pending",
                            language),
                        response: $0.response)
                }, hasReport: !consultation.takesComments(at: now) && topLevel.contains { $0.moderation == nil })
    }
}

/// `/budgets/{id}`: the projects with their costs, the ballot while voting, the results after.
struct BudgetPageModel: Encodable, Sendable {
    /// A project in the list, and as a choice on the ballot.
    struct Project: Encodable, Sendable {
        var id: String
        var title: String
        var body: String
        var cost: String
        var feasibility: String
        var review: String?
        var feasible: Bool
        var checked: Bool
        var votes: String?
        var funded: Bool
    }

    var heading: String
    var total: String
    var phase: String
    var voting: Bool
    var closed: Bool
    var votingUntil: String
    var ballots: String
    var projects: [Project]
    var chart: String?
    var chartTitle: String
    var signedIn: Bool
    var lowAssurance: Bool
    var voted: Bool
    var error: String?
    var signInHref: String
    var ballotHref: String
    /// Taking proposals: the form (with what was typed when it came back).
    var proposing: Bool
    var proposeHref: String
    var proposal: ProposalForm

    /// The proposal form's values and its one problem.
    struct ProposalForm: Encodable, Sendable {
        var title = ""
        var body = ""
        var cost = ""
        var titleError: String?
        var bodyError: String?
        var costError: String?
        /// The field in error and its message, for the summary at the top.
        var field: String
        var message: String

        /// What was typed, with `message` beside `field`.
        init(title: String = "", body: String = "", cost: String = "", field: String = "", message: String = "") {
            self.title = title
            self.body = body
            self.cost = cost
            self.field = field
            self.message = message
            titleError = field == "title" ? message : nil
            bodyError = field == "body" ? message : nil
            costError = field == "cost" ? message : nil
        }
    }

    static func make(
        _ budget: Budget, results: [(proposal: BudgetProposal, funded: Bool)], proposals: [BudgetProposal],
        principal: Principal?, voted: Bool, chosen: Set<String>, error: String?, proposal: ProposalForm?, now: Int,
        path: String, language: Language
    ) -> BudgetPageModel {
        let catalog = Catalog.shipped
        let funded = Set(results.filter(\.funded).map(\.proposal.id))
        let closed = budget.phase == .closed
        let title = catalog.text("budget_chart_title", language)
        return BudgetPageModel(
            heading: budget.title, total: Money.som(budget.total, language),
            phase: catalog.text("budget_phase_\(budget.phase.rawValue)", language),
            voting: budget.phase == .voting && now < budget.votingUntil, closed: closed,
            votingUntil: DisplayTime.dateTime(budget.votingUntil, language),
            ballots: catalog.count("budget_ballots", budget.ballots, language),
            projects: proposals.map { proposal in
                Project(
                    id: proposal.id, title: proposal.title, body: proposal.body,
                    cost: Money.som(proposal.cost, language),
                    feasibility: catalog.text("budget_feasibility_\(proposal.feasibility.rawValue)", language),
                    review: proposal.review.isEmpty ? nil : proposal.review,
                    feasible: proposal.feasibility == .feasible,
                    checked: chosen.contains(proposal.id),
                    votes: closed ? catalog.count("budget_approvals", proposal.votes, language) : nil,
                    funded: closed && funded.contains(proposal.id))
            },
            chart: closed && !results.isEmpty
                ? BarChart.svg(
                    title: title,
                    rows: results.map {
                        (
                            label: $0.proposal.title, value: Double($0.proposal.votes),
                            text: catalog.count("budget_approvals", $0.proposal.votes, language)
                        )
                    }) : nil,
            chartTitle: title, signedIn: principal != nil,
            lowAssurance: (principal?.assurance ?? .substantial) < .substantial, voted: voted, error: error,
            signInHref: Route.signIn.path(query: [("next", path)]), ballotHref: Route.budgetBallot.path(budget.id),
            proposing: budget.phase == .proposals, proposeHref: Route.budgetProposals.path(budget.id),
            proposal: proposal ?? ProposalForm())
    }
}

/// `/petitions/new`: the form to start a petition, with what was typed when it comes back.
struct NewPetitionPage: Encodable, Sendable {
    var title: String
    var body: String
    var days: String
    var levels: [FieldModel.Choice]
    var cities: [FieldModel.Choice]
    var titleError: String?
    var bodyError: String?
    var daysError: String?
    var levelError: String?
    var areaError: String?

    static func make(form: FormData?, error: (field: String, message: String)?, cities: [Region], language: Language)
        -> NewPetitionPage
    {
        let catalog = Catalog.shipped
        let level = form?["level"] ?? Petition.Level.national.rawValue
        let message = { (field: String) in error?.field == field ? error?.message : nil }
        return NewPetitionPage(
            title: String((form?["title"] ?? "").prefix(300)), body: String((form?["body"] ?? "").prefix(12_000)),
            days: String((form?["days"] ?? "90").prefix(5)),
            levels: Petition.Level.allCases.map {
                FieldModel.Choice(
                    value: $0.rawValue, label: catalog.text("petition_level_\($0.rawValue)", language),
                    selected: $0.rawValue == level)
            },
            cities: cities.map {
                FieldModel.Choice(value: $0.code, label: $0.name.text(language), selected: $0.code == form?["area"])
            },
            titleError: message("title"), bodyError: message("body"), daysError: message("days"),
            levelError: message("level"), areaError: message("area"))
    }
}
