import ArgumentParser
import Foundation
import Registries
import Services

/// `tazakoom verify-document FILE [--keys KEYS.json]`: checks an issued document offline. The
/// signature is checked against the key in the file; with `--keys` (the JSON of
/// `/api/v1/agency-keys`), the key must also be the issuing agency's.
struct VerifyDocumentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-document", abstract: "Check a signed document (JSON) offline.")
    @Argument(help: "The document file, as downloaded from /documents/{id}/document.json.") var file: String
    @Option(
        help: "The agencies' public keys, as served at /api/v1/agency-keys; without it only the signature is checked.")
    var keys: String?

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        var trusted: [String: String]?
        if let keys {
            guard let text = FileManager.default.contents(atPath: keys).map({ String(decoding: $0, as: UTF8.self) }),
                case .object(let root)? = try? JSONValue.parse(text), case .array(let list)? = root["keys"]
            else { throw ValidationError("\(keys) is not the JSON of /api/v1/agency-keys") }
            trusted = [:]
            for case .object(let key) in list {
                if let id = key["keyId"]?.stringValue, let agency = key["agency"]?.stringValue { trusted?[id] = agency }
            }
        }
        do {
            let document = try IssuedDocument(json: String(decoding: data, as: UTF8.self))
            try DocumentVerification.check(document, trustedKeys: trusted)
            print(
                "valid: document \(document.id) issued by \(document.content["agency"]?.stringValue ?? "?") on \(document.content["issuedAt"]?.stringValue ?? "?"),"
                    + " signed with key \(document.signature.keyID)\(trusted == nil ? " (key not checked against the agencies' keys: pass --keys)" : ", an agency key")"
            )
            if let index = document.ledgerIndex {
                print("ledger entry: \(index) (check it with `tazakoom ledger verify-receipt`)")
            }
        } catch let failure as DocumentVerification.Failure {
            print("NOT VALID: \(failure)")
            throw ExitCode(1)
        }
    }
}
