import App
import ArgumentParser
import Foundation
import Ledger
import Logging
import Storage
import Synchronization
import Web

/// `tazakoom ledger …`: audits, receipts and signing for the transparency ledger.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Audit the transparency ledger, check receipts, sign checkpoints.",
        subcommands: [Verify.self, VerifyReceipt.self, Sign.self, Key.self, Reconcile.self]
    )

    /// Prints `invalid: …` and exits 1 for damage or a bad argument.
    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("invalid: \(message)\n".utf8))
        return ExitCode(1)
    }

    /// Options naming the ledger in a database.
    struct LedgerOptions: ParsableArguments {
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The ledger's origin (env TAZAKOOM_LEDGER_ORIGIN).") var origin =
            ProcessInfo.processInfo.environment["TAZAKOOM_LEDGER_ORIGIN"] ?? "tazakoom.kg/ledger"

        func open() async throws -> LedgerService {
            let db = try await Database.open(
                try DatabaseLocation(database.resolved), logger: Logger(label: "tazakoom.ledger"))
            do {
                try await Platform.migrator.migrate(db, logger: Logger(label: "tazakoom.ledger"))
                let keyFile = ProcessInfo.processInfo.environment["TAZAKOOM_LEDGER_KEY_FILE"]
                return try await LedgerService.open(
                    db, origin: origin, signingKey: try keyFile.map { try String(contentsOfFile: $0, encoding: .utf8) })
            } catch {
                await db.shutdown()
                throw error
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Full audit: recompute every hash, check every checkpoint; name the first bad index.",
            discussion:
                "Give --url to audit a running platform through its public endpoints, or --database-url to audit a database directly."
        )
        @Option(help: "Base URL of a Taza Koom platform, e.g. https://portal.example.kg") var url: String?
        @Option(name: .customLong("database-url"), help: "Audit this database instead of a URL.") var databaseURL:
            String?
        @Option(
            help: "The ledger's verifier key (name+id+key). With --url, the key the log serves is used when missing.")
        var key: String?
        @Option(help: "The ledger's origin, with --database-url.") var origin =
            ProcessInfo.processInfo.environment["TAZAKOOM_LEDGER_ORIGIN"] ?? "tazakoom.kg/ledger"

        func validate() throws {
            try DatabaseOptions.refusePassword(
                in: databaseURL, option: "--database-url", variable: "TAZAKOOM_DATABASE_URL")
        }

        func run() async throws {
            let progress = Progress()
            do {
                let report: AuditReport
                if let url {
                    guard let base = URL(string: url), base.scheme != nil else {
                        throw LedgerCommand.fail("--url is not a URL")
                    }
                    let verifier: NoteVerifier
                    if let key {
                        verifier = try NoteVerifier(encoded: key)
                    } else {
                        FileHandle.standardError.write(
                            Data("note: no --key given; trusting the key the log itself serves\n".utf8))
                        verifier = try await HTTPLedgerReader.publishedKey(at: base)
                    }
                    report = try await LedgerAuditor(verifier: verifier).audit(
                        HTTPLedgerReader(base: base, verifier: verifier), progress: progress.report)
                } else if let databaseURL = databaseURL ?? DatabaseOptions.fromEnvironment {
                    let db = try await Database.open(
                        try DatabaseLocation(databaseURL), logger: Logger(label: "tazakoom.ledger"))
                    do {
                        let ledger = try await LedgerService.open(db, origin: origin)
                        if let key, try NoteVerifier(encoded: key) != ledger.verifier {
                            throw LedgerError.corrupt(
                                index: nil, reason: "the database's signing key does not match --key")
                        }
                        report = try await ledger.audit(progress: progress.report)
                        await db.shutdown()
                    } catch {
                        await db.shutdown()
                        throw error
                    }
                } else {
                    throw LedgerCommand.fail("give --url or --database-url")
                }
                progress.finish()
                print(
                    "valid: \(report.size) entries, root \(report.root.base64), \(report.checkpointsVerified) checkpoints verified"
                )
            } catch let error as LedgerError {
                progress.finish()
                throw LedgerCommand.fail(error.description)
            }
        }
    }

    struct VerifyReceipt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a c2sp.org/tlog-proof receipt offline against the ledger's key.")
        @Argument(help: "The receipt file (as served at /ledger/receipt/{index}).") var receipt: String
        @Option(help: "The ledger's verifier key (name+id+key).") var key: String

        func run() async throws {
            do {
                guard let data = FileManager.default.contents(atPath: receipt) else {
                    throw LedgerCommand.fail("cannot read \(receipt)")
                }
                let verified = try Receipt.verify(
                    String(decoding: data, as: UTF8.self), verifier: try NoteVerifier(encoded: key))
                print(
                    "valid: entry \(verified.index) is in the log of \(verified.checkpoint.size) entries signed by \(verified.checkpoint.origin)"
                )
                if let entry = verified.entry { print(String(decoding: entry, as: UTF8.self)) }
            } catch let error as LedgerError {
                throw LedgerCommand.fail(error.description)
            }
        }
    }

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Audit the log and sign a checkpoint now.")
        @OptionGroup var options: LedgerOptions
        @Option(name: .customLong("checkpoint-file"), help: "Also remember the checkpoint in this file.")
        var checkpointFile: String?

        func run() async throws {
            let ledger = try await options.open()
            do {
                // An operator's signing vouches for the whole log, not only what was appended.
                let signed = try await ledger.signAndRemember(
                    checkpointFile.map(CheckpointFile.init(path:)), wholeLog: true)
                print(signed.note, terminator: "")
                await ledger.database.shutdown()
            } catch let error as LedgerError {
                await ledger.database.shutdown()
                throw LedgerCommand.fail(error.description)
            }
        }
    }

    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare every record the ledger speaks for with its latest seal; name each that differs.",
            discussion: """
                Checks applications, cases and their histories, documents, registry records and accounts \
                against the seals in the ledger, and the remembered seals against the log itself. Prints \
                one line per record changed, deleted or inserted outside the platform and exits 1 if there \
                is any. --seal-unsealed seals, once, the records of a database made before seals existed.
                """)
        @OptionGroup var options: LedgerOptions
        @Flag(help: "Seal every record that has no seal yet (once, after upgrading an older database).")
        var sealUnsealed = false

        func run() async throws {
            let ledger = try await options.open()
            let reconciler = Platform.reconciler(ledger)
            let progress = Progress()
            do {
                if sealUnsealed {
                    let count = try await reconciler.sealUnsealed { done in
                        progress.draw(0, 0, "\(done) records sealed")
                    }
                    progress.finish()
                    print("sealed: \(count) records that had no seal")
                    await ledger.database.shutdown()
                    return
                }
                let size = try await ledger.head().size
                let report = try await reconciler.full { step, done in
                    switch step {
                    case "log": progress.draw(done, size, "\(done)/\(size) entries")
                    default: progress.draw(0, 0, "\(done) \(step) checked")
                    }
                }
                progress.finish()
                await ledger.database.shutdown()
                for finding in report.findings { print(finding) }
                if report.clean {
                    print("reconciled: \(report.checked) records match their seals")
                } else {
                    throw LedgerCommand.fail(
                        "\(report.findings.count) of \(report.checked) records do not match the ledger")
                }
            } catch let error as LedgerError {
                progress.finish()
                await ledger.database.shutdown()
                throw LedgerCommand.fail(error.description)
            }
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the ledger's public verifier key.")
        @OptionGroup var options: LedgerOptions

        func run() async throws {
            let ledger = try await options.open()
            print(ledger.verifier.encoded)
            await ledger.database.shutdown()
        }
    }
}

/// A progress line on standard error for long jobs (audits, imports), redrawn at most a few times a second.
final class Progress: Sendable {
    private let state = Mutex((last: ContinuousClock.now, shown: false))

    func report(_ done: Int, _ total: Int) {
        draw(done, total, "\(done)/\(total) entries")
    }

    /// Draws a bar for `done` of `total` followed by `text`.
    func draw(_ done: Int, _ total: Int, _ text: String) {
        let now = ContinuousClock.now
        let draw = state.withLock { state -> Bool in
            guard state.last.duration(to: now) > .milliseconds(200) || done == total else { return false }
            state.last = now
            state.shown = true
            return true
        }
        guard draw else { return }
        let percent = total > 0 ? done * 100 / total : 100
        let width = 30
        let filled = total > 0 ? done * width / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(percent)%  \(text)   ".utf8))
    }

    func finish() {
        if state.withLock({ $0.shown }) { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
