import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238) as every authenticator app computes them: HMAC-SHA1
/// over the number of 30-second steps since 1970, six digits.
public enum TOTP {
    /// Seconds per step.
    public static let period = 30

    /// The step that `seconds` (since 1970) falls in; negative times count as step 0.
    public static func step(at seconds: Int) -> Int { max(0, seconds) / period }

    /// The six-digit code of `secret` for `step` (RFC 4226's dynamic truncation).
    public static func code(secret: [UInt8], step: Int) -> String {
        var counter = UInt64(max(0, step)).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let value =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        let digits = String(value % 1_000_000)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// A new random 160-bit secret, in Base32 as authenticator apps take it.
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base32.encode((0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The `otpauth://` address an authenticator app reads (from a QR code or pasted).
    public static func provisioningURI(secret: String, account: String, issuer: String) -> String {
        let allowed = CharacterSet.alphanumerics
        let label = (issuer + ":" + account).addingPercentEncoding(withAllowedCharacters: allowed) ?? account
        let issuerParameter = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(secret)&issuer=\(issuerParameter)&algorithm=SHA1&digits=6&period=30"
    }
}

/// RFC 4648 Base32 without padding, the alphabet of authenticator secrets.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// `bytes` as upper-case Base32 without padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
            buffer &= (1 << bits) - 1
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of `text` (case, spaces and padding ignored), or nil when it is not Base32.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = 0
        var bits = 0
        for character in text.uppercased().utf8 where character != 0x20 && character != 0x3d {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> (bits - 8)) & 0xff))
                bits -= 8
            }
            buffer &= (1 << bits) - 1
        }
        return out
    }
}
