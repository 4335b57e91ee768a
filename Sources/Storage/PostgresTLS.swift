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
        if let query = url.split(separator: "?", maxSplits: 1).dropFirst().first {
            for item in query.split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
                guard pair.count == 2 else { continue }
                switch pair[0].lowercased() {
                case "sslmode", "tlsmode":
                    guard let parsed = Mode(rawValue: pair[1].lowercased()) else {
                        throw DatabaseLocationError(text: "sslmode=\(pair[1])")
                    }
                    mode = parsed
                case "sslrootcert": root = pair[1]
                default: continue
                }
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
