import Ledger

/// Where budgets, proposals and ballots live; `SQLBudgetStore` is the one implementation.
public protocol BudgetStore: Sendable {
    func insert(_ budget: Budget, voterKey: String, event: LedgerEvent) async throws
    /// A budget and the key its voters' pseudonyms are made with.
    func budget(_ id: String) async throws -> (budget: Budget, voterKey: String)?
    func budgets(limit: Int) async throws -> [Budget]
    /// Stores a proposal if the budget is in its proposals phase; false otherwise.
    func insert(_ proposal: BudgetProposal, event: LedgerEvent) async throws -> Bool
    func proposals(of budgetID: String) async throws -> [BudgetProposal]
    /// Records a review if the budget is in its review phase; false otherwise.
    func review(
        _ proposalID: String, of budgetID: String, feasibility: BudgetProposal.Feasibility, cost: Int,
        review: String, event: LedgerEvent
    ) async throws -> Bool
    /// Moves the budget from `from` to `to`; false if it was not in `from`.
    func advance(_ budgetID: String, from: Budget.Phase, to: Budget.Phase, event: LedgerEvent) async throws -> Bool
    /// Whether `voter` (a pseudonym) has cast a ballot in the budget.
    func hasVoted(_ budgetID: String, voter: String) async throws -> Bool
    /// Counts one ballot per voter: stores it, adds one vote to each chosen proposal and appends
    /// `events`, in one transaction. Nil if the budget is not voting at `now`.
    func cast(_ budgetID: String, voter: String, choices: [String], now: Int, events: [LedgerEvent]) async throws
        -> BallotOutcome?
}
