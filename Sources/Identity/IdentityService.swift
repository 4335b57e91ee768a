import Core
import Foundation
import SQLKit

/// Registers and looks up people and organisations; the one place their input is validated.
public struct IdentityService: Sendable {
    let store: any IdentityStore
    let passwords: PasswordHasher
    /// Regions and agencies change once in a long while but are read on nearly every page: kept a
    /// minute per node, so a change reaches every node within that minute.
    let regionCache = TTLCache<String, [Region]>(lifetime: .seconds(60))
    let agencyCache = TTLCache<String, [Agency]>(lifetime: .seconds(60))

    /// When people and organisations are registered.
    let clock: Clock

    public init(store: any IdentityStore, passwords: PasswordHasher, clock: Clock) {
        self.clock = clock
        self.store = store
        self.passwords = passwords
    }

    /// Validates every field, then stores the person (and an account when a password is given).
    /// Throws `ValidationError` listing all field problems, or `DomainError.conflict`; stores nothing then.
    @discardableResult
    public func register(_ input: PersonRegistration, by actor: LedgerActor = .subjectThemself, isDemo: Bool = false)
        async throws -> Registered<Person>
    {
        var errors: [FieldError] = []
        var pin: PIN?
        do { pin = try PIN(input.pin) } catch { errors += error.fields }
        let family = FieldRules.requiredName(input.familyName, field: "familyName", into: &errors)
        let given = FieldRules.requiredName(input.givenName, field: "givenName", into: &errors)
        let patronymic = FieldRules.optionalText(input.patronymic, field: "patronymic", limit: 100, into: &errors)
        let address = FieldRules.optionalText(input.address, field: "address", limit: 300, into: &errors)
        let phone = FieldRules.optionalText(input.phone, field: "phone", limit: 30, into: &errors)
        let email = FieldRules.email(input.email, into: &errors)
        let district = try await checkedDistrict(input.districtCode, into: &errors)
        if let password = input.password, password.count < FieldRules.minimumPasswordLength {
            errors.append(FieldError(field: "password", messageKey: "error_password_short"))
        }
        guard errors.isEmpty, let pin else { throw ValidationError(errors) }
        let person = Person(
            pin: pin.value, familyName: family, givenName: given, patronymic: patronymic,
            birthDate: pin.birthDate.description, sex: pin.sex.rawValue, districtCode: district,
            address: address, phone: phone, email: email, isDemo: isDemo
        )
        var hash: String?
        if let password = input.password { hash = await passwords.hash(password) }
        let index = try await store.insert(
            person, passwordHash: hash, now: clock.seconds, by: actor)
        return Registered(value: person, ledgerIndex: index)
    }

    /// Validates and stores an organisation, recording `representative` (a PIN) as its director.
    @discardableResult
    public func register(
        _ input: OrganisationRegistration, representative: String?, by actor: LedgerActor, isDemo: Bool = false
    ) async throws -> Registered<Organisation> {
        var errors: [FieldError] = []
        var inn: INN?
        do { inn = try INN(input.inn) } catch { errors += error.fields }
        let name = FieldRules.requiredName(input.name, field: "name", into: &errors)
        if !FieldRules.legalForms.contains(input.legalForm) {
            errors.append(FieldError(field: "legalForm", messageKey: "error_legal_form"))
        }
        let address = FieldRules.optionalText(input.address, field: "address", limit: 300, into: &errors)
        let district = try await checkedDistrict(input.districtCode, into: &errors)
        guard errors.isEmpty, let inn else { throw ValidationError(errors) }
        let organisation = Organisation(
            inn: inn.value, name: name, legalForm: input.legalForm, districtCode: district,
            address: address, registeredOn: inn.embeddedDate.description, isDemo: isDemo
        )
        let index = try await store.insert(
            organisation, representative: representative, capacity: "director", now: clock.seconds,
            by: actor)
        return Registered(value: organisation, ledgerIndex: index)
    }

    private func checkedDistrict(_ code: String?, into errors: inout [FieldError]) async throws -> String? {
        guard let code, !code.isEmpty else { return nil }
        let known = try await regions().flatMap(\.districts).contains { $0.code == code }
        if !known { errors.append(FieldError(field: "districtCode", messageKey: "error_district")) }
        return code
    }

    public func person(pin: String) async throws -> Person? { try await store.person(pin: pin) }

    /// The known people among `pins`, on the caller's transaction.
    public func people(pins: [String], on sql: any SQLDatabase) async throws -> [Person] {
        try await store.people(pins: pins, on: sql)
    }
    public func organisation(inn: String) async throws -> Organisation? { try await store.organisation(inn: inn) }
    /// All agencies (cached for a minute).
    public func agencies() async throws -> [Agency] {
        let store = self.store
        return try await agencyCache.value(for: "all") { try await store.agencies() }
    }

    /// All regions with their districts (cached for a minute).
    public func regions() async throws -> [Region] {
        let store = self.store
        return try await regionCache.value(for: "all") { try await store.regions() }
    }

    /// Everything the state holds about `pin`, for the personal cabinet.
    public func cabinet(pin: String) async throws -> Cabinet {
        guard let person = try await store.person(pin: pin) else { throw DomainError.notFound }
        let regions = try await regions()
        let place = regions.lazy.compactMap { region in
            region.districts.first { $0.code == person.districtCode }.map { (region, $0) }
        }.first
        let post = try await store.post(of: pin)
        var agency: Agency?
        if let post { agency = try await agencies().first { $0.code == post.agencyCode } }
        return Cabinet(
            person: person,
            region: place?.0.name, district: place?.1.name,
            organisations: try await store.organisations(representedBy: pin),
            post: post, agency: agency
        )
    }
}

/// What the personal cabinet shows: the person, where they live, whom they represent, their post.
public struct Cabinet: Sendable {
    public var person: Person
    public var region: LocalizedName?
    public var district: LocalizedName?
    public var organisations: [Organisation]
    public var post: OfficialPost?
    public var agency: Agency?
}

/// Something registered, with the index of its transparency-ledger entry (nil without a ledger).
public struct Registered<Value: Sendable>: Sendable {
    public var value: Value
    public var ledgerIndex: Int?
}
