import Core
import Crypto
import Foundation
import Ledger
import ZIPFoundation

/// Everything needed to prove, offline and years later, what one exchange message said and that
/// it was logged: the log line, the two signed seals and the keys that signed them (from the
/// operator's signed configuration), the bodies when the node kept them, and the ledger receipt
/// (the entry, its inclusion proof and a signed checkpoint). One ZIP file.
public struct EvidencePackage: Sendable, Equatable {
    /// File name to contents.
    public var files: [String: Data]

    public init(files: [String: Data]) { self.files = files }

    public static let message = "message.json"
    public static let configuration = "global-configuration.txt"
    public static let operatorKey = "operator-key.txt"
    public static let receipt = "ledger-receipt.txt"
    public static let ledgerKey = "ledger-key.txt"
    public static let requestBody = "request-body.bin"
    public static let responseBody = "response-body.bin"
    static let required = [message, configuration, operatorKey, receipt, ledgerKey]
    static let optional = [requestBody, responseBody]

    /// The package as a ZIP archive (stored, not compressed: the bytes stay readable).
    public func zip() throws -> Data {
        let archive = try Archive(accessMode: .create)
        for name in files.keys.sorted() {
            // A copy from index 0: a slice's indices would not start at 0.
            let data = Data(files[name] ?? Data())
            try archive.addEntry(
                with: name, type: .file, uncompressedSize: Int64(data.count),
                modificationDate: Date(timeIntervalSince1970: 0),
                provider: { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                })
        }
        guard var data = archive.data, data.count >= 22 else {
            throw EvidenceError("the archive could not be written")
        }
        // The archive's comment holds the SHA-256 of every byte before it: the CRCs leave some
        // bytes unchecked (timestamps, version fields), and not one byte may change unnoticed.
        let length = UInt16(Self.sealPrefix.utf8.count + 64)
        data[data.count - 2] = UInt8(length & 0xFF)
        data[data.count - 1] = UInt8(length >> 8)
        data.append(contentsOf: Array((Self.sealPrefix + Hex.encode(SHA256.hash(data: data))).utf8))
        return data
    }

    static let sealPrefix = "tazakoom-evidence-sha256:"

    /// Whether `data` ends in the comment `zip()` writes, and its digest matches every byte before it.
    static func isIntact(_ data: Data) -> Bool {
        let commentLength = sealPrefix.utf8.count + 64
        guard data.count > commentLength + 22 else { return false }
        let bytes = [UInt8](data)
        let end = bytes.count - commentLength
        guard bytes[end - 2] == UInt8(commentLength & 0xFF), bytes[end - 1] == UInt8(commentLength >> 8),
            String(decoding: bytes[end...], as: UTF8.self)
                == sealPrefix + Hex.encode(SHA256.hash(data: bytes[..<end]))
        else { return false }
        return true
    }

    /// Reads a package from its bytes (see `read(zipFile:)`).
    public static func read(zip data: Data) throws -> EvidencePackage {
        // Read from a file, not from memory: ZIPFoundation's in-memory reader traps on an archive
        // whose offsets point past its end, and a damaged package must be refused, not crash.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString).zip")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try read(zipFile: file)
    }

    /// Reads a package from a ZIP file, checking each file's CRC; refuses files it does not expect.
    public static func read(zipFile url: URL) throws -> EvidencePackage {
        guard let whole = try? Data(contentsOf: url), whole.count <= 256 << 20 else {
            throw EvidenceError("the file cannot be read")
        }
        guard isIntact(whole) else { throw EvidenceError("the package was changed after it was made") }
        guard let archive = try? Archive(url: url, accessMode: .read) else {
            throw EvidenceError("not a ZIP archive")
        }
        var files: [String: Data] = [:]
        for entry in archive {
            guard (required + optional).contains(entry.path), files[entry.path] == nil, entry.type == .file,
                entry.uncompressedSize <= 64 << 20
            else { throw EvidenceError("unexpected entry \(entry.path)") }
            var contents = Data()
            do {
                _ = try archive.extract(entry, consumer: { contents.append($0) })
            } catch {
                throw EvidenceError("\(entry.path) is damaged (its checksum does not match)")
            }
            files[entry.path] = contents
        }
        return EvidencePackage(files: files)
    }

    /// What a package proves once verified.
    public struct Verified: Sendable {
        public var message: MessageRecord
        public var ledgerIndex: Int
        public var checkpointSize: Int
        public var bodiesIncluded: Bool
    }

    /// Checks everything: both signatures with the members' keys from the operator-signed
    /// configuration, that the response answers this request, that the log line tells what the
    /// seals say, the bodies against their digests, and that the ledger holds the log line. The
    /// keys in the package are checked against `operatorKey` and `ledgerKey` when given (the
    /// verifier's own copies); without them, the package's own keys are trusted.
    public func verify(operatorKey trusted: NoteVerifier? = nil, ledgerKey trustedLedger: NoteVerifier? = nil) throws
        -> Verified
    {
        for name in Self.required where files[name] == nil { throw EvidenceError("\(name) is missing") }
        let text = { (name: String) in String(decoding: files[name] ?? Data(), as: UTF8.self) }
        let record = try catching("message.json is not a message log line") {
            try JSONDecoder().decode(MessageRecord.self, from: files[Self.message] ?? Data())
        }
        let operatorKey = try catching("the operator's key is malformed") {
            try NoteVerifier(encoded: text(Self.operatorKey))
        }
        if let trusted, trusted != operatorKey { throw EvidenceError("the operator's key is not the one trusted") }
        let configuration = try catching("the global configuration is not signed by the operator's key") {
            try GlobalConfiguration.open(text(Self.configuration), operatorKey: operatorKey)
        }
        guard let client = XRoadClient(record.client), let service = XRoadService(record.service),
            let clientMember = configuration.member(client),
            let providerMember = configuration.member(service.provider),
            let clientKey = try? NoteVerifier(encoded: clientMember.key),
            let providerKey = try? NoteVerifier(encoded: providerMember.key)
        else { throw EvidenceError("the configuration does not hold both members' keys") }

        // The seals: signed by the two nodes, the response for this very request.
        guard clientKey.verifies(record.requestSignature, for: record.requestSeal) else {
            throw EvidenceError("the request seal is not signed by \(client.member)'s node")
        }
        guard providerKey.verifies(record.responseSignature, for: record.responseSeal) else {
            throw EvidenceError("the response seal is not signed by \(service.provider.member)'s node")
        }
        guard let request = RequestSeal(text: record.requestSeal),
            let response = ResponseSeal(text: record.responseSeal)
        else { throw EvidenceError("a seal is malformed") }
        guard request.requestHash == record.requestHash, response.requestHash == request.requestHash else {
            throw EvidenceError("the response seal does not answer this request")
        }
        guard request.method == record.method, request.service == record.service, request.client == record.client,
            request.messageID == record.messageID, response.status == record.status,
            response.bodyDigest == record.responseDigest
        else { throw EvidenceError("the log line does not tell what the seals say") }

        // The bodies, when kept, are what was sealed.
        let digest = { (body: Data) in Data(SHA512.hash(data: body)).base64EncodedString() }
        if let body = files[Self.requestBody], digest(body) != request.bodyDigest {
            throw EvidenceError("the request body is not the one sealed")
        }
        if let body = files[Self.responseBody], digest(body) != response.bodyDigest {
            throw EvidenceError("the response body is not the one sealed")
        }
        let bodies = files[Self.requestBody] != nil

        // The ledger holds this very log line.
        let ledgerKey = try catching("the ledger's key is malformed") {
            try NoteVerifier(encoded: text(Self.ledgerKey))
        }
        if let trustedLedger, trustedLedger != ledgerKey {
            throw EvidenceError("the ledger's key is not the one trusted")
        }
        let verified = try catching("the ledger receipt does not verify") {
            try Receipt.verify(text(Self.receipt), verifier: ledgerKey)
        }
        guard let entry = verified.entry,
            let event = try? JSONDecoder().decode(LedgerEvent.self, from: entry),
            event.kind == "exchange.message",
            event.details
                == (try? LedgerEvent(
                    kind: event.kind, actor: event.actor, subject: event.subject, time: event.time,
                    details: record.ledgerDetails
                ).details),
            verified.index == record.ledgerIndex
        else { throw EvidenceError("the ledger entry is not this log line's") }
        return Verified(
            message: record, ledgerIndex: verified.index, checkpointSize: verified.checkpoint.size,
            bodiesIncluded: bodies)
    }

    private func catching<T>(_ reason: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw EvidenceError(reason) }
    }
}

/// Why an evidence package does not prove what it claims.
public struct EvidenceError: Error, Equatable, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }
}

extension ExchangeAdministration {
    /// The evidence package of message `messageID` as this node logged it (`side`: `client` or
    /// `provider`). Its ledger entry must be in a signed checkpoint already (one is signed every
    /// few seconds).
    public func evidence(messageID: String, side: String, ledger: LedgerService) async throws -> EvidencePackage {
        guard let record = try await store.messages(messageID: messageID).first(where: { $0.side == side }),
            let index = record.ledgerIndex
        else { throw EvidenceError("this node logged no message \(messageID) as \(side)") }
        guard let configuration = try await store.storedConfiguration(),
            let operatorKey = try await store.existingKey(role: ExchangeNode.operatorPublicRole)
        else { throw EvidenceError("this node holds no global configuration") }
        var files: [String: Data] = [
            EvidencePackage.message: Data(record.canonicalJSON().utf8),
            EvidencePackage.configuration: Data(configuration.note.utf8),
            EvidencePackage.operatorKey: Data((operatorKey + "\n").utf8),
            EvidencePackage.receipt: Data(try await ledger.receipt(index: index).utf8),
            EvidencePackage.ledgerKey: Data((ledger.verifier.encoded + "\n").utf8),
        ]
        if let key = try await store.existingKey(role: ExchangeNode.bodiesRole).flatMap({ Data(base64Encoded: $0) }),
            let sealed = try await store.sealedBodies(id: record.id)
        {
            let pairs = [
                (EvidencePackage.requestBody, sealed.request), (EvidencePackage.responseBody, sealed.response),
            ]
            for (name, text) in pairs {
                guard let combined = Data(base64Encoded: text) else { continue }
                files[name] = try AES.GCM.open(
                    try AES.GCM.SealedBox(combined: combined), using: SymmetricKey(data: key))
            }
        }
        return EvidencePackage(files: files)
    }
}
