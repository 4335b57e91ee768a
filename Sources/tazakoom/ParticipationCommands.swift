import ArgumentParser
import Foundation
import Ledger
import Logging
import Participation
import Storage

/// `tazakoom participation …`: the auditor's tools for e-participation.
struct ParticipationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "participation", abstract: "Check e-participation tallies.", subcommands: [Recount.self])

    /// `tazakoom participation recount PETITION`: the tally from the ledger alone.
    struct Recount: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recount a petition's signatures or a budget's votes from the transparency ledger alone.",
            discussion: """
                Reads every ledger entry (over HTTP from --url, as anyone can, or from --database-url) and counts the \
                petition's signatures minus withdrawals, one per signer; with --budget, each project's approvals, one \
                per voter. With --database-url it also compares the count with the published tally and exits with 2 \
                when they differ.
                """)

        @Argument(help: "The petition's id (or the budget's, with --budget).") var petition: String
        @Flag(help: "The id is a participatory budget's: recount each project's votes.") var budget = false
        @Option(help: "Base URL of a Taza Koom platform, e.g. https://portal.example.kg") var url: String?
        @Option(help: "The ledger's verifier key (name+id+key); with --url.") var key: String?
        @Option(name: .customLong("database-url"), help: "Read this database instead of a URL.") var databaseURL:
            String?

        func validate() throws {
            try DatabaseOptions.refusePassword(
                in: databaseURL, option: "--database-url", variable: "TAZAKOOM_DATABASE_URL")
        }

        func run() async throws {
            let progress = Progress()
            if let url {
                guard let base = URL(string: url), base.scheme != nil else {
                    throw ValidationError("--url is not a URL")
                }
                let verifier: NoteVerifier
                if let key {
                    verifier = try NoteVerifier(encoded: key)
                } else {
                    verifier = try await HTTPLedgerReader.publishedKey(at: base)
                }
                let reader = HTTPLedgerReader(base: base, verifier: verifier)
                let size = try await reader.head().size
                if budget {
                    let votes = try await BudgetRecount.tally(petition) { from, limit in
                        progress.report(min(from, size), size)
                        return try await reader.entries(from: from, limit: limit)
                    }
                    progress.finish()
                    say("Recounted from the ledger at \(url) (\(size) entries read); votes per project:")
                    for (project, count) in votes.sorted(by: { $0.key < $1.key }) { say("\(project) \(count)") }
                    return
                }
                let tally = try await PetitionRecount.tally(petition) { from, limit in
                    progress.report(min(from, size), size)
                    return try await reader.entries(from: from, limit: limit)
                }
                progress.finish()
                say("Recounted from the ledger at \(url) (\(size) entries read); signatures: \(tally)")
                return
            }
            guard let databaseURL = databaseURL ?? DatabaseOptions.fromEnvironment else {
                throw ValidationError("give --url or --database-url (or TAZAKOOM_DATABASE_URL)")
            }
            let database = try await Database.open(
                try DatabaseLocation(databaseURL), logger: Logger(label: "tazakoom.participation"))
            do {
                let ledger = try await LedgerService.open(database, origin: "recount")
                let size = try await ledger.head().size
                if budget {
                    let votes = try await BudgetRecount.tally(petition) { from, limit in
                        progress.report(min(from, size), size)
                        return try await ledger.entries(from: from, limit: limit)
                    }
                    progress.finish()
                    let service = BudgetService(store: SQLBudgetStore(database: database, ledger: ledger))
                    let published = try await service.proposals(of: try await service.budget(petition).id)
                    await database.shutdown()
                    var differs = false
                    for proposal in published {
                        let counted = votes[proposal.id] ?? 0
                        say("\(proposal.id) \(counted) (published: \(proposal.votes)) \(proposal.title)")
                        differs = differs || counted != proposal.votes
                    }
                    if differs {
                        say("A tally differs from the ledger: run `tazakoom ledger verify` to find the altered entry.")
                        throw ExitCode(2)
                    }
                    return
                }
                let tally = try await PetitionRecount.tally(petition) { from, limit in
                    progress.report(min(from, size), size)
                    return try await ledger.entries(from: from, limit: limit)
                }
                progress.finish()
                let published = try await PetitionService(store: SQLPetitionStore(database: database, ledger: ledger))
                    .petition(petition).signatures
                await database.shutdown()
                say("Recounted from the ledger: \(tally) signatures; published: \(published).")
                if tally != published {
                    say("The tally differs from the ledger: run `tazakoom ledger verify` to find the altered entry.")
                    throw ExitCode(2)
                }
            } catch let error as ExitCode {
                throw error
            } catch ParticipationError.notFound {
                await database.shutdown()
                throw ValidationError("no \(budget ? "budget" : "petition") \(petition) in this database")
            } catch {
                await database.shutdown()
                throw error
            }
        }
    }
}
