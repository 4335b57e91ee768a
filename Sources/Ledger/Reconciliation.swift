import Core
import Foundation
import Logging
import SQLKit
import Storage
import Synchronization

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
        /// The name kept beside a seal entry (`ledger_seals`) is not one the entry seals.
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
/// - `full` checks everything: it reads every seal in the log (the log is the truth; it is
///   protected by its hashes and signed checkpoints), then every record of every owner against
///   its latest seal, and names the sealed records that are gone.
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

    /// Records whose state one database session reads and digests (see `differences`).
    static let recordsPerSession = 32

    private var database: Database { ledger.database }
    private var store: LedgerStore { ledger.store }
    private var seals: RecordSeals { ledger.seals }

    // MARK: full

    /// Everything, with `progress(step, done)` called now and then (step: `log`, `records`).
    public func full(progress: (@Sendable (String, Int) -> Void)? = nil) async throws -> ReconciliationReport {
        let size = try await ledger.head().size
        let log = try await sealsInLog(progress: progress)
        let remaining = SealBook(log.latest)
        let checked = Counter()
        let found = FindingList()
        for owner in owners {
            try await owner.eachState { page in
                for (name, state) in page {
                    let key = seals.seal(ofName: name)
                    if let seal = remaining.take(key) {
                        if seal.state != seals.seal(ofState: state) {
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
        var findings = log.altered + (try await recheck(found.all, since: size))
        // Sealed in the log, gone from the database.
        for (key, seal) in remaining.all {
            findings.append(
                ReconciliationFinding(name: log.names[key] ?? "sealed:\(key)", kind: .deleted, ledgerIndex: seal.index))
        }
        return ReconciliationReport(checked: checked.value, findings: findings.sorted { $0.name < $1.name })
    }

    /// Every seal in the log, the latest per record; the names the database keeps beside each seal
    /// entry, and those of them the entry does not seal (`seal-altered`).
    private func sealsInLog(progress: (@Sendable (String, Int) -> Void)?) async throws -> (
        latest: [String: (index: Int, state: String)], names: [String: String], altered: [ReconciliationFinding]
    ) {
        var latest: [String: (index: Int, state: String)] = [:]
        var sealed: [Int: Set<String>] = [:]
        let size = try await ledger.head().size
        var next = 0
        let marker = Data(#""records":{"#.utf8)
        while next < size {
            let page = try await database.withConnection { [next] sql in
                try await store.entries(sql, from: next, limit: 2_000)
            }
            guard let last = page.last else { break }
            for (index, body) in page where body.range(of: marker) != nil {
                let records = try LedgerEvent(canonical: body).records ?? [:]
                for (key, state) in records { latest[key] = (index, state) }
                sealed[index] = Set(records.keys)
            }
            next = last.index + 1
            progress?("log", next)
        }
        var names: [String: String] = [:]
        var altered: [ReconciliationFinding] = []
        var from = 0
        while true {
            let rows = try await database.withConnection { [from] sql in
                try await store.sealNames(sql, from: from, to: size, limit: 500)
            }
            guard let last = rows.last else { break }
            for row in rows {
                let keys = sealed.removeValue(forKey: row.index) ?? []
                for name in row.names {
                    let key = seals.seal(ofName: name)
                    if keys.contains(key) {
                        names[key] = name
                    } else {
                        altered.append(ReconciliationFinding(name: name, kind: .sealAltered, ledgerIndex: row.index))
                    }
                }
            }
            from = last.index + 1
        }
        return (latest, names, altered)
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
            let rows = try await database.withConnection { [next] sql in
                try await store.sealNames(sql, from: next, to: to, limit: 5)
            }
            guard let last = rows.last else { break }
            // The latest of these seals of each record.
            var latest: [String: Int] = [:]
            for row in rows { for name in row.names { latest[name] = row.index } }
            findings += try await compare(latest)
            checked += latest.count
            next = last.index + 1
            reached = rows.count < 5 ? to : next
        }
        try await database.withConnection { [reached] sql in try await store.setCheckedThrough(sql, reached) }
        return ReconciliationReport(checked: checked, findings: findings.sorted { $0.name < $1.name })
    }

    /// Records (name → index of the seal entry to compare with) against the database; what differs
    /// is looked at again with any later seal, since a record sealed anew meanwhile (by a later
    /// entry, or a transaction that committed between the reads) is not a change behind the back.
    private func compare(_ sealedAt: [String: Int]) async throws -> [ReconciliationFinding] {
        var suspects: [ReconciliationFinding] = []
        let names = Array(sealedAt.keys)
        for start in stride(from: 0, to: names.count, by: 500) {
            let chunk = names[start..<min(start + 500, names.count)]
            suspects += try await differences(Dictionary(uniqueKeysWithValues: chunk.map { ($0, sealedAt[$0]!) }))
        }
        return try await recheck(suspects)
    }

    /// `suspects` once more, each against its latest seal in the log now: later seal entries are
    /// looked through from the earliest suspect's on, and from `since` for suspects with no seal.
    private func recheck(_ suspects: [ReconciliationFinding], since: Int = .max) async throws
        -> [ReconciliationFinding]
    {
        guard !suspects.isEmpty else { return [] }
        let wanted = Set(suspects.map { seals.seal(ofName: $0.name) })
        var latest: [String: Int] = [:]
        for suspect in suspects { if let index = suspect.ledgerIndex { latest[suspect.name] = index } }
        // Later seal entries, from the earliest suspect's on.
        let head = try await ledger.head().size
        var next = min((suspects.compactMap(\.ledgerIndex).min() ?? head) + 1, since)
        while next < head {
            let rows = try await database.withConnection { [next] sql in
                try await store.sealNames(sql, from: next, to: head, limit: 200)
            }
            guard let last = rows.last else { break }
            for row in rows {
                for name in row.names where wanted.contains(seals.seal(ofName: name)) { latest[name] = row.index }
            }
            next = last.index + 1
        }
        var again: [String: Int?] = [:]
        for suspect in suspects { again[suspect.name] = latest[suspect.name] }
        return try await differences(again)
    }

    /// How the records differ from the seals in the given entries (nil: the record has no seal).
    private func differences(_ sealedAt: [String: Int?]) async throws -> [ReconciliationFinding] {
        var findings: [ReconciliationFinding] = []
        var entries: [Int: [String: String]] = [:]
        for index in Set(sealedAt.values.compactMap { $0 }) {
            entries[index] = try await ledger.entry(at: index).event.records ?? [:]
        }
        for owner in owners {
            let mine = sealedAt.keys.filter { name in owner.prefixes.contains { name.hasPrefix($0) } }
            guard !mine.isEmpty else { continue }
            var states: [String: String] = [:]
            // A few dozen records a session: each read and digest holds the connection (SQLite's
            // only one), and a round's few hundred records at once held it for 15-30 ms, as long as
            // a whole batch of submissions, which waited meanwhile.
            for start in stride(from: 0, to: mine.count, by: Self.recordsPerSession) {
                let slice = Array(mine[start..<min(start + Self.recordsPerSession, mine.count)])
                let part = try await database.withConnection { sql in try await owner.states(of: slice, on: sql) }
                states.merge(part) { _, later in later }
            }
            for name in mine {
                let index = sealedAt[name] ?? nil
                let sealed = index.flatMap { entries[$0]?[seals.seal(ofName: name)] }
                switch (states[name], sealed) {
                case (nil, nil): continue
                case (nil, .some):
                    findings.append(ReconciliationFinding(name: name, kind: .deleted, ledgerIndex: index))
                case (.some, nil):
                    findings.append(ReconciliationFinding(name: name, kind: .inserted, ledgerIndex: nil))
                case (let state?, let seal?):
                    if seals.seal(ofState: state) != seal {
                        findings.append(ReconciliationFinding(name: name, kind: .changed, ledgerIndex: index))
                    }
                }
            }
        }
        return findings
    }

    // MARK: baseline

    /// Seals every record that has no seal in the log yet, as the state it is in now: once, when a
    /// database made before seals existed is upgraded (every such seal is a ledger entry, so the
    /// baseline itself is on the record). Returns how many were sealed.
    public func sealUnsealed(progress: (@Sendable (Int) -> Void)? = nil) async throws -> Int {
        let known = SealBook(try await sealsInLog(progress: nil).latest)
        let sealed = Counter()
        for owner in owners {
            let module = owner.prefixes.first.map { String($0.dropLast()) } ?? "records"
            try await owner.eachState { page in
                let fresh = page.filter { known.take(seals.seal(ofName: $0.key)) == nil }
                guard !fresh.isEmpty else { return }
                try await database.transaction { sql in
                    try await ledger.seal(fresh, by: "baseline-" + module, on: sql)
                }
                let done = sealed.add(fresh.count)
                progress?(done)
            }
        }
        return sealed.value
    }
}

/// The latest seals of the log, taken out one by one as their records are found.
private final class SealBook: Sendable {
    private let seals: Mutex<[String: (index: Int, state: String)]>
    init(_ seals: [String: (index: Int, state: String)]) { self.seals = Mutex(seals) }
    func take(_ key: String) -> (index: Int, state: String)? { seals.withLock { $0.removeValue(forKey: key) } }
    var all: [String: (index: Int, state: String)] { seals.withLock { $0 } }
}

/// A count shared by the pages of a pass.
private final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add(_ n: Int) -> Int {
        count.withLock {
            $0 += n
            return $0
        }
    }
}

/// Findings gathered by the pages of a pass.
private final class FindingList: Sendable {
    private let findings = Mutex<[ReconciliationFinding]>([])
    var all: [ReconciliationFinding] { findings.withLock { $0 } }
    func add(_ finding: ReconciliationFinding) { findings.withLock { $0.append(finding) } }
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
