import Crypto
import Foundation

/// Random tokens and their one-way digests, for sessions, CSRF and API clients.
///
/// Tokens are 256-bit random values; only `digest(of:)` is stored, so a copy of the database
/// cannot be used to sign in.
public enum Secrets {
    /// A new URL-safe random token with 256 bits of entropy.
    public static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
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
