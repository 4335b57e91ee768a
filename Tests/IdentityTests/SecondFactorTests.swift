import Core
import Identity
import SQLKit
import TestSupport
import Testing

@Suite struct SecondFactorTests {
    static let administrator = "11502198000555"
    static let clerk = "20106198800712"

    /// RFC 6238 appendix B (SHA-1 rows), last six digits.
    @Test func codesMatchTheRFCVectors() throws {
        let secret = Array("12345678901234567890".utf8)
        #expect(TOTP.code(secret: secret, step: TOTP.step(at: 59)) == "287082")
        #expect(TOTP.code(secret: secret, step: TOTP.step(at: 1_111_111_109)) == "081804")
        #expect(TOTP.code(secret: secret, step: TOTP.step(at: 2_000_000_000)) == "279037")
        #expect(Base32.decode(Base32.encode(secret)) == secret)
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("not base32!") == nil)
    }

    @Test(arguments: TestEngine.available)
    func anOfficialsPasswordAloneOpensNothing(engine: TestEngine) async throws {
        try await IdentityFixture.with(engine) { f async throws in
            let half = try await f.authentication.signIn(
                login: Self.clerk, password: DemoData.password, address: "a")
            #expect(half.secondFactor == .code)
            #expect(try await f.authentication.principal(sessionToken: half.token) == nil)
            let wrong = await #expect(throws: AuthenticationService.SecondFactorFailure.self) {
                try await f.authentication.completeSecondFactor(sessionToken: half.token, code: "000000")
            }
            #expect(wrong == .rejected)
            let malformed = await #expect(throws: AuthenticationService.SecondFactorFailure.self) {
                try await f.authentication.completeSecondFactor(sessionToken: half.token, code: "12; DROP")
            }
            #expect(malformed == .malformed)
            let full = try await f.authentication.completeSecondFactor(
                sessionToken: half.token, code: Self.demoCode(at: Clock.system.seconds))
            #expect(full != half.token)
            #expect(try await f.authentication.principal(sessionToken: full)?.pin == Self.clerk)
            // The waiting session is gone: it cannot be completed twice.
            #expect(try await f.authentication.pendingSecondFactor(sessionToken: half.token) == nil)
            // A citizen has no second step.
            #expect(
                try await f.authentication.signIn(login: "11207199000417", password: DemoData.password, address: "a")
                    .secondFactor == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func aCodeIsAcceptedOnce(engine: TestEngine) async throws {
        try await IdentityFixture.with(engine) { f async throws in
            let code = Self.demoCode(at: Clock.system.seconds + 30)
            let first = try await f.authentication.signIn(login: Self.clerk, password: DemoData.password, address: "a")
            _ = try await f.authentication.completeSecondFactor(sessionToken: first.token, code: code)
            let second = try await f.authentication.signIn(login: Self.clerk, password: DemoData.password, address: "a")
            let replay = await #expect(throws: AuthenticationService.SecondFactorFailure.self) {
                try await f.authentication.completeSecondFactor(sessionToken: second.token, code: code)
            }
            #expect(replay == .rejected)
        }
    }

    @Test(arguments: TestEngine.available)
    func enrolmentGivesRecoveryCodesThatWorkOnce(engine: TestEngine) async throws {
        try await IdentityFixture.with(engine) { f async throws in
            // An official without an authenticator yet (as every new official is).
            try await f.database.withConnection { sql in
                try await sql.raw("UPDATE accounts SET totp_secret = NULL WHERE pin = \(bind: Self.administrator)")
                    .run()
            }
            let half = try await f.authentication.signIn(
                login: Self.administrator, password: DemoData.password, address: "a")
            #expect(half.secondFactor == .enrol)
            let offer = try await f.authentication.offerAuthenticator(sessionToken: half.token)
            #expect(try await f.authentication.offerAuthenticator(sessionToken: half.token).secret == offer.secret)
            #expect(offer.uri.hasPrefix("otpauth://totp/Taza%20Koom%3A\(Self.administrator)?secret=\(offer.secret)"))
            let secret = try #require(Base32.decode(offer.secret))
            await #expect(throws: AuthenticationService.SecondFactorFailure.rejected) {
                try await f.authentication.enrolAuthenticator(sessionToken: half.token, code: "123456")
            }
            let (full, codes) = try await f.authentication.enrolAuthenticator(
                sessionToken: half.token, code: TOTP.code(secret: secret, step: TOTP.step(at: Clock.system.seconds)))
            #expect(codes.count == 10 && Set(codes).count == 10)
            #expect(try await f.authentication.principal(sessionToken: full)?.pin == Self.administrator)
            // Only digests are kept.
            #expect(try await f.column("code_hash", of: "recovery_codes").allSatisfy { !codes.contains($0) })

            let next = try await f.authentication.signIn(
                login: Self.administrator, password: DemoData.password, address: "a")
            #expect(next.secondFactor == .code)
            _ = try await f.authentication.completeSecondFactor(sessionToken: next.token, code: codes[3].uppercased())
            let again = try await f.authentication.signIn(
                login: Self.administrator, password: DemoData.password, address: "a")
            await #expect(throws: AuthenticationService.SecondFactorFailure.rejected) {
                try await f.authentication.completeSecondFactor(sessionToken: again.token, code: codes[3])
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func wrongCodesAreThrottled(engine: TestEngine) async throws {
        try await IdentityFixture.with(engine, attempts: 3) { f async throws in
            let half = try await f.authentication.signIn(login: Self.clerk, password: DemoData.password, address: "a")
            for _ in 0..<3 {
                _ = try? await f.authentication.completeSecondFactor(sessionToken: half.token, code: "999999")
            }
            let error = await #expect(throws: AuthenticationService.SecondFactorFailure.self) {
                try await f.authentication.completeSecondFactor(
                    sessionToken: half.token, code: Self.demoCode(at: Clock.system.seconds))
            }
            #expect(error == .throttled(retryAfterSeconds: 900))
        }
    }

    static func demoCode(at seconds: Int) -> String {
        TOTP.code(secret: Base32.decode(SecondFactor.demoSecret) ?? [], step: TOTP.step(at: seconds))
    }
}
