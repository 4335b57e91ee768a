import Core
import Foundation
import Identity
import Ledger
import Participation
import SQLKit
import Storage
import Synchronization
import TestSupport
import Testing

/// Participatory budgets: phases, reviews by the city hall, knapsack ballots that must fit the
/// budget, one ballot per person under concurrent attempts, results and a recount from the ledger.
@Suite struct BudgetTests {
    static let official = Principal(
        pin: "21503198500001", displayName: "Official",
        post: OfficialPost(agencyCode: "BCH", position: "Budget office", roles: [.head]))

    static func with(
        _ engine: TestEngine, clock: Clock = .system,
        _ body: (BudgetService, LedgerService, Database) async throws -> Void
    ) async throws {
        try await engine.withDatabase(migrations: LedgerMigrations.all + ParticipationMigrations.all) { database in
            let ledger = try await LedgerService.open(database, origin: "participation.test/ledger")
            try await body(
                BudgetService(store: SQLBudgetStore(database: database, ledger: ledger), clock: clock), ledger, database
            )
        }
    }

    /// A budget of 1,000,000 som in voting with projects costing 600k, 300k, 200k and an unfeasible one.
    static func votingBudget(_ service: BudgetService) async throws -> (Budget, [BudgetProposal]) {
        let budget = try await service.open(
            title: "Bishkek 2027", total: 1_000_000, authority: "BCH", area: "BIS", by: official)
        var proposals: [BudgetProposal] = []
        for (n, (title, cost)) in [
            ("A new playground", 600_000), ("Benches in Oak park", 300_000),
            ("Bicycle racks downtown", 200_000), ("A metro line", 900_000),
        ].enumerated() {
            proposals.append(
                try await service.propose(
                    budget.id, title: title, body: "A project that residents of the city have asked for.", cost: cost,
                    by: PetitionTests.person(100 + n)))
        }
        #expect(try await service.advance(budget.id, by: official) == .review)
        for proposal in proposals {
            let feasible = proposal.title != "A metro line"
            try await service.review(
                proposal.id, of: budget.id, feasible: feasible, cost: proposal.cost,
                reason: feasible ? "" : "The city cannot build a metro from this budget.", by: official)
        }
        #expect(try await service.advance(budget.id, by: official) == .voting)
        return (budget, proposals)
    }

    @Test(arguments: TestEngine.available)
    func ballotsMustFitTheBudgetAndCountOncePerPerson(engine: TestEngine) async throws {
        try await Self.with(engine) { service, ledger, database in
            let (budget, p) = try await Self.votingBudget(service)
            let before = try await ledger.head().size
            await #expect(throws: ParticipationError.overBudget(cost: 1_100_000, total: 1_000_000)) {
                _ = try await service.vote(
                    budget.id, for: [p[0].id, p[1].id, p[2].id], by: PetitionTests.person(1), region: "BIS")
            }
            await #expect(throws: ParticipationError.self, "an unfeasible project") {
                _ = try await service.vote(budget.id, for: [p[3].id], by: PetitionTests.person(1), region: "BIS")
            }
            await #expect(throws: ParticipationError.self, "twice the same project") {
                _ = try await service.vote(
                    budget.id, for: [p[2].id, p[2].id], by: PetitionTests.person(1), region: "BIS")
            }
            await #expect(throws: ParticipationError.self, "nothing chosen") {
                _ = try await service.vote(budget.id, for: [], by: PetitionTests.person(1), region: "BIS")
            }
            await #expect(throws: ParticipationError.self, "not a resident") {
                _ = try await service.vote(budget.id, for: [p[2].id], by: PetitionTests.person(1), region: "OSC")
            }
            await #expect(throws: ParticipationError.assuranceTooLow) {
                _ = try await service.vote(budget.id, for: [p[2].id], by: PetitionTests.person(1, .low), region: "BIS")
            }
            #expect(try await ledger.head().size == before, "nothing was stored")

            // One person ten times at once, and five others.
            let outcomes = try await withThrowingTaskGroup(of: BallotOutcome.self) { group in
                for attempt in 0..<15 {
                    group.addTask {
                        try await service.vote(
                            budget.id, for: [p[0].id, p[1].id], by: PetitionTests.person(attempt < 10 ? 1 : attempt),
                            region: "BIS")
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .cast }.count == 6)
            _ = try await service.vote(budget.id, for: [p[1].id, p[2].id], by: PetitionTests.person(50), region: "BIS")
            #expect(try await service.budget(budget.id).ballots == 7)
            let results = try await service.results(budget.id)
            #expect(results.map(\.proposal.votes) == [7, 6, 1])
            #expect(results.map(\.funded) == [true, true, false], "300k + 600k funded; 200k no longer fits")

            let recount = { try await BudgetRecount.tally(budget.id) { try await ledger.entries(from: $0, limit: $1) } }
            #expect(try await recount() == [p[1].id: 7, p[0].id: 6, p[2].id: 1])

            #expect(try await service.advance(budget.id, by: Self.official) == .closed)
            await #expect(throws: ParticipationError.closed, "voting after close") {
                _ = try await service.vote(budget.id, for: [p[2].id], by: PetitionTests.person(60), region: "BIS")
            }
            #expect(try await service.budget(budget.id).ballots == 7)

            // One approval's entry rewritten to another project: the recount no longer agrees.
            let entries = try await ledger.entries(from: 0, limit: 10_000)
            let (index, body) = try #require(
                entries.first { (try? LedgerEvent(canonical: $0.body))?.subject.hasSuffix(p[2].id) == true })
            var forged = try LedgerEvent(canonical: body)
            forged.subject = forged.subject.replacingOccurrences(of: p[2].id, with: p[0].id)
            let bytes = forged.canonicalBytes
            try await database.withConnection { sql in
                try await sql.raw("UPDATE ledger_entries SET body = \(bind: bytes) WHERE idx = \(bind: index)").run()
            }
            #expect(try await recount() != [p[1].id: 7, p[0].id: 6, p[2].id: 1])
            await #expect(throws: (any Error).self, "and the ledger's own audit fails") { _ = try await ledger.audit() }
        }
    }

    @Test(arguments: TestEngine.available)
    func phasesAndReviewsBelongToTheCityHall(engine: TestEngine) async throws {
        try await Self.with(engine) { service, _, _ in
            let budget = try await service.open(
                title: "Osh 2027", total: 500_000, authority: "BCH", area: "BIS", by: Self.official)
            let other = Principal(
                pin: "21503198500009", displayName: "Other",
                post: OfficialPost(
                    agencyCode: "OCH", position: "Head", roles: [.head]))
            await #expect(throws: ParticipationError.forbidden) { _ = try await service.advance(budget.id, by: other) }
            await #expect(throws: ParticipationError.self, "over the whole budget") {
                _ = try await service.propose(
                    budget.id, title: "A stadium", body: "A stadium for the whole city to enjoy.", cost: 600_000,
                    by: PetitionTests.person(1))
            }
            let proposal = try await service.propose(
                budget.id, title: "A library", body: "A small library in the micro-district.", cost: 100_000,
                by: PetitionTests.person(1))
            await #expect(throws: ParticipationError.closed, "reviews wait for the review phase") {
                try await service.review(
                    proposal.id, of: budget.id, feasible: true, cost: 100_000, reason: "", by: Self.official)
            }
            _ = try await service.advance(budget.id, by: Self.official)
            await #expect(throws: ParticipationError.closed, "proposals are over") {
                _ = try await service.propose(
                    budget.id, title: "A late idea", body: "An idea that came after the deadline.", cost: 1_000,
                    by: PetitionTests.person(2))
            }
            await #expect(throws: ParticipationError.self, "unfeasible needs a reason") {
                try await service.review(
                    proposal.id, of: budget.id, feasible: false, cost: 100_000, reason: "", by: Self.official)
            }
        }
    }
}
