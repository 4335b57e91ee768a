import Foundation
import NIOSSL
import PostgresNIO

/// TLS to PostgreSQL, from the database URL's query as libpq reads it, so that operators' habits
/// carry over: `sslmode` (`disable`, `prefer`, `require`, `verify-ca`, `verify-full`) and
/// `sslrootcert` (a PEM file of the certificate authorities to trust, for a server certificate of
/// the deployment's own CA).
///
/// As in libpq, `require` encrypts without checking the certificate unless `sslrootcert` is given
/// (then it checks the chain, as `verify-ca` does); `verify-ca` checks the chain, not the host
/// name; `verify-full` checks both. Without `sslmode`, no TLS is attempted (the embedded test
/// clusters and a database on the same host need none).
public struct PostgresTLS: Sendable, Equatable {
    /// The libpq modes.
    public enum Mode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// How strictly the connection is protected.
    public var mode: Mode
    /// The trusted certificate authorities (PEM), if not the system's.
    public var rootCertificatePath: String?

    /// Reads `sslmode` and `sslrootcert` from `url`'s query; an unknown mode or an unreadable
    /// certificate file is refused before any connection is tried.
    public init(url: String) throws(DatabaseLocationError) {
        var mode = Mode.disable
        var root: String?
        // The same parser SQLKit reads the rest of the URL with, percent-encoding included.
        for item in URLComponents(string: url)?.queryItems ?? [] {
            guard let value = item.value else { continue }
            switch item.name.lowercased() {
            case "sslmode", "tlsmode":
                guard let parsed = Mode(rawValue: value.lowercased()) else {
                    throw DatabaseLocationError(text: "sslmode=\(value)")
                }
                mode = parsed
            case "sslrootcert": root = value
            default: continue
            }
        }
        self.mode = mode
        self.rootCertificatePath = root
    }

    /// The client's TLS setting for PostgresNIO.
    func configuration() throws -> PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let rootCertificatePath {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(rootCertificatePath))
        }
        switch mode {
        case .disable: return .disable
        case .prefer:
            tls.certificateVerification = .none
            return .prefer(tls)
        case .require:
            tls.certificateVerification = rootCertificatePath == nil ? .none : .noHostnameVerification
            return .require(tls)
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
            return .require(tls)
        case .verifyFull:
            tls.certificateVerification = .fullVerification
            return .require(tls)
        }
    }
}
