import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import TestSupport
import Testing

@testable import App
@testable import Web

/// Every route the router has, against every kind of caller, in one table: who may pass and who is
/// turned away (401, 403, 404, or sent to sign in). A route missing from the table fails the test, so
/// a new route cannot be forgotten. No cell may answer 500. Whether an official stays inside their
/// own agency's records is checked with real records by the tests of each module
/// (`nobodySeesOrActsOnAnotherPersonsApplication…`, `OfficeParticipationWebTests`, `ProgrammeWebTests`).
@Suite struct AuthorizationMatrixTests {
    /// Who may call a route.
    enum Access: Sendable {
        /// Anyone, signed in or not.
        case everyone
        /// Any signed-in person (a low account too).
        case signedIn
        /// A signed-in person of substantial assurance or more.
        case substantial
        /// A signed-in person with one of these permissions.
        case permission([Permission])
        /// A system whose bearer token holds the scope.
        case scope(Scope)
        /// A system with the scope, or the person signed in (their own data).
        case scopeOrPerson(Scope)
        /// Any system with a token, whatever its scopes.
        case anyClient
        /// Only these callers (a right that depends on the caller's agency).
        case only([Caller])
        /// A step of signing in: anyone may call it, and without the step before it is sent back to
        /// sign in (or told the credentials are wrong). Only "no 500" is checked.
        case signInStep
    }

    /// A kind of caller.
    enum Caller: String, CaseIterable, Sendable {
        case anonymous, lowCitizen, citizen, representative, clerk, specialist, administrator
        case clientWithScope, clientWithoutScope

        var pin: String? {
            switch self {
            case .citizen: PortalTests.citizen
            case .representative: "22511197901022"
            case .clerk: PortalTests.clerk
            case .specialist: "21404199200901"
            case .administrator: PortalTests.admin
            default: nil
            }
        }

        var permissions: Set<Permission> {
            switch self {
            case .clerk: AccessPolicy.permissions(of: Self.official(.clerk, .registrar))
            case .specialist: AccessPolicy.permissions(of: Self.official(.specialist))
            case .administrator: AccessPolicy.permissions(of: Self.official(.administrator))
            default: []
            }
        }

        private static func official(_ roles: Role...) -> Principal {
            Principal(pin: "", displayName: "", post: OfficialPost(agencyCode: "X", position: "", roles: roles))
        }

        var isPerson: Bool { ![.anonymous, .clientWithScope, .clientWithoutScope].contains(self) }
        var isSubstantial: Bool { isPerson && self != .lowCitizen }

        func may(_ access: Access) -> Bool {
            switch access {
            case .everyone: true
            case .signedIn: isPerson
            case .substantial: isSubstantial
            case .permission(let needed): !permissions.isDisjoint(with: needed)
            case .scope: self == .clientWithScope
            case .scopeOrPerson: self == .clientWithScope || isPerson
            case .anyClient: self == .clientWithScope || self == .clientWithoutScope
            case .only(let callers): callers.contains(self)
            case .signInStep: true
            }
        }
    }

    static let office: Access = .permission([.viewBackOffice])
    static let admin: Access = .permission([.manageAPIClients])

    /// Every route: method and pattern, and who may call it.
    static let table: [String: Access] = [
        // portal
        "GET /": .everyone, "GET /signin": .everyone, "POST /signin": .signInStep, "GET /signin/code": .signInStep,
        "POST /signin/code": .signInStep, "GET /signin/authenticator": .signInStep,
        "POST /signin/authenticator": .signInStep, "POST /signout": .everyone, "POST /signout-everywhere": .signedIn,
        "GET /register": .everyone, "POST /register": .everyone,
        "GET /cabinet": .signedIn, "GET /cabinet/assurance": .signedIn, "POST /cabinet/assurance": .signedIn,
        "POST /cabinet/assurance/code": .signedIn, "GET /cabinet/organisations/new": .signedIn,
        "POST /cabinet/organisations": .signedIn, "GET /cabinet/records": .signedIn,
        "GET /cabinet/contact": .signedIn, "POST /cabinet/contact": .signedIn,
        "POST /cabinet/contact/confirm": .signedIn, "GET /cabinet/data-access": .signedIn,
        "GET /cabinet/data-access.csv": .substantial, "GET /cabinet/data-access.json": .substantial,
        "GET /cabinet/applications": .signedIn, "GET /cabinet/applications/{id}": .signedIn,
        "POST /cabinet/applications/{id}/pay": .signedIn, "POST /cabinet/applications/{id}/withdraw": .signedIn,
        "POST /cabinet/applications/{id}/correction": .signedIn, "POST /cabinet/applications/{id}/rating": .signedIn,
        "POST /cabinet/applications/{id}/appeal": .signedIn,
        "GET /cabinet/applications/{id}/files/{field}": .signedIn, "GET /cabinet/notifications": .signedIn,
        "GET /services": .everyone, "GET /services/{id}": .everyone, "GET /services/{id}/apply": .signedIn,
        "POST /services/{id}/apply": .signedIn,
        "GET /documents/{id}": .signedIn, "GET /documents/{id}/document.json": .signedIn,
        "POST /documents/{id}/revoke": office,
        "GET /verify": .everyone, "POST /verify": .everyone, "GET /verify/{id}": .everyone,
        "GET /performance": .everyone, "GET /performance.json": .everyone, "GET /static/{file}": .everyone,
        // back office and administration
        "GET /office/inbox": office, "GET /office/cases/{id}": office, "POST /office/cases/{id}/decide": office,
        "GET /office/cases/{id}/files/{field}": office,
        "GET /office/registries": .permission([.readRegistries]),
        "POST /office/registries": .permission([.readRegistries]),
        "POST /office/registries/history": .permission([.readRegistries]),
        "GET /office/accounts": .permission([.confirmAccounts]),
        "POST /office/accounts": .permission([.confirmAccounts]),
        "GET /office/moderation": .permission([.moderateParticipation]),
        "POST /office/moderation/petitions/{id}": .permission([.moderateParticipation]),
        "POST /office/moderation/reports/{id}": .permission([.moderateParticipation]),
        "GET /office/participation": .permission([.runParticipation]),
        "POST /office/participation/consultations": .permission([.runParticipation]),
        "POST /office/participation/budgets": .permission([.runParticipation]),
        "GET /office/consultations/{id}": .permission([.runParticipation]),
        "POST /office/consultations/{id}/versions": .permission([.runParticipation]),
        "POST /office/comments/{id}/answer": .permission([.runParticipation]),
        "GET /office/budgets/{id}": .permission([.runParticipation]),
        "POST /office/budgets/{id}/proposals/{proposal}": .permission([.runParticipation]),
        "POST /office/budgets/{id}/advance": .permission([.runParticipation]),
        "GET /office/programme": .permission([.manageProgramme, .publishAlerts]),
        "POST /office/programme/measurements": .permission([.manageProgramme, .publishAlerts]),
        "POST /office/programme/ict": .permission([.manageProgramme, .publishAlerts]),
        "POST /office/programme/actions": .permission([.manageProgramme, .publishAlerts]),
        "POST /office/alerts": .only([.administrator]),
        "GET /admin/clients": admin, "POST /admin/clients": admin, "POST /admin/clients/{id}/revoke": admin,
        "POST /admin/ledger/checkpoint": .permission([.signCheckpoints]),
        "GET /admin/workflow": .permission([.manageWorkflows]), "POST /admin/workflow": .permission([.manageWorkflows]),
        "POST /admin/workflow/holidays": .permission([.manageWorkflows]),
        "GET /admin/workflow/{id}/{version}": .permission([.manageWorkflows]),
        "POST /admin/workflow/{id}/{version}/simulate": .permission([.manageWorkflows]),
        "POST /admin/workflow/{id}/{version}/migrate": .permission([.manageWorkflows]),
        // transparency ledger and operations
        "GET /ledger": .everyone, "GET /ledger/checkpoint": .everyone, "GET /ledger/checkpoints": .everyone,
        "GET /ledger/key": .everyone, "GET /ledger/entries/{index}": .everyone,
        "GET /ledger/proof/inclusion": .everyone, "GET /ledger/proof/consistency": .everyone,
        "GET /ledger/receipt/{index}": .everyone, "GET /ledger/tile/**": .everyone,
        "GET /healthz": .everyone, "GET /readyz": .everyone, "GET /metrics": .everyone,
        "GET /openapi.json": .everyone,
        // platform API
        "GET /api/v1/client": .anyClient, "GET /api/v1/agencies": .everyone, "GET /api/v1/regions": .everyone,
        "GET /api/v1/people/{pin}": .scope(.identityRead),
        "POST /api/v1/people": .scope(.identityWrite), "GET /api/v1/organisations/{inn}": .scope(.identityRead),
        "POST /api/v1/organisations": .scope(.identityWrite), "GET /api/v1/agency-keys": .everyone,
        "GET /api/v1/registries": .everyone, "GET /api/v1/registries/{registry}/schemas/{version}": .everyone,
        "POST /api/v1/registries/{registry}/schemas": .scope(.registryWrite),
        "GET /api/v1/petitions/{id}": .everyone, "GET /api/alerts": .everyone,
        // e-participation
        "GET /participation": .everyone, "GET /petitions/new": .signedIn, "POST /petitions/new": .substantial,
        "GET /petitions/{id}": .everyone, "POST /petitions/{id}/sponsor": .substantial, "POST /reports": .signedIn,
        "POST /petitions/{id}/sign": .substantial, "POST /petitions/{id}/withdraw": .signedIn,
        "GET /consultations/{id}": .everyone, "POST /consultations/{id}/comments": .signedIn,
        "GET /budgets/{id}": .everyone, "POST /budgets/{id}/ballot": .substantial,
        "POST /budgets/{id}/proposals": .substantial,
        // programme and alerts
        "GET /programme": .everyone, "GET /programme/indicators/{code}": .everyone, "GET /alerts": .everyone,
        "GET /alerts/{id}/cap": .everyone,
        // open data
        "GET /api/3/action/{action}": .everyone, "POST /api/3/action/{action}": .everyone,
        "GET /api/action/{action}": .everyone, "POST /api/action/{action}": .everyone,
        "GET /datasets": .everyone, "GET /datasets/{name}": .everyone,
        "GET /datasets/{name}/versions/{version}": .everyone, "GET /resources/{id}/data.csv": .everyone,
        "GET /resources/{id}/data.json": .everyone, "GET /catalog.jsonld": .everyone, "GET /catalog.ttl": .everyone,
        "GET /datasets/{name}/dcat.jsonld": .everyone, "GET /datasets/{name}/dcat.ttl": .everyone,
        "GET /datasets/{name}/datapackage.json": .everyone,
        // GovStack Registration API
        "GET /api/v1/registration/services": .everyone, "GET /api/v1/registration/services/{serviceId}": .everyone,
        "GET /api/v1/registration/services/{serviceId}/eForms": .everyone,
        "GET /api/v1/registration/eForms/{eFormId}": .everyone,
        "POST /api/v1/registration/services/{serviceId}/applications": .scope(.applicationWrite),
        "GET /api/v1/registration/applications": .scope(.applicationRead),
        "GET /api/v1/registration/applications/{fileId}": .scope(.applicationRead),
        "GET /api/v1/registration/tasks": .scope(.applicationRead),
        "POST /api/v1/registration/documents": .scope(.applicationWrite),
        "GET /api/v1/registration/data/statistics": .everyone,
        // GovStack Digital Registries Data API
        "GET /data/myPersonalDataUsage": .scopeOrPerson(.dataUsageRead),
        "GET /data/my-personal-data-usage": .scopeOrPerson(.dataUsageRead),
        "GET /data/{registry}/{version}": .scope(.registryRead),
        "POST /data/{registry}/{version}/create": .scope(.registryWrite),
        "POST /data/{registry}/{version}/exists": .scope(.registryRead),
        "POST /data/{registry}/{version}/read": .scope(.registryRead),
        "PUT /data/{registry}/{version}/update": .scope(.registryWrite),
        "PUT /data/{registry}/{version}/updateEntries": .scope(.registryWrite),
        "PUT /data/{registry}/{version}/update-entries": .scope(.registryWrite),
        "POST /data/{registry}/{version}/updateOrCreate": .scope(.registryWrite),
        "POST /data/{registry}/{version}/update-or-create": .scope(.registryWrite),
        "DELETE /data/{registry}/{version}/{id}/delete": .scope(.registryWrite),
        "GET /data/{registry}/{version}/{id}/readValue/{file}": .scope(.registryRead),
        "GET /data/{registry}/{version}/{id}/read-value/{file}": .scope(.registryRead),
    ]

    /// The routes of a platform with the default configuration, as `"METHOD /pattern"`.
    static func routed() async throws -> [String] {
        let platform = try await Platform.start(
            AppConfiguration(databaseURL: ":memory:", seedDemoData: false, bcryptCost: 4).forTests,
            logger: TestLog.quiet)
        let routes = buildRouter(platform.web).routes.map { "\($0.method.rawValue) \($0.path.description)" }
        await platform.database.shutdown()
        return Array(Set(routes)).sorted()
    }

    @Test func everyRouteIsInTheTable() async throws {
        let missing = try await Self.routed().filter { Self.table[$0] == nil }
        #expect(missing.isEmpty, "routes without a row in the authorization matrix: \(missing)")
    }

    /// A value for each path parameter: real records where the demo has them.
    static func concrete(_ pattern: String, _ ids: [String: String]) -> String {
        var path = pattern.replacingOccurrences(of: "**", with: "0/x/000")
        let byRoute: [(prefix: String, value: String)] = [
            ("/cabinet/applications/", ids["application"] ?? "x"),
            ("/petitions/", ids["petition"] ?? "x"), ("/consultations/", ids["consultation"] ?? "x"),
            ("/office/consultations/", ids["consultation"] ?? "x"), ("/budgets/", ids["budget"] ?? "x"),
            ("/office/budgets/", ids["budget"] ?? "x"), ("/services/", "no-criminal-record"),
            ("/admin/workflow/", "building-permit"),
        ]
        let id = byRoute.first { pattern.hasPrefix($0.prefix) }?.value ?? "x"
        let values = [
            "{id}": id, "{field}": "x", "{version}": "1", "{index}": "0", "{file}": "style.css",
            "{code}": "broadband-coverage", "{name}": "service-performance", "{action}": "package_list",
            "{pin}": PortalTests.citizen, "{inn}": "01203201510005", "{registry}": "population",
            "{serviceId}": "land-subsidy", "{eFormId}": "land-subsidy", "{fileId}": "x", "{proposal}": "x",
        ]
        for (name, value) in values { path = path.replacingOccurrences(of: name, with: value) }
        return path
    }

    /// Turned away: not allowed, not told whether the record exists, or sent to sign in.
    static func refused(_ response: TestResponse) -> Bool {
        [.unauthorized, .forbidden, .notFound].contains(response.status)
            || (response.status == .seeOther && response.headers[.location]?.hasPrefix("/signin") == true)
    }

    /// The calling subsystem, as the Data API wants it named.
    static let subsystem: HTTPFields = [HTTPField.Name("Information-Mediator-Client")!: "KG/GOV/SRS/matrix"]

    /// Issues a token holding `scopes` through the administrator's page.
    static func token(_ admin: inout Browser, _ scopes: [Scope]) async throws -> String {
        let page = try await admin.post(
            "/admin/clients",
            pairs: [("name", "Matrix \(scopes.count)"), ("agencyCode", "SRS")] + scopes.map { ("scopes", $0.rawValue) })
        return try #require(PortalTests.matches(#"<code class="token">([^<]+)</code>"#, in: page.text).first)
    }

    @Test(arguments: TestEngine.available)
    func everyRouteAgainstEveryCaller(engine: TestEngine) async throws {
        let routes = try await Self.routed().sorted { a, b in
            // Signing out last: it ends the caller's session.
            (a.hasSuffix("/signout") ? 1 : 0, a) < (b.hasSuffix("/signout") ? 1 : 0, b)
        }
        try await withApp(engine) { client, url async throws in
            var browsers: [Caller: Browser] = [:]
            for caller in Caller.allCases where caller != .clientWithScope && caller != .clientWithoutScope {
                var browser = Browser(client)
                if let pin = caller.pin { _ = try await browser.signIn(pin) }
                if caller == .lowCitizen {
                    let (pin, _) = try await AssuranceTests.unclaimedResident(in: url)
                    try await AssuranceTests.registerAndSignIn(&browser, pin)
                }
                _ = try await browser.get("/")
                browsers[caller] = browser
            }
            var ids: [String: String] = [:]
            var citizen = browsers[.citizen]!
            ids["application"] = try await ServicesWebTests.apply(&citizen, "no-criminal-record", ["purpose": "visa"])
            let hub = try await citizen.get("/participation").text
            for (key, prefix) in [
                ("petition", "/petitions/"), ("consultation", "/consultations/"), ("budget", "/budgets/"),
            ] {
                ids[key] = PortalTests.matches(#"href="\#(prefix)([0-9a-z-]{8,})""#, in: hub).first
            }
            browsers[.citizen] = citizen
            var admin = browsers[.administrator]!
            var with: [Scope: String] = [:]
            var without: [Scope: String] = [:]
            for scope in Scope.allCases {
                with[scope] = try await Self.token(&admin, [scope])
                without[scope] = try await Self.token(&admin, Scope.allCases.filter { $0 != scope })
            }
            browsers[.administrator] = admin

            var wrong: [String] = []
            for route in routes {
                guard let access = Self.table[route] else { continue }
                let parts = route.split(separator: " ", maxSplits: 1)
                let method = HTTPRequest.Method(String(parts[0]))!
                let path = Self.concrete(String(parts[1]), ids)
                let machine = RouteArea(path: path) == .machine
                for caller in Caller.allCases {
                    let response: TestResponse
                    switch caller {
                    case .clientWithScope, .clientWithoutScope:
                        guard machine else { continue }
                        var token: String?
                        switch access {
                        case .scope(let scope), .scopeOrPerson(let scope):
                            token = caller == .clientWithScope ? with[scope] : without[scope]
                        default: token = with[.identityRead]
                        }
                        var headers = Self.subsystem
                        headers[.authorization] = "Bearer \(token ?? "")"
                        var bare = Browser(client)
                        response = try await bare.request(
                            path, method: method, json: method == .get ? nil : "{}", headers: headers)
                    default:
                        var browser = browsers[caller]!
                        if machine {
                            response = try await browser.request(
                                path, method: method, json: method == .get ? nil : "{}", headers: Self.subsystem)
                        } else {
                            response =
                                method == .get ? try await browser.get(path) : try await browser.post(path, form: [:])
                        }
                        browsers[caller] = browser
                    }
                    let may = caller.may(access)
                    if response.status.code >= 500 {
                        wrong.append("\(route) as \(caller): \(response.status.code)")
                    } else if case .signInStep = access {
                        continue
                    } else if may && Self.refused(response) && response.status != .notFound {
                        wrong.append("\(route) as \(caller): refused with \(response.status.code), should pass")
                    } else if !may && !Self.refused(response) {
                        wrong.append("\(route) as \(caller): \(response.status.code), should be refused")
                    }
                }
            }
            #expect(wrong.isEmpty, "\(wrong.count) cells wrong:\n\(wrong.joined(separator: "\n"))")
        }
    }
}
