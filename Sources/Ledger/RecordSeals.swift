import Core
import Crypto
import Foundation
import SQLKit
import Synchronization

/// Seals of the records the ledger speaks for. A module that changes an application, a case, a
/// document, a registry record or an account seals the record's new state in the same
/// transaction: one ledger entry lists, for every record the transaction changed, a keyed digest
/// of the record's name and a keyed digest of its state. Reconciliation later recomputes each
/// record's state from the database and compares: a record changed, deleted or inserted with SQL
/// behind the platform's back no longer matches its latest seal.
///
/// The digests are keyed (HMAC-SHA-256 with a key kept beside the signing key, shortened to 128
/// bits) so the public log reveals neither which records exist (names contain PINs) nor their
/// contents, which could otherwise be guessed and checked.
public struct RecordSeals: Sendable {
    /// At most this many seals in one ledger entry (about 70 bytes each, so an entry stays well
    /// under the 64 KiB that tlog-tiles entry bundles allow); more are split over several entries.
    public static let maxPerEntry = 800
    let key: [UInt8]

    init(keyHex: String) throws {
        guard let bytes = Hex.decode(keyHex), bytes.count == 32 else {
            throw LedgerError.invalidEvent("the record seal key is not 32 bytes of hex")
        }
        key = bytes
    }

    /// The keyed digest of a record's name, as the ledger lists it.
    public func seal(ofName name: String) -> String { mac("name:" + name) }

    /// The keyed digest of a record's state (its owner's `RecordState.digest`).
    public func seal(ofState state: String) -> String { mac("state:" + state) }

    private func mac(_ text: String) -> String {
        // Keyed afresh each time: copies of one keyed HMAC shared their hash state (a crash under load).
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: key)).prefix(16))
    }
}

/// How an owning module states a record for sealing: the digest of its fields, named in clear.
public enum RecordState {
    /// SHA-256 (hex) of `fields` in the order given: each name, then its value's length and bytes
    /// (or a mark for NULL). Unambiguous without escaping anything: this runs for every record a
    /// transaction changes, and answers and facts can be long.
    public static func digest(_ fields: [(name: String, value: String?)]) -> String {
        // One buffer and one hash call: a hash update per field cost more than the hashing.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(0) { $0 + $1.name.utf8.count + 9 + ($1.value?.utf8.count ?? 0) })
        for (name, value) in fields {
            bytes.append(contentsOf: name.utf8)
            guard let value else {
                bytes.append(0)
                continue
            }
            bytes.append(1)
            withUnsafeBytes(of: UInt64(value.utf8.count).bigEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: value.utf8)
        }
        return Hex.encode(SHA256.hash(data: bytes))
    }
}

extension LedgerService {
    /// Seals `states` (record name → `RecordState.digest`) in the caller's transaction: one entry
    /// `<module>.records.sealed` per `RecordSeals.maxPerEntry` records, and beside it the names
    /// it seals (one row per entry), for reconciliation to name what it finds.
    public func seal(_ states: [String: String], by module: String, on sql: any SQLDatabase) async throws {
        guard !states.isEmpty else { return }
        let names = states.keys.sorted()
        for start in stride(from: 0, to: names.count, by: RecordSeals.maxPerEntry) {
            let chunk = Array(names[start..<min(start + RecordSeals.maxPerEntry, names.count)])
            var records: [String: String] = [:]
            for name in chunk { records[seals.seal(ofName: name)] = seals.seal(ofState: states[name]!) }
            var event = try LedgerEvent(
                kind: "\(module).records.sealed", actor: "system:\(module)", subject: "records:\(module)",
                time: clock.seconds, details: ["count": String(chunk.count)])
            event.records = records
            let index = try await append([event], on: sql).lowerBound
            try await store.insertSealNames(sql, index: index, names: chunk)
        }
    }
}

/// Seals gathered from the modules a transaction passes through, appended as one entry at its end
/// (the busiest transactions, a batch of submissions, change applications, cases and histories
/// together: one seal entry is one append instead of one per module).
public final class SealBatch: Sendable {
    private let states = Mutex<[String: String]>([:])

    public init() {}

    /// Adds record states (name → `RecordState.digest`); a later state of a name replaces an earlier one.
    public func add(_ more: [String: String]) {
        states.withLock { $0.merge(more) { _, new in new } }
    }

    /// Seals everything added, on the caller's transaction, and empties the batch.
    public func seal(with ledger: LedgerService, by module: String, on sql: any SQLDatabase) async throws {
        let all = states.withLock { states in
            let taken = states
            states = [:]
            return taken
        }
        try await ledger.seal(all, by: module, on: sql)
    }
}
