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
        guard parts.count == 3, let headerData = base64URL(parts[0]), let payloadData = base64URL(parts[1]),
            let signature = base64URL(parts[2]),
            let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any],
            let payload = (try? JSONSerialization.jsonObject(with: payloadData)) as? [String: Any],
            let algorithm = header["alg"] as? String
        else { throw .malformed }
        let signed = Data((parts[0] + "." + parts[1]).utf8)
        let kid = header["kid"] as? String
        guard let document = (try? JSONSerialization.jsonObject(with: jwks)) as? [String: Any],
            let keys = document["keys"] as? [[String: Any]]
        else { throw .unknownKey }
        let candidates = keys.filter { key in kid == nil || key["kid"] as? String == kid }
        guard !candidates.isEmpty else { throw .unknownKey }
        var valid = false
        switch algorithm {
        case "ES256":
            for key in candidates where key["kty"] as? String == "EC" && key["crv"] as? String == "P-256" {
                guard let x = (key["x"] as? String).flatMap({ base64URL(Substring($0)) }),
                    let y = (key["y"] as? String).flatMap({ base64URL(Substring($0)) }),
                    let publicKey = try? P256.Signing.PublicKey(rawRepresentation: x + y),
                    let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
                else { continue }
                if publicKey.isValidSignature(ecdsa, for: signed) { valid = true }
            }
        case "RS256":
            for key in candidates where key["kty"] as? String == "RSA" {
                guard let n = (key["n"] as? String).flatMap({ base64URL(Substring($0)) }),
                    let e = (key["e"] as? String).flatMap({ base64URL(Substring($0)) }),
                    let publicKey = try? _RSA.Signing.PublicKey(n: n, e: e)
                else { continue }
                let rsa = _RSA.Signing.RSASignature(rawRepresentation: signature)
                if publicKey.isValidSignature(rsa, for: signed, padding: .insecurePKCS1v1_5) { valid = true }
            }
        default:
            // "none" and symmetric algorithms would let anyone who knows the client mint tokens.
            throw .unsupportedAlgorithm(algorithm)
        }
        guard valid else { throw .badSignature }
        var claims: [String: String] = [:]
        for (name, value) in payload {
            switch value {
            case let text as String: claims[name] = text
            case let number as NSNumber: claims[name] = number.stringValue
            default: continue
            }
        }
        guard claims["iss"] == issuer else { throw .wrongIssuer }
        let audiences = (payload["aud"] as? [String]) ?? (payload["aud"] as? String).map { [$0] } ?? []
        guard audiences.contains(clientID) else { throw .wrongAudience }
        guard let expiry = claims["exp"].flatMap(Int.init), expiry > now - 60,
            (claims["iat"].flatMap(Int.init) ?? now) <= now + 60
        else { throw .expired }
        guard let sent = claims["nonce"], Secrets.constantTimeEquals(sent, nonce) else { throw .wrongNonce }
        return IDToken(claims: claims)
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
