import Core
import Identity
import SQLKit
import Storage
import TestSupport
import Testing

/// A migrated database with reference and demo data, and the identity services over it.
struct IdentityFixture {
    let database: Database
    let store: SQLIdentityStore
    let identity: IdentityService
    let authentication: AuthenticationService
    let clients: APIClientService

    static func with(_ engine: TestEngine, attempts: Int = 5, _ body: (IdentityFixture) async throws -> Void)
        async throws
    {
        try await engine.withDatabase(migrations: IdentityMigrations.all) { database in
            let passwords = PasswordHasher(cost: 4)
            try await DemoData.ensureReferenceData(database)
            try await DemoData.seed(database, passwords: passwords, clock: .system)
            let store = SQLIdentityStore(database: database)
            try await body(
                IdentityFixture(
                    database: database, store: store,
                    identity: IdentityService(store: store, passwords: passwords, clock: .system),
                    authentication: AuthenticationService(
                        identities: store, credentials: store, passwords: passwords,
                        policy: .init(attemptsPerWindow: attempts, windowSeconds: 900, sessionLifetimeSeconds: 3600),
                        clock: .system),
                    clients: APIClientService(store: store, clock: .system)
                ))
        }
    }

    /// Signs `pin` in with the demo password and, for an official, the demo authenticator's code of
    /// the first step near now not used yet; returns the full session's token.
    func signIn(_ pin: String, address: String = "a") async throws -> String {
        let signedIn = try await authentication.signIn(login: pin, password: DemoData.password, address: address)
        guard signedIn.secondFactor != nil else { return signedIn.token }
        let secret = try #require(Base32.decode(SecondFactor.demoSecret))
        let now = TOTP.step(at: Clock.system.seconds)
        for step in now - 1...now + 1 {
            if let full = try? await authentication.completeSecondFactor(
                sessionToken: signedIn.token, code: TOTP.code(secret: secret, step: step))
            {
                return full
            }
        }
        throw AuthenticationService.SecondFactorFailure.rejected
    }

    func count(_ table: String) async throws -> Int {
        try await database.withConnection { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decodingColumn: "n", as: Int.self)
                ?? -1
        }
    }

    func column(_ column: String, of table: String) async throws -> [String] {
        try await database.withConnection { sql in
            try await sql.raw("SELECT \(ident: column) AS v FROM \(ident: table)").all().map {
                try $0.decode(column: "v", as: String.self)
            }
        }
    }
}

@Suite struct RegistrationTests {
    @Test(arguments: TestEngine.available)
    func invalidInputIsRefusedWithEveryFieldProblemAndNothingStored(engine: TestEngine) async throws {
        try await IdentityFixture.with(engine) { f async throws in
            let before = try await f.count("people")
            let input = PersonRegistration(
                pin: "23102198500123", familyName: " ", givenName: "Айбек", districtCode: "NOWHERE",
                email: "not-an-email", password: "short")
            let error = await #expect(throws: ValidationError.self) { try await f.identity.register(input) }
            #expect(
                Set(error?.fields.map(\.field) ?? []) == ["pin", "familyName", "email", "districtCode", "password"])
            #expect(error?.fields.first { $0.field == "pin" }?.messageKey == "error_pin_date")
            #expect(try await f.count("people") == before)
            #expect(try await f.count("accounts") == before)
        }
    }

    @Test(arguments: TestEngine.available)
    func aValidPersonIsStoredWithTheDateFromThePIN(engine: TestEngine) async throws {
        try await IdentityFixture.with(engine) { f async throws in
            let person = try await f.identity.register(
                PersonRegistration(
                    pin: "2 1503 1985 00123", familyName: "Асанов", givenName: "Айбек",
                    districtCode: "NAR-NAR", password: "long enough password")
            ).value
            #expect(person.birthDate == "1985-03-15")
            #expect(person.sex == "male")
            #expect(try await f.identity.person(pin: "21503198500123") == person)
            let duplicate = await #expect(throws: DomainError.self) {
                try await f.identity.register(
                    PersonRegistration(pin: "21503198500123", familyName: "Другой", givenName: "Человек"))
            }
            #expect(duplicate == .conflict(field: "pin", messageKey: "error_pin_taken"))
            #expect(try await f.identity.person(pin: "21503198500123")?.familyName == "Асанов")
        }
    }

    @Test(arguments: TestEngine.available)
    func organisationsAreValidatedAndLinkedToTheirRepresentative(engine: TestEngine) async throws {
        try await IdentityFixture.with(engine) { f async throws in
            let before = try await f.count("organisations")
            await #expect(throws: ValidationError.self) {
                try await f.identity.register(
                    OrganisationRegistration(inn: "03202201510005", name: "X", legalForm: "LLC"),
                    representative: "11207199000417", by: .person("11207199000417"))
            }
            await #expect(throws: ValidationError.self) {
                try await f.identity.register(
                    OrganisationRegistration(inn: "01203201510099", name: "X", legalForm: "Corp"),
                    representative: "11207199000417", by: .person("11207199000417"))
            }
            #expect(try await f.count("organisations") == before)
            try await f.identity.register(
                OrganisationRegistration(inn: "01203201510099", name: "Тест ЖЧК", legalForm: "LLC"),
                representative: "11207199000417", by: .person("11207199000417"))
            let cabinet = try await f.identity.cabinet(pin: "11207199000417")
            #expect(cabinet.organisations.map(\.inn) == ["01203201510099"])
            #expect(cabinet.organisations.first?.registeredOn == "2015-03-12")
        }
    }

    @Test(arguments: TestEngine.available)
    func demoDataIsSeededOnceWithRealGeography(engine: TestEngine) async throws {
        try await IdentityFixture.with(engine) { f async throws in
            #expect(try await DemoData.seed(f.database, passwords: PasswordHasher(cost: 4), clock: .system) == false)
            let regions = try await f.identity.regions()
            #expect(regions.count == 9)
            #expect(regions.filter { $0.kind == "oblast" }.count == 7)
            #expect(try await f.identity.agencies().count == 12)
            #expect(Set(try await f.identity.agencies().map(\.branch)) == Set(Agency.Branch.allCases))
            for account in DemoData.accounts { _ = try PIN(account.pin) }
        }
    }
}
