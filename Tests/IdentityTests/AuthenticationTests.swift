import Core
import Identity
import TestSupport
import Testing

@Suite struct AuthenticationTests {
    static let citizen = "11207199000417"

    @Test(arguments: TestEngine.available)
    func wrongPasswordAndUnknownAccountFailTheSameWay(engine: TestEngine) async throws {
        try await IdentityFixture.with(engine) { f async throws in
            let wrong = await #expect(throws: AuthenticationService.Failure.self) {
                try await f.authentication.signIn(
                    login: Self.citizen, password: "not the password", address: "10.0.0.1")
            }
            let unknown = await #expect(throws: AuthenticationService.Failure.self) {
                try await f.authentication.signIn(
                    login: "21503198500123", password: "not the password", address: "10.0.0.2")
            }
            #expect(wrong == .rejected)
            #expect(unknown == .rejected)
        }
    }

    @Test(arguments: TestEngine.available)
    func repeatedFailuresThrottleTheAccountEvenForTheRightPassword(engine: TestEngine) async throws {
        try await IdentityFixture.with(engine, attempts: 3) { f async throws in
            for i in 0..<3 {
                _ = try? await f.authentication.signIn(
                    login: Self.citizen, password: "guess \(i)", address: "10.0.0.\(i)")
            }
            let error = await #expect(throws: AuthenticationService.Failure.self) {
                try await f.authentication.signIn(login: Self.citizen, password: DemoData.password, address: "10.9.9.9")
            }
            // A guessed account waits a delay that grows with each failure (a minute after the third),
            // rather than being shut for the whole window.
            #expect(error == .throttled(retryAfterSeconds: 60))
            // Another account from a fresh address is not affected.
            _ = try await f.authentication.signIn(
                login: "20303198500231", password: DemoData.password, address: "10.8.8.8")
        }
    }

    @Test(arguments: TestEngine.available)
    func failuresForOtherAccountsFromASharedAddressLockNobodyOut(engine: TestEngine) async throws {
        try await IdentityFixture.with(engine, attempts: 3) { f async throws in
            // A mobile carrier's address: an attacker behind it tries 1,000 accounts.
            for n in 0..<1_000 {
                _ = try? await f.authentication.signIn(
                    login: "2150319850" + String(format: "%04d", n), password: "x", address: "192.0.2.7")
            }
            // Someone else behind the same address signs in with their right password.
            _ = try await f.authentication.signIn(
                login: Self.citizen, password: DemoData.password, address: "192.0.2.7")
            // The attacker guessing one account from that address is stopped, for that account only.
            for _ in 0..<3 {
                _ = try? await f.authentication.signIn(login: "20303198500231", password: "x", address: "192.0.2.7")
            }
            let error = await #expect(throws: AuthenticationService.Failure.self) {
                try await f.authentication.signIn(login: "20303198500231", password: "x", address: "192.0.2.7")
            }
            #expect(error == .throttled(retryAfterSeconds: 900))
        }
    }

    @Test(arguments: TestEngine.available)
    func sessionsAreStoredHashedAndEndEverywhere(engine: TestEngine) async throws {
        try await IdentityFixture.with(engine) { f async throws in
            let first = try await f.signIn(Self.citizen, address: "a")
            let second = try await f.signIn(Self.citizen, address: "b")
            #expect(try await f.authentication.principal(sessionToken: first)?.pin == Self.citizen)
            let stored = try await f.column("token_hash", of: "sessions")
            #expect(!stored.contains(first) && !stored.contains(second))
            let hashes = try await f.column("password_hash", of: "accounts")
            #expect(hashes.allSatisfy { $0.hasPrefix("$2") && !$0.contains(DemoData.password) })
            try await f.authentication.signOut(sessionToken: first)
            #expect(try await f.authentication.principal(sessionToken: first) == nil)
            #expect(try await f.authentication.principal(sessionToken: second) != nil)
            try await f.authentication.signOutEverywhere(pin: Self.citizen)
            #expect(try await f.authentication.principal(sessionToken: second) == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func apiTokensAreHashedScopedAndRevocable(engine: TestEngine) async throws {
        try await IdentityFixture.with(engine) { f async throws in
            let admin = try #require(
                try await f.authentication.principal(
                    sessionToken: try await f.signIn("11502198000555")))
            let citizen = try #require(
                try await f.authentication.principal(
                    sessionToken: try await f.signIn(Self.citizen)))
            await #expect(throws: DomainError.forbidden) {
                try await f.clients.issue(name: "x", agencyCode: "MOH", scopes: [.identityRead], by: citizen)
            }
            await #expect(throws: ValidationError.self) {
                try await f.clients.issue(name: " ", agencyCode: "MOH", scopes: [], by: admin)
            }
            let issued = try await f.clients.issue(
                name: "Health records", agencyCode: "MOH", scopes: [.identityRead], by: admin)
            #expect(!(try await f.column("token_hash", of: "api_clients")).contains(issued.token))
            let client = try #require(try await f.clients.authenticate(token: issued.token))
            #expect(throws: Never.self) { try AccessPolicy.require(.identityRead, of: client) }
            #expect(throws: DomainError.forbidden) { try AccessPolicy.require(.identityWrite, of: client) }
            try await f.clients.revoke(id: client.id, by: admin)
            #expect(try await f.clients.authenticate(token: issued.token) == nil)
        }
    }

    @Test func rolesGrantPermissionsInOnePlace() {
        let citizen = Principal(pin: Self.citizen, displayName: "A", post: nil)
        let clerk = Principal(
            pin: "20106198800712", displayName: "B",
            post: OfficialPost(agencyCode: "SRS", position: "", roles: [.clerk]))
        let admin = Principal(
            pin: "11502198000555", displayName: "C",
            post: OfficialPost(agencyCode: "MDD", position: "", roles: [.administrator]))
        #expect(AccessPolicy.permissions(of: citizen) == [.viewOwnCabinet])
        #expect(
            AccessPolicy.permissions(of: clerk) == [
                .viewOwnCabinet, .viewBackOffice, .readRegistries, .writeRegistries,
            ])
        #expect(
            !AccessPolicy.permissions(of: admin).contains(.readRegistries),
            "the platform administrator does not read registries by virtue of the role")
        #expect(AccessPolicy.permissions(of: admin).contains(.manageAPIClients))
        #expect(throws: DomainError.forbidden) { try AccessPolicy.require(.manageAPIClients, of: clerk) }
    }
}
