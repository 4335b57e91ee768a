import Core
import Foundation
import Logging
import SQLKit
import Storage

/// A module's records that the ledger seals, stated from the database as reconciliation needs
/// them. Each owning store implements it over its own tables.
public protocol SealedRecords: Sendable {
    /// The name prefixes of this owner's records, e.g. `application:`.
    var prefixes: [String] { get }
    /// The state digest (`RecordState.digest`) of each of `names` that exists, on `sql`.
    func states(of names: [String], on sql: any SQLDatabase) async throws -> [String: String]
    /// Every record (name → state digest), a page at a time, in the owner's own order.
    func eachState(_ page: @Sendable ([String: String]) async throws -> Void) async throws
}

/// One record that does not match the ledger.
public struct ReconciliationFinding: Sendable, Equatable, Codable, CustomStringConvertible {
    /// What is wrong with the record.
    public enum Kind: String, Sendable, Codable {
        /// Its state differs from its latest seal: changed outside the platform.
        case changed
        /// The ledger sealed it, the database no longer has it.
        case deleted
        /// The database has it, the ledger never sealed it.
        case inserted
        /// The remembered seal (`ledger_records`) does not match the log itself.
        case sealAltered = "seal-altered"
    }

    /// The record's name, e.g. `application:TK-…`, `registry:population/2…`; for a deleted
    /// record whose remembered seal is gone too, `sealed:<digest>`.
    public var name: String
    public var kind: Kind
    /// The ledger entry of the record's latest seal, when there is one.
    public var ledgerIndex: Int?

    public var description: String {
        "\(kind.rawValue) \(name)" + (ledgerIndex.map { " (last sealed in entry \($0))" } ?? "")
    }
}

/// What one reconciliation found.
public struct ReconciliationReport: Sendable, Equatable, Codable {
    /// How many records were compared.
    public var checked: Int
    public var findings: [ReconciliationFinding]
    /// Whether every record matched.
    public var clean: Bool { findings.isEmpty }
}

/// Compares the records the ledger speaks for with their latest seals.
///
/// - `full` checks everything: the remembered seals against the log (a pass over every entry),
///   then every record of every owner against its seal, then every seal against its record.
/// - `recent` checks the records sealed since the last check, so it costs what was written since,
///   not what the database holds; the checkpoint signer runs it before each checkpoint.
public struct Reconciler: Sendable {
    let ledger: LedgerService
    let owners: [any SealedRecords]

    /// A reconciler of `owners`' records against `ledger`.
    public init(ledger: LedgerService, owners: [any SealedRecords]) {
        self.ledger = ledger
        self.owners = owners
    }

    private var database: Database { ledger.database }
    private var store: LedgerStore { ledger.store }

    private func owner(of name: String) -> (any SealedRecords)? {
        owners.first { owner in owner.prefixes.contains { name.hasPrefix($0) } }
    }

    // MARK: full

    /// Everything, with `progress(step, done)` called now and then (step: `log`, `records`, `seals`).
    public func full(progress: (@Sendable (String, Int) -> Void)? = nil) async throws -> ReconciliationReport {
        var findings = try await checkSealsAgainstLog(progress: progress)
        let checked = Counter()
        let found = FindingList()
        for owner in owners {
            try await owner.eachState { page in
                let remembered = try await database.withConnection { sql in
                    try await store.seals(sql, names: Array(page.keys))
                }
                for (name, state) in page {
                    if let seal = remembered[name] {
                        if seal.state != ledger.seals.seal(ofState: state) {
                            found.add(ReconciliationFinding(name: name, kind: .changed, ledgerIndex: seal.index))
                        }
                    } else {
                        found.add(ReconciliationFinding(name: name, kind: .inserted, ledgerIndex: nil))
                    }
                }
                let done = checked.add(page.count)
                progress?("records", done)
            }
        }
        findings += try await recheck(found.all)
        findings += try await sealsWithoutRecords(progress: progress)
        return ReconciliationReport(checked: checked.value, findings: findings.sorted { $0.name < $1.name })
    }

    /// The remembered seals against the log: each must be the latest seal of its record there.
    private func checkSealsAgainstLog(progress: (@Sendable (String, Int) -> Void)?) async throws
        -> [ReconciliationFinding]
    {
        var latest: [String: (index: Int, state: String)] = [:]
        let size = try await ledger.head().size
        var next = 0
        let marker = Data(#""records":{"#.utf8)
        while next < size {
            let page = try await database.withConnection { [next] sql in
                try await store.entries(sql, from: next, limit: 2_000)
            }
            guard let last = page.last else { break }
            for (index, body) in page where body.range(of: marker) != nil {
                let event = try LedgerEvent(canonical: body)
                for (key, state) in event.records ?? [:] { latest[key] = (index, state) }
            }
            next = last.index + 1
            progress?("log", next)
        }
        var findings: [ReconciliationFinding] = []
        var after = ""
        while true {
            let rows = try await database.withConnection { [after] sql in
                try await store.seals(sql, after: after, limit: 2_000)
            }
            guard let last = rows.last else { break }
            for row in rows {
                let inLog = latest.removeValue(forKey: row.seal)
                if row.seal != ledger.seals.seal(ofName: row.name) || inLog?.index != row.index
                    || inLog?.state != row.state
                {
                    findings.append(
                        ReconciliationFinding(name: row.name, kind: .sealAltered, ledgerIndex: inLog?.index))
                }
            }
            after = last.name
        }
        // Sealed in the log, forgotten by the database: the record's name is gone with its row.
        for (key, seal) in latest {
            findings.append(ReconciliationFinding(name: "sealed:\(key)", kind: .deleted, ledgerIndex: seal.index))
        }
        return findings
    }

    /// Remembered seals whose records are gone.
    private func sealsWithoutRecords(progress: (@Sendable (String, Int) -> Void)?) async throws
        -> [ReconciliationFinding]
    {
        var findings: [ReconciliationFinding] = []
        var after = ""
        var done = 0
        while true {
            let rows = try await database.withConnection { [after] sql in
                try await store.seals(sql, after: after, limit: 2_000)
            }
            guard let last = rows.last else { break }
            findings += try await missing(rows.map { ($0.name, $0.index) })
            after = last.name
            done += rows.count
            progress?("seals", done)
        }
        return findings
    }

    /// Which of the sealed `records` their owners no longer have.
    private func missing(_ records: [(name: String, index: Int)]) async throws -> [ReconciliationFinding] {
        var findings: [ReconciliationFinding] = []
        for owner in owners {
            let mine = records.filter { record in owner.prefixes.contains { record.name.hasPrefix($0) } }
            guard !mine.isEmpty else { continue }
            let present = try await database.withConnection { sql in
                try await owner.states(of: mine.map(\.name), on: sql)
            }
            for record in mine where present[record.name] == nil {
                findings.append(ReconciliationFinding(name: record.name, kind: .deleted, ledgerIndex: record.index))
            }
        }
        return findings
    }

    // MARK: recent

    /// The records sealed since the last call (or since the start), against the database; the
    /// next call goes on from where this one ended. At most about `limit` records a call (whole
    /// seal entries), so a checkpoint after a bulk import is not held up: the rest follow in the
    /// next rounds.
    public func recent(limit: Int = 20_000) async throws -> ReconciliationReport {
        let from = try await database.withConnection { sql in try await store.checkedThrough(sql) }
        let to = try await ledger.head().size
        guard to > from else { return ReconciliationReport(checked: 0, findings: []) }
        var findings: [ReconciliationFinding] = []
        var checked = 0
        var next = from
        var reached = to
        while checked < limit {
            let entries = try await database.withConnection { [next] sql in
                try await store.sealEntries(sql, from: next, to: to, limit: 5)
            }
            guard let last = entries.last else { break }
            let names = try await database.withConnection { sql in try await store.namesSealed(sql, in: entries) }
            findings += try await compare(names)
            checked += names.count
            next = last + 1
            reached = entries.count < 5 ? to : next
        }
        try await database.withConnection { [reached] sql in try await store.setCheckedThrough(sql, reached) }
        return ReconciliationReport(checked: checked, findings: findings.sorted { $0.name < $1.name })
    }

    /// `names` against their seals; what differs is read again once, since a transaction that
    /// committed between the two reads is not a change behind the platform's back.
    private func compare(_ names: [String]) async throws -> [ReconciliationFinding] {
        var suspects: [ReconciliationFinding] = []
        for start in stride(from: 0, to: names.count, by: 500) {
            suspects += try await differences(Array(names[start..<min(start + 500, names.count)]))
        }
        return try await recheck(suspects)
    }

    private func recheck(_ suspects: [ReconciliationFinding]) async throws -> [ReconciliationFinding] {
        guard !suspects.isEmpty else { return [] }
        let again = try await differences(suspects.map(\.name))
        return again
    }

    /// How `names` differ from their seals now.
    private func differences(_ names: [String]) async throws -> [ReconciliationFinding] {
        var findings: [ReconciliationFinding] = []
        for owner in owners {
            let mine = names.filter { name in owner.prefixes.contains { name.hasPrefix($0) } }
            guard !mine.isEmpty else { continue }
            let (states, seals) = try await database.withConnection { sql in
                let states = try await owner.states(of: mine, on: sql)
                return (states, try await store.seals(sql, names: mine))
            }
            for name in mine {
                let seal = seals[name]
                switch (states[name], seal) {
                case (nil, nil): continue
                case (nil, let seal?):
                    findings.append(ReconciliationFinding(name: name, kind: .deleted, ledgerIndex: seal.index))
                case (.some, nil):
                    findings.append(ReconciliationFinding(name: name, kind: .inserted, ledgerIndex: nil))
                case (let state?, let seal?):
                    if ledger.seals.seal(ofState: state) != seal.state {
                        findings.append(ReconciliationFinding(name: name, kind: .changed, ledgerIndex: seal.index))
                    }
                }
            }
        }
        return findings
    }

    // MARK: baseline

    /// Seals every record that has no seal yet, as the state it is in now: once, when a database
    /// made before seals existed is upgraded (every such seal is a ledger entry, so the baseline
    /// itself is on the record). Returns how many were sealed.
    public func sealUnsealed(progress: (@Sendable (Int) -> Void)? = nil) async throws -> Int {
        let sealed = Counter()
        for owner in owners {
            let module = owner.prefixes.first.map { String($0.dropLast()) } ?? "records"
            try await owner.eachState { page in
                try await database.transaction { sql in
                    let known = try await store.seals(sql, names: Array(page.keys))
                    let fresh = page.filter { known[$0.key] == nil }
                    try await ledger.seal(fresh, by: "baseline-" + module, on: sql)
                    let done = sealed.add(fresh.count)
                    progress?(done)
                }
            }
        }
        return sealed.value
    }
}

/// A count shared by the pages of a pass.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add(_ n: Int) -> Int {
        lock.withLock {
            count += n
            return count
        }
    }
}

/// Findings gathered by the pages of a pass.
private final class FindingList: @unchecked Sendable {
    private let lock = NSLock()
    private var findings: [ReconciliationFinding] = []
    var all: [ReconciliationFinding] { lock.withLock { findings } }
    func add(_ finding: ReconciliationFinding) { lock.withLock { findings.append(finding) } }
}

/// An owner whose records are rows (or groups of rows) of `SealedTable`s: prefixes, states and
/// the full pass come for free.
public protocol SealedTables: SealedRecords {
    var database: Database { get }
    /// The owner's tables (a registry owner has one per registry, so this may ask the database).
    func sealedTables(on sql: any SQLDatabase) async throws -> [SealedTable]
}

extension SealedTables {
    public func states(of names: [String], on sql: any SQLDatabase) async throws -> [String: String] {
        var states: [String: String] = [:]
        for table in try await sealedTables(on: sql) {
            let mine = names.filter { $0.hasPrefix(table.prefix) }
            guard !mine.isEmpty else { continue }
            states.merge(try await table.states(of: mine, on: sql)) { _, new in new }
        }
        return states
    }

    public func eachState(_ page: @Sendable ([String: String]) async throws -> Void) async throws {
        let tables = try await database.withConnection { sql in try await sealedTables(on: sql) }
        for table in tables {
            var after = ""
            while true {
                let states = try await database.withConnection { [after] sql in
                    try await table.page(after: after, limit: 1_000, on: sql)
                }
                guard let last = states.keys.max() else { break }
                try await page(states)
                after = String(last.dropFirst(table.prefix.count))
            }
        }
    }
}
