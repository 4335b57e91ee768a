import Foundation

/// How one `tazakoom` process is set up: where it listens, which database, and whether to seed demo data.
public struct AppConfiguration: Sendable {
    /// Address to bind, `127.0.0.1` by default.
    public var host: String
    /// TCP port, 8080 by default; 0 picks a free one (tests).
    public var port: Int
    /// `sqlite:PATH`, a plain file path, `:memory:`, or `postgres://user:pass@host:port/db`.
    public var databaseURL: String
    /// Seeds the demo regions, agencies, people and accounts when the database is new.
    public var seedDemoData: Bool
    /// Marks cookies `Secure`; set when the platform is served over TLS (behind a proxy).
    public var secureCookies: Bool
    /// Failed sign-ins allowed per account or address in one window before throttling.
    public var signInAttemptsPerWindow: Int
    /// Length of the throttling window, in seconds.
    public var signInWindowSeconds: Int
    /// Lifetime of an idle session, in seconds.
    public var sessionLifetimeSeconds: Int
    /// bcrypt cost for passwords: 12 in production; tests lower it to stay quick.
    public var bcryptCost: UInt8
    /// The transparency ledger's name (its checkpoint origin and key name).
    public var ledgerOrigin: String
    /// A file holding the ledger's signing key (`PRIVATE+KEY+…`); when nil the key is kept in the database.
    public var ledgerKeyFile: String?
    /// Where this node remembers the last signed checkpoint, outside the database; nil to not remember.
    public var checkpointFile: String?
    /// Seconds between checkpoint signings; 0 signs only on demand.
    public var checkpointIntervalSeconds: Int
    /// How many synthetic residents the demo population registry gets (other demo registries
    /// grow in proportion); small by default so a first start takes seconds.
    public var demoRegistrySize: Int
    /// Where the test email and SMS adapter also writes each message, one JSON object per line (the
    /// demo's stand-in for a mail server and an SMS gateway); nil to keep them in memory only.
    public var messageFile: String?
    /// A national identification provider to sign in through (OpenID Connect); nil for none.
    public var identityProvider: IdentityProviderSettings?
    /// SQLite: the write-ahead log is truncated when it grows past this many MiB.
    public var walLimitMegabytes: Int
    /// Seconds from the end of one background audit of the whole ledger to the start of the next;
    /// 0 turns the background audit off.
    public var auditIntervalSeconds: Int
    /// How this node takes part in the exchange layer (off unless a member is set).
    public var exchange: ExchangeSettings
    /// The largest CSV file the open-data portal loads into its datastore, in bytes.
    public var maximumDatasetUploadBytes: Int
    /// Seconds between publications of the platform's own open data; 0 turns them off.
    public var openDataIntervalSeconds: Int
    /// Signatures that oblige the state to answer a national petition, and a city's.
    public var petitionThresholds: (national: Int, city: Int)
    /// Serve HTTPS with this certificate chain and key (PEM files); nil: plain HTTP, for a node
    /// behind a load balancer that terminates TLS.
    public var tls: TLSFiles?
    /// PostgreSQL: a streaming replica of `databaseURL` (`postgres://…`) that the open-data portal
    /// and its API read from; nil: everything reads from the primary.
    public var replicaURL: String?
    /// PostgreSQL: seconds a request waits for a connection before it is answered 503 (an outage,
    /// or a pool exhausted that long). SQLite: seconds a wait for the one connection lasts before it
    /// is logged, naming where the session holding it was asked for.
    public var databaseWaitSeconds = 30 {
        didSet { databaseWaitSeconds = max(1, min(databaseWaitSeconds, 3_600)) }
    }
    /// Pages rendered at once while writes are being handled, so that readers cannot take the CPU
    /// that submissions need (`FairShareMiddleware`); 0 turns the limit off. Default: half the cores.
    public var pageReadSlots = AppConfiguration.defaultPageReadSlots {
        didSet { pageReadSlots = max(0, min(pageReadSlots, 4_096)) }
    }
    /// Half the cores, at least one.
    public static var defaultPageReadSlots: Int { max(1, ProcessInfo.processInfo.activeProcessorCount / 2) }

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        databaseURL: String = "sqlite:tazakoom.sqlite",
        seedDemoData: Bool = true,
        secureCookies: Bool = false,
        signInAttemptsPerWindow: Int = 5,
        signInWindowSeconds: Int = 900,
        sessionLifetimeSeconds: Int = 8 * 3600,
        bcryptCost: UInt8 = 12,
        ledgerOrigin: String = "tazakoom.kg/ledger",
        ledgerKeyFile: String? = nil,
        checkpointFile: String? = nil,
        checkpointIntervalSeconds: Int = 10,
        demoRegistrySize: Int = 1000,
        messageFile: String? = nil,
        identityProvider: IdentityProviderSettings? = nil,
        walLimitMegabytes: Int = 64,
        auditIntervalSeconds: Int = 600,
        exchange: ExchangeSettings = ExchangeSettings(),
        maximumDatasetUploadBytes: Int = 512 << 20,
        openDataIntervalSeconds: Int = 3600,
        petitionThresholds: (national: Int, city: Int) = (10_000, 1_000)
    ) {
        self.host = host
        self.port = port
        self.databaseURL = databaseURL
        self.seedDemoData = seedDemoData
        self.secureCookies = secureCookies
        self.signInAttemptsPerWindow = signInAttemptsPerWindow
        self.signInWindowSeconds = signInWindowSeconds
        self.sessionLifetimeSeconds = sessionLifetimeSeconds
        self.bcryptCost = bcryptCost
        self.ledgerOrigin = ledgerOrigin
        self.ledgerKeyFile = ledgerKeyFile
        self.checkpointFile = checkpointFile
        self.checkpointIntervalSeconds = checkpointIntervalSeconds
        self.demoRegistrySize = demoRegistrySize
        self.messageFile = messageFile
        self.identityProvider = identityProvider
        self.walLimitMegabytes = max(1, min(walLimitMegabytes, 1 << 20))
        self.auditIntervalSeconds = max(0, min(auditIntervalSeconds, 366 * 86_400))
        self.exchange = exchange
        self.maximumDatasetUploadBytes = max(1, min(maximumDatasetUploadBytes, 64 << 30))
        self.openDataIntervalSeconds = max(0, min(openDataIntervalSeconds, 366 * 86_400))
        self.petitionThresholds = (
            max(1, min(petitionThresholds.national, 10_000_000)), max(1, min(petitionThresholds.city, 10_000_000))
        )
    }
}

/// An OpenID Connect provider (such as a national identification system) people may sign in
/// through: authorization code flow with PKCE, the PIN read from a claim of the ID token.
public struct IdentityProviderSettings: Sendable, Equatable {
    /// The issuer, exactly as its ID tokens name it; its discovery document is under
    /// `<issuer>/.well-known/openid-configuration`.
    public var issuer: String
    public var clientID: String
    /// Sent to the token endpoint when the provider gave one (a confidential client).
    public var clientSecret: String?
    /// This platform's callback address as registered with the provider
    /// (`https://portal.example.kg/signin/national/callback`).
    public var redirectURI: String
    /// The claim that holds the person's PIN.
    public var pinClaim: String

    public init(
        issuer: String, clientID: String, clientSecret: String? = nil, redirectURI: String, pinClaim: String = "pin"
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        self.pinClaim = pinClaim
    }
}

/// The PEM files `serve` answers HTTPS with: read once at start, never given on the command line as
/// text (a key in `ps` is a key given away).
public struct TLSFiles: Sendable, Equatable {
    public var certificateChain: String
    public var privateKey: String

    public init(certificateChain: String, privateKey: String) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }
}
