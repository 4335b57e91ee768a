import App
import ArgumentParser
import Foundation
import Ledger
import Logging
import Storage

/// `tazakoom backup FILE`: an online, consistent copy of the SQLite database, its ledger verified.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the SQLite database while the platform runs, and verify the copy's ledger.",
        discussion: """
            The copy is one consistent snapshot (SQLite's VACUUM INTO), written to FILE, which must not exist. \
            For PostgreSQL use pg_basebackup and WAL archiving (docs/deployment.md).
            """)

    @OptionGroup var options: LedgerCommand.LedgerOptions
    @Argument(help: "Where to write the backup.") var file: String

    func run() async throws {
        let path = try options.sqlitePath()
        let progress = Progress()
        do {
            let outcome = try await SQLiteBackup.backup(
                databasePath: path, to: file, origin: options.origin, logger: Logger(label: "tazakoom.backup"),
                progress: progress.report)
            progress.finish()
            say("backup written to \(file): ledger of \(outcome.entries) entries verified, root \(outcome.root)")
        } catch {
            progress.finish()
            throw ValidationError("\(error)")
        }
    }
}

/// `tazakoom restore FILE`: puts a backup in place of the SQLite database, after checking it.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the SQLite database with a backup whose ledger verifies (stop the node first).",
        discussion: """
            The backup's ledger is verified whole. A backup behind a checkpoint already signed (the node's \
            checkpoint file, or the latest checkpoint of the database being replaced) is refused: restoring it \
            would fork the public ledger. --allow-rollback restores it anyway; publish why. After the move the \
            ledger is verified again where it lives.
            """)

    @OptionGroup var options: LedgerCommand.LedgerOptions
    @Argument(help: "The backup to restore.") var file: String
    @Option(help: "The node's checkpoint file (env TAZAKOOM_CHECKPOINT_FILE); default: beside the SQLite file.")
    var checkpointFile = ProcessInfo.processInfo.environment["TAZAKOOM_CHECKPOINT_FILE"]
    @Flag(help: "Restore even a backup behind a published checkpoint.") var allowRollback = false

    func run() async throws {
        let path = try options.sqlitePath()
        let progress = Progress()
        do {
            let outcome = try await SQLiteBackup.restore(
                from: file, to: path,
                checkpointFile: (checkpointFile ?? Serve.defaultCheckpointFile(for: options.database.resolved)).map(
                    CheckpointFile.init(path:)),
                allowRollback: allowRollback, origin: options.origin, logger: Logger(label: "tazakoom.restore"),
                progress: progress.report)
            progress.finish()
            say("restored \(file) to \(path): ledger of \(outcome.entries) entries verified, root \(outcome.root)")
        } catch {
            progress.finish()
            throw ValidationError("\(error)")
        }
    }
}

extension LedgerCommand.LedgerOptions {
    /// The SQLite file backups are for; PostgreSQL has its own tools.
    func sqlitePath() throws -> String {
        guard case .sqliteFile(let path) = try DatabaseLocation(database.resolved) else {
            throw ValidationError(BackupError.notSQLite.description)
        }
        return path
    }
}
