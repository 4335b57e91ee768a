import Crypto
import Foundation

/// Random tokens and their one-way digests, for sessions, CSRF and API clients.
///
/// Tokens are 256-bit random values; only `digest(of:)` is stored, so a copy of the database
/// cannot be used to sign in.
public enum Secrets {
    /// A new URL-safe random token with 256 bits of entropy.
    public static func token() -> String {
        let base64 = Data(randomBytes(32)).base64EncodedString()
        return String(
            String.UnicodeScalarView(
                base64.unicodeScalars.compactMap { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 == "=" ? nil : $0 }))
    }

    /// `count` random bytes from the system's generator, drawn 64 bits at a time: each draw is a
    /// system call, and ids and tokens are made on every submission and page.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next()) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }

    /// SHA-256 of `text` in lower-case hex.
    public static func digest(of text: String) -> String {
        Hex.encode(SHA256.hash(data: Data(text.utf8)))
    }

    /// Compares two strings in time independent of where they differ.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
