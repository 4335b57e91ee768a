import App
import ArgumentParser
import Core
import Foundation
import Hummingbird
import Identity
import Logging
import Storage
import Web

/// The `tazakoom` command: runs the platform and its maintenance jobs.
@main
struct TazaKoom: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tazakoom",
        abstract: "Taza Koom digital-government platform.",
        subcommands: [
            Serve.self, Migrate.self, ImportCommand.self, ExportCommand.self, MerkleCommand.self, LedgerCommand.self,
            VerifyDocumentCommand.self, ExchangeCommand.self, ParticipationCommand.self, BackupCommand.self,
            RestoreCommand.self,
        ],
        defaultSubcommand: Serve.self
    )
}

/// Options shared by every command that touches the database.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: "postgres://user:pass@host:port/db, sqlite:PATH or a file path (env TAZAKOOM_DATABASE_URL).")
    var databaseURL: String?

    var resolved: String {
        databaseURL ?? Self.fromEnvironment ?? "sqlite:tazakoom.sqlite"
    }

    /// `TAZAKOOM_DATABASE_URL`, where a URL with a password belongs.
    static var fromEnvironment: String? { ProcessInfo.processInfo.environment["TAZAKOOM_DATABASE_URL"] }

    func validate() throws {
        try Self.refusePassword(in: databaseURL, option: "--database-url", variable: "TAZAKOOM_DATABASE_URL")
    }

    /// Secrets come from files or the environment: a password in an option would be shown by `ps`
    /// to every user of the machine, so it is refused with where to put it instead.
    static func refusePassword(in url: String?, option: String, variable: String) throws {
        guard let url, let location = try? DatabaseLocation(url), location.carriesPassword else { return }
        throw ValidationError(
            "\(option) carries a password, which `ps` shows to every user of this machine: give the URL in \(variable) instead"
        )
    }
}

/// `tazakoom serve`: migrate, seed the demo on first start, and serve HTTP.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the portal, back office and API.")

    @Option(help: "Address to listen on.") var host =
        ProcessInfo.processInfo.environment["TAZAKOOM_HOST"] ?? "127.0.0.1"
    @Option(help: "Port to listen on.") var port =
        Int(ProcessInfo.processInfo.environment["TAZAKOOM_PORT"] ?? "") ?? 8080
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Do not create the demo people, companies and accounts.") var noDemo = false
    @Flag(help: "Mark cookies Secure (set when served over HTTPS).") var secureCookies = false
    @Option(help: "The transparency ledger's name (env TAZAKOOM_LEDGER_ORIGIN).")
    var ledgerOrigin = ProcessInfo.processInfo.environment["TAZAKOOM_LEDGER_ORIGIN"] ?? "tazakoom.kg/ledger"
    @Option(
        help:
            "File with the ledger's signing key, PRIVATE+KEY+… (env TAZAKOOM_LEDGER_KEY_FILE); without it the key is kept in the database."
    )
    var ledgerKeyFile = ProcessInfo.processInfo.environment["TAZAKOOM_LEDGER_KEY_FILE"]
    @Option(
        help:
            "Where this node remembers the last signed checkpoint (env TAZAKOOM_CHECKPOINT_FILE); default: beside the SQLite file, or ./tazakoom.checkpoint."
    )
    var checkpointFile = ProcessInfo.processInfo.environment["TAZAKOOM_CHECKPOINT_FILE"]
    @Option(help: "Seconds between checkpoint signings; 0 signs only on demand.")
    var checkpointInterval = Int(ProcessInfo.processInfo.environment["TAZAKOOM_CHECKPOINT_INTERVAL"] ?? "") ?? 10
    @Option(help: "Synthetic residents in the demo population registry on first start (env TAZAKOOM_DEMO_SIZE).")
    var demoSize = Int(ProcessInfo.processInfo.environment["TAZAKOOM_DEMO_SIZE"] ?? "") ?? 1000

    /// Beside the SQLite file, or in the working directory for PostgreSQL; none for an in-memory database.
    static func defaultCheckpointFile(for databaseURL: String) -> String? {
        switch try? DatabaseLocation(databaseURL) {
        case .sqliteFile(let path): path + ".checkpoint"
        case .postgres: "tazakoom.checkpoint"
        default: nil
        }
    }

    @Option(
        help:
            "Also write every email and SMS the demo adapter would send to this file, one JSON per line (env TAZAKOOM_MESSAGE_FILE)."
    )
    var messageFile = ProcessInfo.processInfo.environment["TAZAKOOM_MESSAGE_FILE"]
    @Option(
        help:
            "Issuer of a national identification provider (OpenID Connect) to offer at sign-in (env TAZAKOOM_OIDC_ISSUER)."
    )
    var oidcIssuer = ProcessInfo.processInfo.environment["TAZAKOOM_OIDC_ISSUER"]
    @Option(help: "This platform's client id at that provider (env TAZAKOOM_OIDC_CLIENT_ID).")
    var oidcClientID = ProcessInfo.processInfo.environment["TAZAKOOM_OIDC_CLIENT_ID"] ?? "tazakoom"
    // Secrets come from a file or the environment, never the command line (where `ps` shows them).
    @Option(
        help: "A file holding the client secret, if the provider gave one (or env TAZAKOOM_OIDC_CLIENT_SECRET).")
    var oidcClientSecretFile: String?
    @Option(
        help:
            "PostgreSQL: seconds a request waits for a connection before it is answered 503; SQLite: seconds a wait for the connection lasts before it is logged (env TAZAKOOM_DATABASE_WAIT)."
    )
    var databaseWait = Int(ProcessInfo.processInfo.environment["TAZAKOOM_DATABASE_WAIT"] ?? "") ?? 30
    @Option(
        help:
            "Pages rendered at once while writes are handled; 0: no limit (env TAZAKOOM_PAGE_READ_SLOTS)."
    )
    var pageReadSlots =
        Int(ProcessInfo.processInfo.environment["TAZAKOOM_PAGE_READ_SLOTS"] ?? "")
        ?? AppConfiguration.defaultPageReadSlots
    @Option(
        help:
            "PostgreSQL: a streaming replica the open-data portal and its API read from (env TAZAKOOM_REPLICA_URL)."
    )
    var replicaURL: String?
    @Option(help: "Serve HTTPS with this PEM certificate chain (env TAZAKOOM_TLS_CERTIFICATE); needs --tls-key.")
    var tlsCertificate = ProcessInfo.processInfo.environment["TAZAKOOM_TLS_CERTIFICATE"]
    @Option(help: "The PEM private key of --tls-certificate (env TAZAKOOM_TLS_KEY).")
    var tlsKey = ProcessInfo.processInfo.environment["TAZAKOOM_TLS_KEY"]

    func validate() throws {
        try DatabaseOptions.refusePassword(in: replicaURL, option: "--replica-url", variable: "TAZAKOOM_REPLICA_URL")
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-certificate and --tls-key go together")
        }
    }

    /// The provider's client secret: from its file, else from the environment.
    func oidcClientSecret() throws -> String? {
        guard let oidcClientSecretFile else {
            return ProcessInfo.processInfo.environment["TAZAKOOM_OIDC_CLIENT_SECRET"]
        }
        do {
            return try String(contentsOfFile: oidcClientSecretFile, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
        } catch {
            throw ValidationError("cannot read --oidc-client-secret-file \(oidcClientSecretFile): \(error)")
        }
    }
    @Option(help: "The ID token claim holding the PIN (env TAZAKOOM_OIDC_PIN_CLAIM).")
    var oidcPINClaim = ProcessInfo.processInfo.environment["TAZAKOOM_OIDC_PIN_CLAIM"] ?? "pin"
    @Option(help: "SQLite: truncate the write-ahead log when it passes this many MiB (env TAZAKOOM_WAL_LIMIT_MB).")
    var walLimit = Int(ProcessInfo.processInfo.environment["TAZAKOOM_WAL_LIMIT_MB"] ?? "") ?? 64
    @Option(
        help:
            "Seconds between background audits of the whole ledger; 0 turns them off (env TAZAKOOM_AUDIT_INTERVAL)."
    )
    var auditInterval = Int(ProcessInfo.processInfo.environment["TAZAKOOM_AUDIT_INTERVAL"] ?? "") ?? 600
    @Option(help: "The address people reach this platform at, for the provider's callback (env TAZAKOOM_PUBLIC_URL).")
    var publicURL = ProcessInfo.processInfo.environment["TAZAKOOM_PUBLIC_URL"]
    @Option(help: "The largest CSV file the open-data portal loads, in MiB (env TAZAKOOM_DATASET_UPLOAD_LIMIT_MB).")
    var datasetUploadLimit = Int(ProcessInfo.processInfo.environment["TAZAKOOM_DATASET_UPLOAD_LIMIT_MB"] ?? "") ?? 512
    @Option(
        help:
            "Seconds between publications of the platform's own open data; 0 turns them off (env TAZAKOOM_OPEN_DATA_INTERVAL)."
    )
    var openDataInterval = Int(ProcessInfo.processInfo.environment["TAZAKOOM_OPEN_DATA_INTERVAL"] ?? "") ?? 3600
    @Option(
        help:
            "Signatures that oblige the state to answer a national petition (env TAZAKOOM_PETITION_THRESHOLD_NATIONAL)."
    )
    var petitionThresholdNational =
        Int(ProcessInfo.processInfo.environment["TAZAKOOM_PETITION_THRESHOLD_NATIONAL"] ?? "") ?? 10_000
    @Option(help: "Signatures that oblige a city to answer its petition (env TAZAKOOM_PETITION_THRESHOLD_CITY).")
    var petitionThresholdCity =
        Int(ProcessInfo.processInfo.environment["TAZAKOOM_PETITION_THRESHOLD_CITY"] ?? "") ?? 1_000
    @OptionGroup var exchange: ExchangeOptions

    func run() async throws {
        MemoryArenas.limit()
        // One access log line per request: written in batches, not one locked system call each.
        LoggingSystem.bootstrap { BufferedLogHandler(label: $0) }
        defer { BufferedLogOutput.standardError.flush() }
        var logger = Logger(label: "tazakoom")
        logger.logLevel =
            ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let clientSecret = try oidcClientSecret()
        var configuration = AppConfiguration(
            host: host, port: port, databaseURL: database.resolved,
            seedDemoData: !noDemo && ProcessInfo.processInfo.environment["TAZAKOOM_DEMO"] != "0",
            secureCookies: secureCookies || ProcessInfo.processInfo.environment["TAZAKOOM_SECURE_COOKIES"] == "1",
            ledgerOrigin: ledgerOrigin,
            ledgerKeyFile: ledgerKeyFile,
            checkpointFile: checkpointFile ?? Self.defaultCheckpointFile(for: database.resolved),
            checkpointIntervalSeconds: checkpointInterval,
            demoRegistrySize: max(0, demoSize),
            messageFile: messageFile,
            identityProvider: oidcIssuer.map {
                IdentityProviderSettings(
                    issuer: $0, clientID: oidcClientID, clientSecret: clientSecret,
                    redirectURI: (publicURL ?? "http://\(host):\(port)") + "/signin/national/callback",
                    pinClaim: oidcPINClaim)
            },
            walLimitMegabytes: walLimit,
            auditIntervalSeconds: auditInterval,
            exchange: exchange.settings(address: publicURL ?? "http://\(host):\(port)"),
            maximumDatasetUploadBytes: max(1, min(datasetUploadLimit, 65_536)) << 20,
            openDataIntervalSeconds: openDataInterval,
            petitionThresholds: (petitionThresholdNational, petitionThresholdCity)
        )
        configuration.databaseWaitSeconds = databaseWait
        configuration.pageReadSlots = pageReadSlots
        configuration.replicaURL = replicaURL ?? ProcessInfo.processInfo.environment["TAZAKOOM_REPLICA_URL"]
        if let tlsCertificate, let tlsKey {
            configuration.tls = TLSFiles(certificateChain: tlsCertificate, privateKey: tlsKey)
        }
        let app = try await buildApplication(configuration, logger: logger)
        if configuration.seedDemoData { printDemoAccounts() }
        say(
            "Taza Koom is listening on \(configuration.tls == nil ? "http" : "https")://\(host):\(port)/  (database: \((try? DatabaseLocation(configuration.databaseURL).redacted) ?? "?"))"
        )
        try await app.runService()
    }

    private func printDemoAccounts() {
        say(
            "Demo data is on (fictitious people and companies). Sign in at /signin with a PIN below and the password '\(DemoData.password)':"
        )
        for account in DemoData.accounts {
            say("  \(account.pin)  \(account.name)  — \(account.role)")
        }
        say(
            "Officials and administrators then give a code from an authenticator app set up with the demo key \(SecondFactor.demoSecret)."
        )
    }
}

/// `tazakoom migrate`: apply pending migrations and exit.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = Logger(label: "tazakoom.migrate")
        let location = try DatabaseLocation(database.resolved)
        let db = try await Database.open(location, logger: logger)
        do {
            let applied = try await Platform.migrator.migrate(db, logger: logger)
            print(
                applied.isEmpty
                    ? "Schema is up to date."
                    : "Applied migrations: \(applied.map(String.init).joined(separator: ", "))")
            await db.shutdown()
        } catch {
            await db.shutdown()
            throw error
        }
    }
}

/// Writes a line to standard output at once (print is buffered when the output is a pipe or file).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
