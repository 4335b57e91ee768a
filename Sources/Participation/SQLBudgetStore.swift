import Foundation
import Ledger
import SQLKit
import Storage

/// Budgets, proposals and ballots (`participation_budgets`, `participation_proposals`,
/// `participation_ballots`) on SQLite or PostgreSQL. One ballot per voter rests on the ballots'
/// primary key, as one signature per signer does for petitions.
public struct SQLBudgetStore: BudgetStore {
    let database: Database
    let ledger: LedgerService

    public init(database: Database, ledger: LedgerService) {
        self.database = database
        self.ledger = ledger
    }

    public func insert(_ budget: Budget, voterKey: String, event: LedgerEvent) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO participation_budgets (id, authority, area, title, total, phase, voting_until, created_at,
                  ballots, voter_key)
                VALUES (\(bind: budget.id), \(bind: budget.authority), \(bind: budget.area), \(bind: budget.title),
                  \(bind: budget.total), \(bind: budget.phase.rawValue), \(bind: budget.votingUntil), \(bind: budget.createdAt),
                  0, \(bind: voterKey))
                """
            ).run()
            _ = try await ledger.append([event], on: sql)
        }
    }

    public func budget(_ id: String) async throws -> (budget: Budget, voterKey: String)? {
        try await database.withConnection { sql in
            guard let row = try await sql.raw("SELECT * FROM participation_budgets WHERE id = \(bind: id)").first()
            else { return nil }
            return (try Self.budget(row), try row.decode(column: "voter_key", as: String.self))
        }
    }

    public func budgets(limit: Int) async throws -> [Budget] {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT * FROM participation_budgets ORDER BY created_at DESC, id LIMIT \(literal: max(1, limit))"
            ).all().map(Self.budget)
        }
    }

    private static func budget(_ row: any SQLRow) throws -> Budget {
        Budget(
            id: try row.decode(column: "id", as: String.self),
            authority: try row.decode(column: "authority", as: String.self),
            area: try row.decode(column: "area", as: String.self),
            title: try row.decode(column: "title", as: String.self),
            total: try row.decode(column: "total", as: Int.self),
            phase: Budget.Phase(rawValue: try row.decode(column: "phase", as: String.self)) ?? .closed,
            votingUntil: try row.decode(column: "voting_until", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: Int.self),
            ballots: try row.decode(column: "ballots", as: Int.self))
    }

    public func insert(_ proposal: BudgetProposal, event: LedgerEvent) async throws -> Bool {
        try await database.transaction { sql in
            guard try await Self.lock(proposal.budgetID, in: .proposals, on: sql) else { return false }
            try await sql.raw(
                """
                INSERT INTO participation_proposals (id, budget_id, title, body, cost, feasibility, review, votes)
                VALUES (\(bind: proposal.id), \(bind: proposal.budgetID), \(bind: proposal.title), \(bind: proposal.body),
                  \(bind: proposal.cost), 'pending', '', 0)
                """
            ).run()
            _ = try await ledger.append([event], on: sql)
            return true
        }
    }

    /// Takes the budget's row for this transaction if it is in `phase`.
    private static func lock(_ budgetID: String, in phase: Budget.Phase, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw(
            """
            UPDATE participation_budgets SET ballots = ballots WHERE id = \(bind: budgetID) AND phase = \(bind: phase.rawValue)
            RETURNING id
            """
        ).first() != nil
    }

    public func proposals(of budgetID: String) async throws -> [BudgetProposal] {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT * FROM participation_proposals WHERE budget_id = \(bind: budgetID) ORDER BY votes DESC, cost, id"
            ).all().map { row in
                BudgetProposal(
                    id: try row.decode(column: "id", as: String.self),
                    budgetID: try row.decode(column: "budget_id", as: String.self),
                    title: try row.decode(column: "title", as: String.self),
                    body: try row.decode(column: "body", as: String.self),
                    cost: try row.decode(column: "cost", as: Int.self),
                    feasibility: BudgetProposal.Feasibility(
                        rawValue: try row.decode(column: "feasibility", as: String.self)) ?? .pending,
                    review: try row.decode(column: "review", as: String.self),
                    votes: try row.decode(column: "votes", as: Int.self))
            }
        }
    }

    public func review(
        _ proposalID: String, of budgetID: String, feasibility: BudgetProposal.Feasibility, cost: Int,
        review: String, event: LedgerEvent
    ) async throws -> Bool {
        try await database.transaction { sql in
            guard try await Self.lock(budgetID, in: .review, on: sql),
                try await sql.raw(
                    """
                    UPDATE participation_proposals SET feasibility = \(bind: feasibility.rawValue), cost = \(bind: cost),
                      review = \(bind: review)
                    WHERE id = \(bind: proposalID) AND budget_id = \(bind: budgetID) RETURNING id
                    """
                ).first() != nil
            else { return false }
            _ = try await ledger.append([event], on: sql)
            return true
        }
    }

    public func advance(_ budgetID: String, from: Budget.Phase, to: Budget.Phase, event: LedgerEvent) async throws
        -> Bool
    {
        try await database.transaction { sql in
            guard
                try await sql.raw(
                    """
                    UPDATE participation_budgets SET phase = \(bind: to.rawValue)
                    WHERE id = \(bind: budgetID) AND phase = \(bind: from.rawValue) RETURNING id
                    """
                ).first() != nil
            else { return false }
            _ = try await ledger.append([event], on: sql)
            return true
        }
    }

    public func hasVoted(_ budgetID: String, voter: String) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT 1 AS found FROM participation_ballots WHERE budget_id = \(bind: budgetID) AND voter = \(bind: voter)"
            ).first() != nil
        }
    }

    public func cast(_ budgetID: String, voter: String, choices: [String], now: Int, events: [LedgerEvent]) async throws
        -> BallotOutcome?
    {
        try await database.transaction { sql in
            guard
                try await sql.raw(
                    """
                    UPDATE participation_budgets SET ballots = ballots
                    WHERE id = \(bind: budgetID) AND phase = 'voting' AND voting_until > \(bind: now) RETURNING id
                    """
                ).first() != nil
            else { return nil }
            guard
                try await sql.raw(
                    """
                    INSERT INTO participation_ballots (budget_id, voter, cast_at) VALUES (\(bind: budgetID), \(bind: voter), \(bind: now))
                    ON CONFLICT (budget_id, voter) DO NOTHING RETURNING voter
                    """
                ).first() != nil
            else { return .alreadyVoted }
            try await sql.raw(
                "UPDATE participation_proposals SET votes = votes + 1 WHERE budget_id = \(bind: budgetID) AND id IN ("
                    + .list(choices) + ")"
            ).run()
            try await sql.raw("UPDATE participation_budgets SET ballots = ballots + 1 WHERE id = \(bind: budgetID)")
                .run()
            _ = try await ledger.append(events, on: sql)
            return .cast
        }
    }
}
