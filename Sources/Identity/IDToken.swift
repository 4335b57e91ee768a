import Core
import Crypto
import Foundation
import _CryptoExtras

/// An OpenID Connect ID token, checked: signed by one of the provider's keys (RS256 or ES256),
/// issued by the provider to this client, not expired, and answering this login's nonce.
public struct IDToken: Sendable, Equatable {
    /// The claims, as strings (numbers in decimal).
    public var claims: [String: String]

    /// Why a token was not accepted.
    public enum Failure: Error, Equatable {
        case malformed
        case unsupportedAlgorithm(String)
        case unknownKey
        case badSignature
        case wrongIssuer
        case wrongAudience
        case expired
        case wrongNonce
    }

    /// Checks `token` against `keys` (a JWKS document) and the expected issuer, client and nonce,
    /// at `now` (seconds), allowing a minute of clock difference.
    public static func verify(
        _ token: String, keys jwks: Data, issuer: String, clientID: String, nonce: String, now: Int
    ) throws(Failure) -> IDToken {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let decoder = JSONDecoder()
        guard parts.count == 3, let headerData = base64URL(parts[0]), let payloadData = base64URL(parts[1]),
            let signature = base64URL(parts[2]),
            let header = try? decoder.decode(Header.self, from: headerData),
            let payload = try? decoder.decode([String: Claim].self, from: payloadData)
        else { throw .malformed }
        let signed = Data((parts[0] + "." + parts[1]).utf8)
        guard let keys = try? decoder.decode(KeySet.self, from: jwks).keys else { throw .unknownKey }
        let candidates = keys.filter { header.kid == nil || $0.kid == header.kid }
        guard !candidates.isEmpty else { throw .unknownKey }
        var valid = false
        switch header.alg {
        case "ES256":
            for key in candidates where key.kty == "EC" && key.crv == "P-256" {
                guard let x = key.x.flatMap({ base64URL(Substring($0)) }),
                    let y = key.y.flatMap({ base64URL(Substring($0)) }),
                    let publicKey = try? P256.Signing.PublicKey(rawRepresentation: x + y),
                    let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
                else { continue }
                if publicKey.isValidSignature(ecdsa, for: signed) { valid = true }
            }
        case "RS256":
            for key in candidates where key.kty == "RSA" {
                guard let n = key.n.flatMap({ base64URL(Substring($0)) }),
                    let e = key.e.flatMap({ base64URL(Substring($0)) }),
                    let publicKey = try? _RSA.Signing.PublicKey(n: n, e: e)
                else { continue }
                let rsa = _RSA.Signing.RSASignature(rawRepresentation: signature)
                if publicKey.isValidSignature(rsa, for: signed, padding: .insecurePKCS1v1_5) { valid = true }
            }
        default:
            // "none" and symmetric algorithms would let anyone who knows the client mint tokens.
            throw .unsupportedAlgorithm(header.alg)
        }
        guard valid else { throw .badSignature }
        let claims = payload.compactMapValues(\.text)
        guard claims["iss"] == issuer else { throw .wrongIssuer }
        guard payload["aud"]?.texts.contains(clientID) == true else { throw .wrongAudience }
        guard let expiry = claims["exp"].flatMap(Int.init), expiry > now - 60,
            (claims["iat"].flatMap(Int.init) ?? now) <= now + 60
        else { throw .expired }
        guard let sent = claims["nonce"], Secrets.constantTimeEquals(sent, nonce) else { throw .wrongNonce }
        return IDToken(claims: claims)
    }

    /// A JOSE header: the algorithm and, usually, which key.
    struct Header: Decodable {
        var alg: String
        var kid: String?
    }

    /// A JWK set as providers publish it (EC and RSA keys; other members are ignored).
    struct KeySet: Decodable {
        struct Key: Decodable {
            var kty: String
            var kid: String?
            var crv: String?
            var x: String?
            var y: String?
            var n: String?
            var e: String?
        }
        var keys: [Key]
    }

    /// One claim's value: text, a number (kept as its decimal text), a list of texts (`aud`), or
    /// something this platform does not read.
    enum Claim: Decodable {
        case text(String)
        case list([String])
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if let number = try? container.decode(Int.self) {
                self = .text(String(number))
            } else if let number = try? container.decode(Double.self) {
                self = .text(String(number))
            } else if let list = try? container.decode([String].self) {
                self = .list(list)
            } else {
                self = .other
            }
        }

        /// The value as one text, when it is one.
        var text: String? {
            if case .text(let value) = self { return value }
            return nil
        }

        /// The value as texts: one, or a list.
        var texts: [String] {
            switch self {
            case .text(let value): [value]
            case .list(let values): values
            case .other: []
            }
        }
    }

    /// Base64url without padding, as JOSE writes it.
    static func base64URL(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }

    /// `data` as base64url without padding.
    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
