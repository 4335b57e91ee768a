import Storage
import Testing

/// The database URL's TLS settings, read as libpq reads them; the connection itself is tested end
/// to end against a cluster that refuses plain connections (Tests/EndToEnd/test_postgres_tls.py).
@Suite struct PostgresTLSTests {
    @Test func withoutSSLModeNoTLSIsTried() throws {
        let tls = try PostgresTLS(url: "postgres://u@127.0.0.1:5432/db")
        #expect(tls.mode == .disable && tls.rootCertificatePath == nil)
    }

    @Test func readsTheModeAndTheRootCertificate() throws {
        let tls = try PostgresTLS(
            url: "postgres://u@db.example:5432/tk?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem")
        #expect(tls.mode == .verifyFull && tls.rootCertificatePath == "/etc/ca.pem")
        #expect(try PostgresTLS(url: "postgres://u@h/db?application_name=x&sslmode=REQUIRE").mode == .require)
        #expect(try PostgresTLS(url: "postgres://u@h/db?sslmode=verify-ca").mode == .verifyCA)
    }

    @Test func anUnknownModeIsRefusedBeforeConnecting() {
        #expect(throws: DatabaseLocationError.self) { try PostgresTLS(url: "postgres://u@h/db?sslmode=sometimes") }
    }
}
