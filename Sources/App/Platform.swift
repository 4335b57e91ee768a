import Core
import Exchange
import Identity
import Ledger
import Logging
import OpenData
import Participation
import Programme
import Registries
import Services
import Storage
import Web
import Workflow

/// The composition root: the services of one running platform wired to one database, the
/// migrations and demo data they start with, and what the web layer is given (`web`).
public struct Platform: Sendable {
    public let configuration: AppConfiguration
    public let database: Database
    /// The streaming replica the open-data portal reads from (`--replica-url`), if any.
    public let replica: Database?
    /// The time every service reads: the system's, or a test's.
    public let clock: Clock
    /// The one idempotency mechanism, for every retried write.
    public let idempotency: IdempotencyStore
    public let identity: IdentityService
    public let authentication: AuthenticationService
    public let clients: APIClientService
    public let ledger: LedgerService
    public let registries: RegistryService
    public let importer: RegistryImporter
    public let workflow: WorkflowService
    /// The service catalogue, applications, payments, documents and notifications.
    public let applications: ApplicationService
    /// Messages to applicants waiting to be sent by email and SMS.
    public let outbox: Outbox
    /// The test email and SMS adapter: records what would be sent (no live gateway is configured).
    public let sentMessages: RecordingSender
    public let checkpointFile: CheckpointFile?
    /// This node of the exchange layer, and the HTTP client it sends with (nil when off).
    public let exchange: ExchangeNode?
    public let exchangeTransport: LiveExchangeTransport?
    /// The open data the platform publishes about itself.
    public let ownOpenData: PlatformOpenData
    /// The programme's indicators and action plan, and emergency alerts.
    public let programme: ProgrammeService
    public let alerts: AlertService
    /// The indicators the platform computes from its own records.
    let computedIndicators: ComputedIndicators
    /// What the routes are given.
    public let web: WebServices

    /// Every migration of every module, in order.
    public static let migrator = Migrator(
        migrations: IdempotencyStore.migrations + OutboxStore.migrations + LedgerMigrations.all + IdentityMigrations.all
            + RegistryMigrations.all
            + WorkflowMigrations.all + ServiceMigrations.all + ExchangeMigrations.all + OpenDataMigrations.all
            + ParticipationMigrations.all + ProgrammeMigrations.all)

    /// Opens the database, applies migrations, ensures reference data and (if asked) seeds the demo.
    public static func start(_ configuration: AppConfiguration, logger: Logger, clock: Clock = .system) async throws
        -> Platform
    {
        let location = try DatabaseLocation(configuration.databaseURL)
        let replicaLocation = try configuration.replicaURL.map { try standby(of: location, at: $0) }
        let database = try await Database.open(
            location, logger: logger, connectionWait: .seconds(configuration.databaseWaitSeconds))
        var replica: Database?
        do {
            // Opened lazily by PostgresNIO: a replica that is down fails the reads that need it
            // (answered 503), not the node's start.
            if let replicaLocation {
                replica = try await Database.open(
                    replicaLocation, logger: logger, connectionWait: .seconds(configuration.databaseWaitSeconds))
            }
            try await migrator.migrate(database, logger: logger, clock: clock)
            let key = try configuration.ledgerKeyFile.map { try String(contentsOfFile: $0, encoding: .utf8) }
            let ledger = try await LedgerService.open(
                database, origin: configuration.ledgerOrigin, signingKey: key, clock: clock)
            let checkpointFile = configuration.checkpointFile.map(CheckpointFile.init(path:))
            // A restored backup behind a published checkpoint must not start and fork the log.
            try await ledger.checkNotBehind(checkpointFile)
            try await DemoData.ensureReferenceData(database)
            let passwords = PasswordHasher(cost: configuration.bcryptCost)
            if configuration.seedDemoData,
                try await DemoData.seed(database, passwords: passwords, clock: clock, ledger: ledger)
            {
                logger.info("seeded demo data")
            }
            let idempotency = IdempotencyStore(database: database, clock: clock)
            let store = SQLIdentityStore(database: database, ledger: ledger)
            let registryStore = SQLRegistryStore(database: database, ledger: ledger)
            let registries = RegistryService(store: registryStore, clock: clock)
            let importer = RegistryImporter(database: database, ledger: ledger, registries: registries)
            try await DemoRegistries.ensureRegistries(registries)
            if configuration.seedDemoData,
                try await DemoRegistries.seed(
                    database, importer: importer, size: configuration.demoRegistrySize, logger: logger)
            {
                logger.info("seeded demo registries", metadata: ["residents": "\(configuration.demoRegistrySize)"])
            }
            let identity = IdentityService(store: store, passwords: passwords, clock: clock)
            let workflow = WorkflowService(
                database: database, ledger: ledger, clock: clock, people: store, kinship: registryStore,
                lookup: WorkflowRegistryBridge.lookup(registryStore, clock: clock))
            // The only payment gateway and message adapters shipped are the test ones; a ministry
            // plugs its bank and SMS provider in through the same protocols.
            let applications = ApplicationService(
                database: database, ledger: ledger, workflow: workflow, registries: registryStore,
                identity: identity, gateway: TestPaymentGateway(database: database), idempotency: idempotency,
                clock: clock)
            try await DemoServices.ensure(applications, workflow: workflow, logger: logger)
            let messages = RecordingSender(file: configuration.messageFile)
            let authentication = AuthenticationService(
                identities: store, credentials: store, passwords: passwords,
                policy: .init(
                    attemptsPerWindow: configuration.signInAttemptsPerWindow,
                    windowSeconds: configuration.signInWindowSeconds,
                    sessionLifetimeSeconds: configuration.sessionLifetimeSeconds
                ),
                clock: clock
            )
            let clients = APIClientService(store: store, clock: clock)
            let transport = configuration.exchange.member == nil ? nil : LiveExchangeTransport()
            var exchange: ExchangeNode?
            if let transport {
                exchange = try await ExchangeNode.open(
                    settings: configuration.exchange, store: SQLExchangeStore(database: database, ledger: ledger),
                    transport: transport, registries: registries, ledger: ledger, clock: clock, logger: logger)
            }
            let openData = OpenDataService(
                store: SQLOpenDataStore(database: database, ledger: ledger),
                maximumUploadBytes: configuration.maximumDatasetUploadBytes, clock: clock)
            let openDataReads = replica.map {
                OpenDataService(
                    store: SQLOpenDataStore(database: $0, ledger: ledger),
                    maximumUploadBytes: configuration.maximumDatasetUploadBytes, clock: clock)
            }
            try await openData.ensure(
                try await identity.agencies().map(OpenDataOrganizations.organization) + [PlatformOpenData.organization])
            let participation = ParticipationServices(
                database: database, ledger: ledger, clock: clock,
                petitionThresholds: configuration.petitionThresholds,
                residence: { pin in
                    let district = try await database.transaction { sql in
                        try await registryStore.entry(
                            of: pin, purpose: PlatformPurpose.participation.legalBasis, agency: "SRS",
                            system: "portal", on: sql, now: clock.seconds)?.districtCode
                    }
                    guard let district, !district.isEmpty,
                        let region = try await identity.regions().first(where: {
                            $0.districts.contains { $0.code == district }
                        })
                    else { return nil }
                    return (region.code, district)
                })
            if configuration.seedDemoData,
                try await SeedOnce.run(
                    "demo_participation_seeded", in: database, { try await DemoParticipation.seed(participation) })
            {
                logger.info("seeded demo consultations, petitions and budgets")
            }
            let programme = ProgrammeService(store: SQLProgrammeStore(database: database, ledger: ledger), clock: clock)
            try await programme.ensureReferenceData()
            if configuration.seedDemoData,
                try await SeedOnce.run(
                    "demo_programme_seeded", in: database,
                    {
                        try await DemoProgramme.seed(programme, regions: try await identity.regions().map(\.code))
                    })
            {
                logger.info("seeded demo ICT statistics and indicator figures")
            }
            let alerts = AlertService(
                store: SQLAlertStore(database: database, ledger: ledger, clock: clock),
                residents: { regions, alert, official in
                    let people = try await database.withConnection { sql in
                        try await store.accountHolders(inRegions: regions, on: sql)
                    }
                    try await registries.logReads(
                        ofPeople: people.map(\.pin), registry: "people", by: .official(official),
                        purpose: try Purpose(legalBasis: PlatformPurpose.emergencyAlert(alert: alert).legalBasis))
                    return people
                }, clock: clock)
            let computed = ComputedIndicators(
                applications: applications, openData: openData, exchange: exchange, participation: participation,
                ledger: ledger)
            let web = try await WebServices(
                configuration: configuration, database: database, clock: clock, idempotency: idempotency,
                identity: identity, authentication: authentication,
                activation: AccountActivation(
                    database: database, credentials: store, register: registryStore, clock: clock),
                contact: ContactChange(database: database, store: store, clock: clock),
                nationalSignIn: configuration.identityProvider.map {
                    NationalSignIn(
                        settings: $0, store: store, authentication: authentication, passwords: passwords, clock: clock)
                },
                clients: clients, ledger: ledger,
                registries: registries, workflow: workflow, applications: applications, checkpointFile: checkpointFile,
                exchange: exchange, openData: openData, openDataReads: openDataReads,
                participation: participation, programme: programme, alerts: alerts)
            return Platform(
                configuration: configuration, database: database, replica: replica, clock: clock,
                idempotency: idempotency,
                identity: identity, authentication: authentication, clients: clients, ledger: ledger,
                registries: registries, importer: importer, workflow: workflow, applications: applications,
                outbox: Outbox(database: database, email: messages, sms: messages, people: store, clock: clock),
                sentMessages: messages, checkpointFile: checkpointFile, exchange: exchange,
                exchangeTransport: transport,
                ownOpenData: PlatformOpenData(
                    applications: applications, registries: registries, ledger: ledger, exchange: exchange,
                    openData: openData, participation: participation, programme: programme,
                    computedIndicators: computed),
                programme: programme, alerts: alerts, computedIndicators: computed,
                web: web)
        } catch {
            await replica?.shutdown()
            await database.shutdown()
            throw error
        }
    }

    /// The replica's location: PostgreSQL, beside a PostgreSQL primary (SQLite has no replicas).
    private static func standby(of primary: DatabaseLocation, at url: String) throws -> DatabaseLocation {
        let location = try DatabaseLocation(url)
        guard primary.engine == .postgres, location.engine == .postgres else {
            throw ReplicaConfigurationError(
                description: "--replica-url: a replica is a PostgreSQL standby of a PostgreSQL primary")
        }
        return location
    }
}

/// A `--replica-url` that cannot be a replica of the configured primary.
public struct ReplicaConfigurationError: Error, CustomStringConvertible {
    public var description: String
}
