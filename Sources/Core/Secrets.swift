import Crypto
import Foundation

/// Random tokens and their one-way digests, for sessions, CSRF and API clients.
///
/// Tokens are 256-bit random values; only `digest(of:)` is stored, so a copy of the database
/// cannot be used to sign in.
public enum Secrets {
    /// A new URL-safe random token with 256 bits of entropy.
    public static func token() -> String {
        // Four draws of 64 bits (one system call each), not 32 of 8: tokens are made on every page.
        var generator = SystemRandomNumberGenerator()
        let words = (0..<4).map { _ in generator.next().littleEndian }
        let base64 = words.withUnsafeBytes { Data($0) }.base64EncodedString()
        return String(
            String.UnicodeScalarView(
                base64.unicodeScalars.compactMap { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 == "=" ? nil : $0 }))
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
