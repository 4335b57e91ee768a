import HTTPTypes
import Hummingbird

/// The platform's address as the reader reached it (`https://portal.example.kg`), for links that
/// leave the page: a printed document's verification address, the commands on the ledger page.
enum PublicAddress {
    /// Scheme and host of `request`; behind a TLS-terminating proxy its `X-Forwarded-Proto` says https.
    static func base(of request: Request) -> String {
        let proto = request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" ? "https" : "http"
        let host = request.head.authority ?? "127.0.0.1"
        // A host is letters, digits, dots, dashes, a port, brackets for IPv6: anything else is not
        // printed on a document.
        let clean = host.allSatisfy { $0.isLetter || $0.isNumber || ".-:[]".contains($0) } ? host : "127.0.0.1"
        return proto + "://" + clean
    }
}
