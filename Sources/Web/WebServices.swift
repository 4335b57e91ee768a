import Core
import Exchange
import Identity
import Ledger
import OpenData
import Participation
import Programme
import Registries
import Services
import Storage
import Workflow

/// What the web layer is given by the composition root: the platform's services, and the web's
/// own parts (templates, cookies, static files) loaded once. `buildRouter` hands each controller
/// the few it needs.
public struct WebServices: Sendable {
    public let configuration: AppConfiguration
    /// For `/readyz` only: whether the database answers.
    public let database: Database
    public let clock: Clock
    public let idempotency: IdempotencyStore
    public let identity: IdentityService
    public let authentication: AuthenticationService
    /// Raising an account's assurance with a code sent by SMS.
    public let activation: AccountActivation
    /// Changing one's phone or e-mail with a code sent to the new one.
    public let contact: ContactChange
    /// Sign-in through the national identification provider, when one is configured.
    public let nationalSignIn: NationalSignIn?
    public let clients: APIClientService
    public let ledger: LedgerService
    public let registries: RegistryService
    public let workflow: WorkflowService
    public let applications: ApplicationService
    public let checkpointFile: CheckpointFile?
    /// This node of the exchange layer, when it takes part in one.
    public let exchange: ExchangeNode?
    /// The open-data portal.
    public let openData: OpenDataService
    /// The open-data portal's reads: `openData` itself, or the same service over a streaming
    /// replica (`--replica-url`), so that the busiest read-only traffic leaves the primary alone.
    public let openDataReads: OpenDataService
    /// Petitions, consultations on drafts, participatory budgets.
    public let participation: ParticipationServices
    public let programme: ProgrammeService
    public let alerts: AlertService
    let pages: PageRenderer
    let cookies: CookieFactory
    let assets: StaticAssets

    /// The web layer over these services; templates and static files are loaded here.
    public init(
        configuration: AppConfiguration, database: Database, clock: Clock, idempotency: IdempotencyStore,
        identity: IdentityService, authentication: AuthenticationService, activation: AccountActivation,
        contact: ContactChange, nationalSignIn: NationalSignIn?, clients: APIClientService,
        ledger: LedgerService, registries: RegistryService, workflow: WorkflowService,
        applications: ApplicationService, checkpointFile: CheckpointFile?, exchange: ExchangeNode?,
        openData: OpenDataService, openDataReads: OpenDataService? = nil, participation: ParticipationServices,
        programme: ProgrammeService, alerts: AlertService
    ) async throws {
        self.configuration = configuration
        self.database = database
        self.clock = clock
        self.idempotency = idempotency
        self.identity = identity
        self.authentication = authentication
        self.activation = activation
        self.contact = contact
        self.nationalSignIn = nationalSignIn
        self.clients = clients
        self.ledger = ledger
        self.registries = registries
        self.workflow = workflow
        self.applications = applications
        self.checkpointFile = checkpointFile
        self.exchange = exchange
        self.openData = openData
        self.openDataReads = openDataReads ?? openData
        self.participation = participation
        self.programme = programme
        self.alerts = alerts
        self.pages = try await PageRenderer.load(demo: configuration.seedDemoData)
        self.cookies = CookieFactory(secure: configuration.secureCookies)
        self.assets = try StaticAssets.load()
    }
}
