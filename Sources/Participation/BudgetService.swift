import Core
import Foundation
import Identity
import Ledger

/// Participatory budgets. A city hall's officials open a budget, review proposals (feasible or
/// not, at what cost) and move it through its phases; residents of substantial assurance propose
/// projects and cast one approval ballot each, which must fit the budget. Every step is a ledger
/// entry, a ballot naming the voter only by a pseudonym made for that budget, so anyone can recount.
public struct BudgetService: Sendable {
    let store: any BudgetStore
    let clock: Clock

    public init(store: any BudgetStore, clock: Clock = .system) {
        self.store = store
        self.clock = clock
    }

    public static let titleLength = 5...200
    public static let bodyLength = 20...5_000
    public static let reviewLength = 0...2_000
    public static let totalRange = 1_000...100_000_000_000
    public static let votingDays = 1...120

    /// Opens a budget of `total` som for `area`, taking proposals now; voting ends `days` from now.
    public func open(
        title: String, total: Int, authority: String, area: String, days: Int = 60, by official: Principal
    ) async throws -> Budget {
        try ConsultationService.mayRun(authority, official)
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [String: String] = [:]
        if let problem = PlainText.problem(title, Self.titleLength) { problems["title"] = problem }
        if !Self.totalRange.contains(total) { problems["total"] = "From 1,000 to 100,000,000,000 som." }
        if !Self.votingDays.contains(days) { problems["days"] = "From 1 to 120 days." }
        guard problems.isEmpty else { throw ParticipationError.invalid(problems) }
        let now = clock.seconds
        let budget = Budget(
            id: UUID().uuidString.lowercased(), authority: authority, area: area, title: title, total: total,
            phase: .proposals, votingUntil: now + days * 86_400, createdAt: now, ballots: 0)
        let key = Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255) })
        try await store.insert(
            budget, voterKey: key,
            event: try LedgerEvent(
                kind: "participation.budget.opened", actor: "agency:\(authority)", subject: "budget:\(budget.id)",
                time: now, details: ["title": title, "total": String(total), "area": area]))
        return budget
    }

    public func budget(_ id: String) async throws -> Budget {
        guard id.count <= 64, let (budget, _) = try await store.budget(id) else { throw ParticipationError.notFound }
        return budget
    }

    public func budgets(limit: Int = 50) async throws -> [Budget] { try await store.budgets(limit: limit) }

    public func proposals(of id: String) async throws -> [BudgetProposal] { try await store.proposals(of: id) }

    /// Whether `person` has voted in budget `id`.
    public func hasVoted(_ id: String, _ person: Principal) async throws -> Bool {
        guard let (_, key) = try await store.budget(id) else { return false }
        return try await store.hasVoted(id, voter: PetitionService.pseudonym(person.pin, key: key))
    }

    /// Proposes a project while the budget takes proposals.
    public func propose(_ id: String, title: String, body: String, cost: Int, by person: Principal) async throws
        -> BudgetProposal
    {
        guard person.assurance >= .substantial else { throw ParticipationError.assuranceTooLow }
        guard let (budget, key) = try await store.budget(id) else { throw ParticipationError.notFound }
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        let body = body.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [String: String] = [:]
        if let problem = PlainText.problem(title, Self.titleLength) { problems["title"] = problem }
        if let problem = PlainText.problem(body, Self.bodyLength) { problems["body"] = problem }
        if !(1...budget.total).contains(cost) { problems["cost"] = "From 1 som to the whole budget." }
        guard problems.isEmpty else { throw ParticipationError.invalid(problems) }
        let proposal = BudgetProposal(
            id: UUID().uuidString.lowercased(), budgetID: id, title: title, body: body, cost: cost,
            feasibility: .pending, review: "", votes: 0)
        let event = try LedgerEvent(
            kind: "participation.budget.proposed", actor: PetitionService.pseudonym(person.pin, key: key),
            subject: "budget:\(id)", time: clock.seconds,
            details: ["proposal": proposal.id, "title": title, "cost": String(cost)])
        guard try await store.insert(proposal, event: event) else { throw ParticipationError.closed }
        return proposal
    }

    /// The officials' review of a proposal, in the review phase.
    public func review(
        _ proposalID: String, of id: String, feasible: Bool, cost: Int, reason: String, by official: Principal
    ) async throws {
        let budget = try await budget(id)
        try ConsultationService.mayRun(budget.authority, official)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [String: String] = [:]
        if !(1...budget.total).contains(cost) { problems["cost"] = "From 1 som to the whole budget." }
        if let problem = PlainText.problem(reason, Self.reviewLength) { problems["reason"] = problem }
        if !feasible, reason.count < 10 { problems["reason"] = "Say why the project cannot be done." }
        guard problems.isEmpty else { throw ParticipationError.invalid(problems) }
        let feasibility: BudgetProposal.Feasibility = feasible ? .feasible : .unfeasible
        let event = try LedgerEvent(
            kind: "participation.budget.reviewed", actor: "agency:\(budget.authority)", subject: "budget:\(id)",
            time: clock.seconds,
            details: ["proposal": proposalID, "feasibility": feasibility.rawValue, "cost": String(cost)])
        guard
            try await store.review(
                proposalID, of: id, feasibility: feasibility, cost: cost, review: reason, event: event)
        else { throw ParticipationError.closed }
    }

    /// Moves the budget to its next phase.
    public func advance(_ id: String, by official: Principal) async throws -> Budget.Phase {
        let budget = try await budget(id)
        try ConsultationService.mayRun(budget.authority, official)
        let phases = Budget.Phase.allCases
        guard let index = phases.firstIndex(of: budget.phase), index + 1 < phases.count else {
            throw ParticipationError.closed
        }
        let next = phases[index + 1]
        let event = try LedgerEvent(
            kind: "participation.budget.phase", actor: "agency:\(budget.authority)", subject: "budget:\(id)",
            time: clock.seconds, details: ["phase": next.rawValue])
        guard try await store.advance(id, from: budget.phase, to: next, event: event) else {
            throw ParticipationError.closed
        }
        return next
    }

    /// Casts `voter`'s one ballot approving `choices`, which must be feasible projects of this
    /// budget costing no more than it holds. `region` is where the voter lives, from the population
    /// register: only the area's residents vote.
    public func vote(_ id: String, for choices: [String], by voter: Principal, region: String) async throws
        -> BallotOutcome
    {
        guard voter.assurance >= .substantial else { throw ParticipationError.assuranceTooLow }
        guard let (budget, key) = try await store.budget(id) else { throw ParticipationError.notFound }
        let now = clock.seconds
        guard budget.phase == .voting, now < budget.votingUntil else { throw ParticipationError.closed }
        guard region == budget.area else {
            throw ParticipationError.invalid(["choices": "Only residents of the budget's area vote."])
        }
        let feasible = Dictionary(
            uniqueKeysWithValues: try await store.proposals(of: id).filter { $0.feasibility == .feasible }.map {
                ($0.id, $0.cost)
            })
        let chosen = Set(choices)
        if chosen.isEmpty || chosen.count != choices.count || chosen.count > 100 {
            throw ParticipationError.invalid(["choices": "Choose at least one project, each once."])
        }
        guard chosen.allSatisfy({ feasible[$0] != nil }) else {
            throw ParticipationError.invalid(["choices": "Only reviewed, feasible projects of this budget."])
        }
        let cost = chosen.reduce(0) { $0 + (feasible[$1] ?? 0) }
        guard cost <= budget.total else { throw ParticipationError.overBudget(cost: cost, total: budget.total) }
        let sorted = chosen.sorted()
        let pseudonym = PetitionService.pseudonym(voter.pin, key: key)
        // One entry per approval, naming the project in its subject: the ledger keeps only a digest
        // of details, and a recount must see what each ballot approved.
        let events = try sorted.map { choice in
            try LedgerEvent(
                kind: "participation.budget.approved", actor: pseudonym, subject: Self.subject(id, choice), time: now,
                details: ["budget": id, "proposal": choice])
        }
        guard let outcome = try await store.cast(id, voter: pseudonym, choices: sorted, now: now, events: events)
        else { throw ParticipationError.closed }
        return outcome
    }

    /// The ledger subject of an approval of `proposal` in budget `id`.
    static func subject(_ id: String, _ proposal: String) -> String { "budget:\(id)/proposal:\(proposal)" }

    /// The projects by approvals, and which are funded: the most approved first, each that still
    /// fits in what is left.
    public func results(_ id: String) async throws -> [(proposal: BudgetProposal, funded: Bool)] {
        let budget = try await budget(id)
        var left = budget.total
        return try await store.proposals(of: id).filter { $0.feasibility == .feasible }.map { proposal in
            let funded = proposal.votes > 0 && proposal.cost <= left
            if funded { left -= proposal.cost }
            return (proposal, funded)
        }
    }
}

/// Recounts a budget's approvals from ledger entries alone: per project, the distinct voter
/// pseudonyms that approved it.
public enum BudgetRecount {
    public static func tally(_ budgetID: String, entries: (Int, Int) async throws -> [(index: Int, body: Data)])
        async throws -> [String: Int]
    {
        var voters: [String: Set<String>] = [:]
        var next = 0
        let prefix = BudgetService.subject(budgetID, "")
        while true {
            let page = try await entries(next, 1_000)
            guard let last = page.last else { break }
            for (_, body) in page {
                let event = try LedgerEvent(canonical: body)
                guard event.kind == "participation.budget.approved", event.subject.hasPrefix(prefix) else { continue }
                voters[String(event.subject.dropFirst(prefix.count)), default: []].insert(event.actor)
            }
            next = last.index + 1
        }
        return voters.mapValues(\.count)
    }
}
