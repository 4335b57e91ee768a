import Foundation
import Hummingbird

/// Every path the platform serves, in one place: the router registers these patterns, handlers
/// redirect to them, pages link to them and the OpenAPI document describes them, so a renamed route
/// breaks the build, not a link. `{name}` marks a parameter; `**` the rest of a path.
enum Route: String, CaseIterable, Sendable {
    // MARK: portal
    case home = "/"
    case signIn = "/signin"
    case signInCode = "/signin/code"
    case signInAuthenticator = "/signin/authenticator"
    case signInNational = "/signin/national"
    case signInNationalCallback = "/signin/national/callback"
    case signOut = "/signout"
    case signOutEverywhere = "/signout-everywhere"
    case register = "/register"
    case cabinet = "/cabinet"
    case assurance = "/cabinet/assurance"
    case assuranceCode = "/cabinet/assurance/code"
    case newOrganisation = "/cabinet/organisations/new"
    case organisations = "/cabinet/organisations"
    case myRecords = "/cabinet/records"
    case contact = "/cabinet/contact"
    case contactConfirm = "/cabinet/contact/confirm"
    case dataAccess = "/cabinet/data-access"
    case dataAccessCSV = "/cabinet/data-access.csv"
    case dataAccessJSON = "/cabinet/data-access.json"
    case applications = "/cabinet/applications"
    case application = "/cabinet/applications/{id}"
    case applicationPay = "/cabinet/applications/{id}/pay"
    case applicationWithdraw = "/cabinet/applications/{id}/withdraw"
    case applicationCorrection = "/cabinet/applications/{id}/correction"
    case applicationRating = "/cabinet/applications/{id}/rating"
    case applicationAppeal = "/cabinet/applications/{id}/appeal"
    case applicationFile = "/cabinet/applications/{id}/files/{field}"
    case notifications = "/cabinet/notifications"
    case services = "/services"
    case service = "/services/{id}"
    case apply = "/services/{id}/apply"
    case document = "/documents/{id}"
    case documentJSON = "/documents/{id}/document.json"
    case documentRevoke = "/documents/{id}/revoke"
    case verify = "/verify"
    case verifyDocument = "/verify/{id}"
    case performance = "/performance"
    case performanceJSON = "/performance.json"
    case problems = "/docs/problems"
    case staticFile = "/static/{file}"
    case stylesheet = "/static/style.css"

    // MARK: back office and administration
    case inbox = "/office/inbox"
    case moderation = "/office/moderation"
    case officeParticipation = "/office/participation"
    case officeProgramme = "/office/programme"
    case officeMeasurements = "/office/programme/measurements"
    case officeICT = "/office/programme/ict"
    case officeActionStatus = "/office/programme/actions"
    case officeAlerts = "/office/alerts"
    case officeConsultations = "/office/participation/consultations"
    case officeBudgets = "/office/participation/budgets"
    case officeConsultation = "/office/consultations/{id}"
    case officeConsultationVersion = "/office/consultations/{id}/versions"
    case officeCommentAnswer = "/office/comments/{id}/answer"
    case officeBudget = "/office/budgets/{id}"
    case officeProposalReview = "/office/budgets/{id}/proposals/{proposal}"
    case officeBudgetAdvance = "/office/budgets/{id}/advance"
    case moderatePetition = "/office/moderation/petitions/{id}"
    case moderateReport = "/office/moderation/reports/{id}"
    case officeCase = "/office/cases/{id}"
    case officeDecide = "/office/cases/{id}/decide"
    case officeFile = "/office/cases/{id}/files/{field}"
    case registrySearch = "/office/registries"
    case confirmAccounts = "/office/accounts"
    case recordHistory = "/office/registries/history"
    case adminClients = "/admin/clients"
    case adminClientRevoke = "/admin/clients/{id}/revoke"
    case adminCheckpoint = "/admin/ledger/checkpoint"
    case adminExchange = "/admin/exchange"
    case adminExchangeDecide = "/admin/exchange/decide"
    case adminExchangeRetry = "/admin/exchange/retry"
    case workflows = "/admin/workflow"
    case workflowHolidays = "/admin/workflow/holidays"
    case workflowDefinition = "/admin/workflow/{id}/{version}"
    case workflowSimulate = "/admin/workflow/{id}/{version}/simulate"
    case workflowMigrate = "/admin/workflow/{id}/{version}/migrate"

    // MARK: transparency ledger
    case ledger = "/ledger"
    case ledgerCheckpoint = "/ledger/checkpoint"
    case ledgerCheckpoints = "/ledger/checkpoints"
    case ledgerKey = "/ledger/key"
    case ledgerEntry = "/ledger/entries/{index}"
    case inclusionProof = "/ledger/proof/inclusion"
    case consistencyProof = "/ledger/proof/consistency"
    case receipt = "/ledger/receipt/{index}"
    case ledgerTile = "/ledger/tile/**"

    // MARK: operations
    case healthz = "/healthz"
    case readyz = "/readyz"
    case metrics = "/metrics"
    case openAPI = "/openapi.json"

    // MARK: platform API
    case apiClient = "/api/v1/client"
    case apiAgencies = "/api/v1/agencies"
    case apiRegions = "/api/v1/regions"
    case apiPerson = "/api/v1/people/{pin}"
    case apiPeople = "/api/v1/people"
    case apiOrganisation = "/api/v1/organisations/{inn}"
    case apiOrganisations = "/api/v1/organisations"
    case apiAgencyKeys = "/api/v1/agency-keys"
    case apiRegistries = "/api/v1/registries"
    case apiSchema = "/api/v1/registries/{registry}/schemas/{version}"
    case apiSchemas = "/api/v1/registries/{registry}/schemas"
    case apiPetition = "/api/v1/petitions/{id}"

    // MARK: e-participation
    case participation = "/participation"
    case petitionNew = "/petitions/new"
    case petition = "/petitions/{id}"
    case petitionSponsor = "/petitions/{id}/sponsor"
    case reports = "/reports"
    case petitionSign = "/petitions/{id}/sign"
    case petitionWithdraw = "/petitions/{id}/withdraw"
    case consultation = "/consultations/{id}"
    case consultationComment = "/consultations/{id}/comments"
    case budget = "/budgets/{id}"
    case budgetBallot = "/budgets/{id}/ballot"
    case budgetProposals = "/budgets/{id}/proposals"

    // MARK: exchange layer (X-Road message protocol for REST)
    case exchangeRelay = "/r1/**"
    case exchangeInbound = "/exchange/in/**"
    case exchangeGlobalConfiguration = "/exchange/globalconf"
    case exchangeOperatorKey = "/exchange/operator-key"
    case exchangeJoin = "/exchange/join"
    case exchangeListClients = "/listClients"

    // MARK: open data (CKAN Action API v3, the portal, downloads)
    case ckanAction = "/api/3/action/{action}"
    case ckanActionUnversioned = "/api/action/{action}"
    case programme = "/programme"
    case programmeIndicator = "/programme/indicators/{code}"
    case alerts = "/alerts"
    case alertCAP = "/alerts/{id}/cap"
    case alertsAPI = "/api/alerts"
    case datasets = "/datasets"
    case dataset = "/datasets/{name}"
    case datasetVersion = "/datasets/{name}/versions/{version}"
    case resourceCSV = "/resources/{id}/data.csv"
    case resourceJSON = "/resources/{id}/data.json"
    case catalogJSONLD = "/catalog.jsonld"
    case catalogTurtle = "/catalog.ttl"
    case datasetJSONLD = "/datasets/{name}/dcat.jsonld"
    case datasetTurtle = "/datasets/{name}/dcat.ttl"
    case dataPackage = "/datasets/{name}/datapackage.json"

    // MARK: GovStack Registration API
    case registrationServices = "/api/v1/registration/services"
    case registrationService = "/api/v1/registration/services/{serviceId}"
    case registrationEForms = "/api/v1/registration/services/{serviceId}/eForms"
    case registrationEForm = "/api/v1/registration/eForms/{eFormId}"
    case registrationSubmit = "/api/v1/registration/services/{serviceId}/applications"
    case registrationApplications = "/api/v1/registration/applications"
    case registrationApplication = "/api/v1/registration/applications/{fileId}"
    case registrationTasks = "/api/v1/registration/tasks"
    case registrationDocuments = "/api/v1/registration/documents"
    case registrationStatistics = "/api/v1/registration/data/statistics"

    // MARK: GovStack Digital Registries Data API (both spellings the specification uses)
    case personalDataUsage = "/data/myPersonalDataUsage"
    case personalDataUsageKebab = "/data/my-personal-data-usage"
    case registryList = "/data/{registry}/{version}"
    case registryCreate = "/data/{registry}/{version}/create"
    case registryExists = "/data/{registry}/{version}/exists"
    case registryRead = "/data/{registry}/{version}/read"
    case registryUpdate = "/data/{registry}/{version}/update"
    case registryUpdateEntries = "/data/{registry}/{version}/updateEntries"
    case registryUpdateEntriesKebab = "/data/{registry}/{version}/update-entries"
    case registryUpdateOrCreate = "/data/{registry}/{version}/updateOrCreate"
    case registryUpdateOrCreateKebab = "/data/{registry}/{version}/update-or-create"
    case registryDelete = "/data/{registry}/{version}/{id}/delete"
    case registryReadValue = "/data/{registry}/{version}/{id}/readValue/{file}"
    case registryReadValueKebab = "/data/{registry}/{version}/{id}/read-value/{file}"

    /// Where machine clients live: paths under these answer in JSON only, and take no session cookie.
    static let apiPrefix = "/api/"
    static let dataPrefix = "/data/"
    /// The exchange layer: other systems and nodes, like the API.
    static let exchangePrefixes = ["/r1/", "/exchange/", "/listClients"]
    static let ledgerPrefix = "/ledger/"
    /// The portal's static files.
    static let staticPrefix = "/static/"

    /// The fixed part of the path, before its first parameter.
    var prefix: String { String(rawValue.prefix { $0 != "{" && $0 != "*" }) }

    /// The pattern, for the router.
    var pattern: RouterPath { RouterPath(rawValue) }

    /// The path with `values` in place of its parameters, in order, each percent-encoded; a
    /// parameter without a value is left empty.
    func path(_ values: String...) -> String {
        var out = ""
        var remaining = values[...]
        var rest = rawValue[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            out += remaining.popFirst().map(Self.encode) ?? ""
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The path with a query string appended (names and values percent-encoded).
    func path(query: [(String, String)]) -> String {
        guard !query.isEmpty else { return rawValue }
        return rawValue + "?" + query.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&")
    }

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unencoded) ?? ""
    }

    /// What a path segment or query value keeps unencoded: made once, since building the set on
    /// each call cost every submission's `Location` a visible share of its CPU.
    private static let unencoded = CharacterSet.urlPathAllowed.subtracting(["/", "?", "#", "&", "=", "+"])
}
