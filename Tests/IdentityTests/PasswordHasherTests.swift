import Foundation
import Identity
import Testing

/// The hash checked for accounts that do not exist: no password matches it, and checking it costs
/// what checking a real hash of the same cost does (so a rejection does not tell which it was).
@Suite struct PasswordHasherTests {
    @Test func theDummyHashMatchesNothingAndCostsWhatARealOneDoes() async throws {
        let hasher = PasswordHasher(cost: 8)
        let real = await hasher.hash("correct horse")
        #expect(hasher.dummyHash.hasPrefix("$2b$08$") && hasher.dummyHash.count == real.count)
        for guess in ["", "correct horse", "password", String(repeating: "x", count: 72)] {
            #expect(await hasher.verify(guess, hash: hasher.dummyHash) == false)
        }
        let clock = ContinuousClock()
        var dummy = Duration.zero
        var genuine = Duration.zero
        for _ in 0..<5 {
            dummy += await clock.measure { _ = await hasher.verify("guess", hash: hasher.dummyHash) }
            genuine += await clock.measure { _ = await hasher.verify("guess", hash: real) }
        }
        // Generous bounds: a loaded machine varies, but a check that skips the work is ~1000 times faster.
        #expect(dummy > genuine / 4 && dummy < genuine * 4, "dummy \(dummy), real \(genuine)")
    }
}
