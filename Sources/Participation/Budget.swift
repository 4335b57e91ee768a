/// A city's participatory budget: people propose projects, officials review whether each is
/// feasible and what it costs, then people vote with approval ballots that must fit the budget
/// (a knapsack: the chosen projects' costs together at most the total), and the most approved
/// projects that fit are funded.
public struct Budget: Sendable, Equatable {
    /// The phases, in order.
    public enum Phase: String, Sendable, Codable, CaseIterable {
        case proposals, review, voting, closed
    }

    public var id: String
    /// The city hall that runs it (agency code), and the area its voters live in (region code).
    public var authority: String
    public var area: String
    public var title: String
    /// In whole som.
    public var total: Int
    public var phase: Phase
    public var votingUntil: Int
    public var createdAt: Int
    public var ballots: Int

    public init(
        id: String, authority: String, area: String, title: String, total: Int, phase: Phase, votingUntil: Int,
        createdAt: Int, ballots: Int
    ) {
        self.id = id
        self.authority = authority
        self.area = area
        self.title = title
        self.total = total
        self.phase = phase
        self.votingUntil = votingUntil
        self.createdAt = createdAt
        self.ballots = ballots
    }
}

/// A project proposed for a budget.
public struct BudgetProposal: Sendable, Equatable {
    /// The officials' review.
    public enum Feasibility: String, Sendable, Codable, CaseIterable {
        case pending, feasible, unfeasible
    }

    public var id: String
    public var budgetID: String
    public var title: String
    public var body: String
    /// In whole som, as reviewed.
    public var cost: Int
    public var feasibility: Feasibility
    /// Why it was found unfeasible, or what the review changed.
    public var review: String
    public var votes: Int

    public init(
        id: String, budgetID: String, title: String, body: String, cost: Int, feasibility: Feasibility, review: String,
        votes: Int
    ) {
        self.id = id
        self.budgetID = budgetID
        self.title = title
        self.body = body
        self.cost = cost
        self.feasibility = feasibility
        self.review = review
        self.votes = votes
    }
}

/// The outcome of casting a ballot.
public enum BallotOutcome: Sendable, Equatable {
    case cast
    /// This person had voted already; nothing changed.
    case alreadyVoted
}
