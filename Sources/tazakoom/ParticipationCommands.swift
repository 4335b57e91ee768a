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
            abstract: "Recount a petition's signatures from the transparency ledger alone.",
            discussion: """
                Reads every ledger entry (over HTTP from --url, as anyone can, or from --database-url) and counts the \
                petition's signatures minus withdrawals, one per signer. With --database-url it also compares the \
                count with the published tally and exits with 2 when they differ.
                """)

        @Argument(help: "The petition's id.") var petition: String
        @Option(help: "Base URL of a Taza Koom platform, e.g. https://portal.example.kg") var url: String?
        @Option(help: "The ledger's verifier key (name+id+key); with --url.") var key: String?
        @Option(name: .customLong("database-url"), help: "Read this database instead of a URL.") var databaseURL:
            String?

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
                let tally = try await PetitionRecount.tally(petition) { from, limit in
                    progress.report(min(from, size), size)
                    return try await reader.entries(from: from, limit: limit)
                }
                progress.finish()
                say("Recounted from the ledger at \(url): \(tally) signatures (\(size) entries read).")
                return
            }
            guard let databaseURL else { throw ValidationError("give --url or --database-url") }
            let database = try await Database.open(
                try DatabaseLocation(databaseURL), logger: Logger(label: "tazakoom.participation"))
            do {
                let ledger = try await LedgerService.open(database, origin: "recount")
                let size = try await ledger.head().size
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
                throw ValidationError("no petition \(petition) in this database")
            } catch {
                await database.shutdown()
                throw error
            }
        }
    }
}
