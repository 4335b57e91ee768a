import Core
import Foundation
import Hummingbird
import Identity

/// The citizen portal: home, sign-in and out, registration, the personal cabinet.
struct PortalController: Sendable {
    let identity: IdentityService
    let authentication: AuthenticationService
    /// Whether the sign-in page offers the national identification provider.
    let nationalSignIn: Bool
    let cookies: CookieFactory
    let pages: PageRenderer
    let sessionLifetimeSeconds: Int

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.home.pattern, use: home)
        router.get(Route.signIn.pattern, use: signInPage)
        router.post(Route.signIn.pattern, use: signIn)
        router.post(Route.signOut.pattern, use: signOut)
        router.post(Route.signOutEverywhere.pattern, use: signOutEverywhere)
        router.get(Route.register.pattern, use: registerPage)
        router.post(Route.register.pattern, use: registerPerson)
        router.get(Route.cabinet.pattern, use: cabinet)
        router.get(Route.newOrganisation.pattern, use: organisationPage)
        router.post(Route.organisations.pattern, use: registerOrganisation)
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = context.language
        let agencies = try await identity.agencies()
        let branches = Agency.Branch.allCases.map { branch in
            HomePage.Branch(
                name: pages.text("branch_\(branch.rawValue)", language),
                agencies: agencies.filter { $0.branch == branch }.map { HomePage.Named(name: $0.name.text(language)) })
        }
        let regions = try await identity.regions().map {
            HomePage.Region(name: $0.name.text(language), districtCount: $0.districts.count)
        }
        return pages.render(
            "home", titleKey: "home_title", request: request, context: context,
            page: HomePage(branches: branches, regions: regions))
    }

    @Sendable func signInPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = Self.safeNext(request.uri.queryParameters["next"].map(String.init))
        let failure = request.uri.queryParameters["failed"].map(String.init).flatMap { key in
            NationalSignInController.failureKeys.contains(key) ? pages.text(key, context.language) : nil
        }
        let page = SignInPage(
            next: next, registered: request.uri.queryParameters["registered"] != nil, failure: failure,
            national: nationalSignIn)
        return pages.render(
            "signin", titleKey: "signin_title", request: request, context: context, page: page,
            errors: failure.map { ErrorSummary(message: $0, target: "national-signin") } ?? .none)
    }

    @Sendable func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData.read(request)
        let next = Self.safeNext(form["next"])
        do {
            let signedIn = try await authentication.signIn(
                login: form["pin"], password: form["password"], address: context.remoteAddress)
            // Signing in ends whatever session this browser had (another person's, perhaps).
            if let earlier = context.sessionToken { try await authentication.signOut(sessionToken: earlier) }
            return cookies.signedIn(signedIn, next: next, lifetime: sessionLifetimeSeconds)
        } catch let failure as AuthenticationService.Failure {
            // The same words and status whether the PIN is unknown or the password wrong.
            let (status, key): (HTTPResponse.Status, String) =
                switch failure {
                case .rejected: (.unauthorized, "error_signin_failed")
                case .throttled: (.tooManyRequests, "error_signin_throttled")
                }
            var response = pages.render(
                "signin", titleKey: "signin_title", request: request, context: context, status: status,
                page: SignInPage(
                    next: next, failure: pages.text(key, context.language), pin: form["pin"], national: nationalSignIn),
                errors: ErrorSummary(message: pages.text(key, context.language), target: "pin"))
            if case .throttled(let seconds) = failure { response.headers[.retryAfter] = String(seconds) }
            return response
        }
    }

    @Sendable func signOut(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let token = context.sessionToken { try await authentication.signOut(sessionToken: token) }
        var response = Response.redirect(to: Route.home.rawValue)
        response.setCookie(cookies.expired(CookieFactory.session))
        return response
    }

    @Sendable func signOutEverywhere(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.signedIn(context)
        try await authentication.signOutEverywhere(pin: principal.pin)
        var response = Response.redirect(to: Route.home.rawValue)
        response.setCookie(cookies.expired(CookieFactory.session))
        return response
    }

    @Sendable func registerPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await registerForm(request, context: context, form: FormData(""), errors: [], status: .ok)
    }

    @Sendable func registerPerson(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData.read(request)
        let input = PersonRegistration(
            pin: form["pin"], familyName: form["familyName"], givenName: form["givenName"],
            patronymic: form["patronymic"],
            districtCode: form["districtCode"], address: form["address"], phone: form["phone"], email: form["email"],
            password: form["password"]
        )
        do {
            try await identity.register(input)
            return .redirect(to: Route.signIn.path(query: [("registered", "1")]))
        } catch let error as ValidationError {
            return try await registerForm(
                request, context: context, form: form, errors: error.fields, status: .unprocessableContent)
        } catch DomainError.conflict(let field, let key) {
            return try await registerForm(
                request, context: context, form: form, errors: [FieldError(field: field, messageKey: key)],
                status: .conflict)
        }
    }

    private func registerForm(
        _ request: Request, context: AppRequestContext, form: FormData, errors: [FieldError],
        status: HTTPResponse.Status
    ) async throws -> Response {
        let view = FormView(language: context.language, values: form, errors: errors)
        let fields: [FieldModel] = [
            view.field(
                "pin", label: "field_pin", hint: "field_pin_hint", autocomplete: "username", inputmode: "numeric"),
            view.field("familyName", label: "field_family_name", autocomplete: "family-name"),
            view.field("givenName", label: "field_given_name", autocomplete: "given-name"),
            view.field("patronymic", label: "field_patronymic", optional: true, autocomplete: "additional-name"),
            view.select(
                "districtCode", label: "field_district", optional: true,
                choices: try await districtChoices(context.language)),
            view.field("address", label: "field_address", optional: true, autocomplete: "address-line1"),
            view.field("phone", label: "field_phone", type: "tel", optional: true, autocomplete: "tel"),
            view.field("email", label: "field_email", type: "email", optional: true, autocomplete: "email"),
            view.field(
                "password", label: "field_password", type: "password", hint: "field_password_hint",
                autocomplete: "new-password", keepValue: false),
        ]
        return pages.render(
            "register", titleKey: "register_title", request: request, context: context, status: status,
            page: FormPage(fields: fields), errors: ErrorSummary(errors, context.language))
    }

    private func districtChoices(_ language: Language) async throws -> [(String, String)] {
        let regions = try await identity.regions()
        return [("", pages.text("field_choose", language))]
            + regions.flatMap { region in
                region.districts.map { ($0.code, "\(region.name.text(language)) — \($0.name.text(language))") }
            }
    }

    /// A job title in the reader's language when the catalog knows it (`position_chief_architect`),
    /// else as the agency wrote it.
    static func position(_ title: String, _ language: Language) -> String {
        let key = "position_" + title.lowercased().split(whereSeparator: { !$0.isLetter }).joined(separator: "_")
        return Catalog.shipped.table(language)[key] ?? title
    }

    @Sendable func cabinet(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.signedIn(context)
        try AccessPolicy.require(.viewOwnCabinet, of: principal)
        let language = context.language
        let cabinet = try await identity.cabinet(pin: principal.pin)
        let p = cabinet.person
        let permissions = AccessPolicy.permissions(of: principal)
        let page = CabinetPage(
            person: .init(
                fullName: p.fullName, pin: p.pin, birthDate: DisplayTime.date(iso: p.birthDate, language),
                sexText: pages.text("sex_\(p.sex)", language),
                region: cabinet.region?.text(language) ?? "—", district: cabinet.district?.text(language) ?? "—",
                address: p.address.isEmpty ? "—" : p.address, phone: p.phone.isEmpty ? "—" : p.phone,
                email: p.email.isEmpty ? "—" : p.email, isDemo: p.isDemo),
            organisations: cabinet.organisations.map {
                .init(
                    name: $0.name, inn: $0.inn, legalForm: pages.text("legal_form_\($0.legalForm)", language),
                    registeredOn: DisplayTime.date(iso: $0.registeredOn, language))
            },
            hasOrganisations: !cabinet.organisations.isEmpty,
            assurance: pages.text("assurance_\(principal.assurance.rawValue)", language),
            canRaise: principal.assurance == .low,
            post: cabinet.post.map { post in
                .init(
                    agency: cabinet.agency?.name.text(language) ?? post.agencyCode,
                    position: Self.position(post.position, language),
                    roles: post.roles.map { pages.text("role_\($0.rawValue)", language) }.joined(separator: ", "),
                    canSearch: permissions.contains(.readRegistries))
            })
        return pages.render("cabinet", titleKey: "cabinet_title", request: request, context: context, page: page)
    }

    @Sendable func organisationPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try Self.signedIn(context)
        return try await organisationForm(request, context: context, form: FormData(""), errors: [], status: .ok)
    }

    @Sendable func registerOrganisation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try Self.signedIn(context)
        let form = try await FormData.read(request)
        let input = OrganisationRegistration(
            inn: form["inn"], name: form["name"], legalForm: form["legalForm"], districtCode: form["districtCode"],
            address: form["address"])
        do {
            try await identity.register(input, representative: principal.pin, by: .person(principal.pin))
            return .redirect(to: Route.cabinet.rawValue)
        } catch let error as ValidationError {
            return try await organisationForm(
                request, context: context, form: form, errors: error.fields, status: .unprocessableContent)
        } catch DomainError.conflict(let field, let key) {
            return try await organisationForm(
                request, context: context, form: form, errors: [FieldError(field: field, messageKey: key)],
                status: .conflict)
        }
    }

    private func organisationForm(
        _ request: Request, context: AppRequestContext, form: FormData, errors: [FieldError],
        status: HTTPResponse.Status
    ) async throws -> Response {
        let language = context.language
        let view = FormView(language: language, values: form, errors: errors)
        let forms =
            [("", pages.text("field_choose", language))]
            + ["LLC", "JSC", "IE", "NGO", "state"].map { ($0, pages.text("legal_form_\($0)", language)) }
        let fields: [FieldModel] = [
            view.field("inn", label: "field_inn", hint: "field_inn_hint", inputmode: "numeric"),
            view.field("name", label: "field_org_name", autocomplete: "organization"),
            view.select("legalForm", label: "field_legal_form", choices: forms),
            view.select(
                "districtCode", label: "field_district", optional: true, choices: try await districtChoices(language)),
            view.field("address", label: "field_address", optional: true),
        ]
        return pages.render(
            "organisation_new", titleKey: "org_title", request: request, context: context, status: status,
            page: FormPage(fields: fields), errors: ErrorSummary(errors, language))
    }

    /// The signed-in person, or `DomainError.unauthenticated` (which sends people to sign in).
    static func signedIn(_ context: AppRequestContext) throws -> Principal {
        guard let principal = context.principal else { throw DomainError.unauthenticated }
        return principal
    }

    /// Only local paths, so a crafted link cannot send people to another site after sign-in.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else {
            return Route.cabinet.rawValue
        }
        return next
    }
}

/// The home page: the state's branches with their agencies, and the regions.
struct HomePage: Encodable, Sendable {
    /// Something shown by name only.
    struct Named: Encodable, Sendable { var name: String }
    /// A branch of government and its agencies.
    struct Branch: Encodable, Sendable {
        var name: String
        var agencies: [Named]
    }
    /// A region and how many districts it has.
    struct Region: Encodable, Sendable {
        var name: String
        var districtCount: Int
    }
    var branches: [Branch]
    var regions: [Region]
}

/// The sign-in form, after a failed attempt with the reason and the PIN typed.
struct SignInPage: Encodable, Sendable {
    var next: String
    var registered = false
    var failure: String?
    var pin: String?
    /// Offer "sign in through the national identification system".
    var national = false
}

/// A page that is one form of `field.mustache` fields.
struct FormPage: Encodable, Sendable {
    var fields: [FieldModel]
}

/// The personal cabinet: the person's record, their companies and, for an official, their post.
struct CabinetPage: Encodable, Sendable {
    /// The person as the population register holds them.
    struct Person: Encodable, Sendable {
        var fullName: String
        var pin: String
        var birthDate: String
        var sexText: String
        var region: String
        var district: String
        var address: String
        var phone: String
        var email: String
        var isDemo: Bool
    }
    /// A company the person represents.
    struct Organisation: Encodable, Sendable {
        var name: String
        var inn: String
        var legalForm: String
        var registeredOn: String
    }
    /// An official's post.
    struct Post: Encodable, Sendable {
        var agency: String
        var position: String
        var roles: String
        var canSearch: Bool
    }
    var person: Person
    var organisations: [Organisation]
    var hasOrganisations: Bool
    /// The account's level of assurance, in words, and whether the person can raise it here.
    var assurance: String
    var canRaise: Bool
    var post: Post?
}
