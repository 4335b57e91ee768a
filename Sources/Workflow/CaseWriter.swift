import Core
import Foundation
import Identity
import Ledger
import SQLKit

/// The writes of one transaction, planned while requests are handled and applied at the end in
/// as few statements as possible: every history line in one INSERT, every ledger entry in one
/// append, one UPDATE per case. Nothing is written until all checks of a request have passed.
final class CaseWriter {
    struct Line {
        var caseID: String
        var definition: String
        var seq: Int
        var kind: String
        var from: String?
        var to: String?
        var action: String?
        var actor: LedgerActor
        var role: String?
        var reason: String
        var details: [String: String]
        var at: Int
    }

    private(set) var lines: [Line] = []
    private var created: [String: WorkflowCase] = [:]
    private var changed: [String: WorkflowCase] = [:]
    private var order: [String] = []
    /// Cases planned by earlier requests of the batch, read-only here.
    private var known: [String: WorkflowCase] = [:]
    /// Officials by agency and roles, and relatives by person, as read once in this transaction.
    var officials: [String: [(pin: String, load: Int)]] = [:]
    var relatives: [String: Set<String>] = [:]
    /// Open cases this transaction gives each official (net), so that assignment within one
    /// batch spreads cases as if each had been stored before the next.
    var assignedHere: [String: Int] {
        var counts: [String: Int] = [:]
        for item in created.values where !item.isTerminal {
            if let pin = item.assigneePIN { counts[pin, default: 0] += 1 }
        }
        return counts
    }

    /// The planned version of a case, if this transaction already changed it.
    func planned(_ id: String) -> WorkflowCase? { changed[id] ?? created[id] ?? known[id] }

    func create(_ item: WorkflowCase) {
        created[item.id] = item
        order.append(item.id)
    }

    func save(_ item: WorkflowCase) {
        if created[item.id] != nil {
            created[item.id] = item
            return
        }
        if changed[item.id] == nil { order.append(item.id) }
        changed[item.id] = item
    }

    /// A history line (and its ledger entry); bumps the case's revision.
    func record(
        _ item: inout WorkflowCase, kind: String, from: String?, to: String?, action: String?, actor: LedgerActor,
        role: String?, reason: String, details: [String: String], at: Int
    ) {
        item.revision += 1
        lines.append(
            Line(
                caseID: item.id, definition: "\(item.definitionID)@\(item.version)", seq: item.revision, kind: kind,
                from: from, to: to,
                action: action, actor: actor, role: role, reason: reason, details: details, at: at))
        save(item)
    }

    /// Sees the cases `other` already planned (earlier requests of the same batch), without taking
    /// over its lines: a later request must find them as they will be.
    func absorbPlanned(from other: CaseWriter) {
        for (id, item) in other.created { known[id] = item }
        for (id, item) in other.changed { known[id] = item }
    }

    /// Takes over what another writer planned (a request handled in a batch that succeeded).
    func absorb(_ other: CaseWriter) {
        lines += other.lines
        for id in other.order {
            if let item = other.created[id] { create(item) } else if let item = other.changed[id] { save(item) }
        }
    }

    func apply(
        _ sql: any SQLDatabase, store: any WorkflowStore, ledger: LedgerService?, at: Int, seals: SealBatch? = nil
    ) async throws {
        var indexes: [Int?] = Array(repeating: nil, count: lines.count)
        if let ledger, !lines.isEmpty {
            var pseudonyms: [String: String] = [:]
            var events: [LedgerEvent] = []
            for line in lines {
                // One pseudonym lookup per person per batch.
                let key = line.actor.historyName(themself: "applicant")
                let actor: String
                if let known = pseudonyms[key] {
                    actor = known
                } else {
                    actor = try await line.actor.ledgerName(ledger, on: sql, themself: "applicant")
                    pseudonyms[key] = actor
                }
                var details = line.details
                details["case"] = line.caseID
                details["definition"] = line.definition
                if let from = line.from { details["from"] = from }
                if let to = line.to { details["to"] = to }
                if let action = line.action { details["action"] = action }
                details["reason"] = line.reason
                events.append(
                    try LedgerEvent(
                        kind: "workflow.case.\(line.kind)", actor: actor, subject: "case:\(line.caseID)", time: line.at,
                        details: details))
            }
            let range = try await ledger.append(events, on: sql)
            indexes = range.map { $0 }
        }
        let history = lines.enumerated().map { offset, line in
            (
                caseID: line.caseID,
                event: CaseEvent(
                    seq: line.seq, kind: line.kind, from: line.from, to: line.to, action: line.action,
                    actor: line.actor.historyName(themself: "applicant"), role: line.role, reason: line.reason,
                    details: line.details.canonicalJSON(), at: line.at, ledgerIndex: indexes[offset])
            )
        }
        try await store.insertHistory(history, on: sql)
        try await updateLoads(sql, store: store)
        let new = order.compactMap { created[$0] }
        try await store.insertCases(new, at: at, on: sql)
        for id in order {
            if let item = changed[id] { try await store.updateCase(item, at: at, on: sql) }
        }
        // A case made here, and its history (all of it is here), is sealed from the values just
        // written; a changed case and its history, whose older lines are not here, are read back.
        guard ledger != nil else { return }
        let changedIDs = order.filter { changed[$0] != nil }
        try await CaseRecords.seal(
            cases: changedIDs, histories: Array(Set(lines.map(\.caseID)).subtracting(new.map(\.id))),
            written: try CaseRecords.states(ofNew: new, history: history, at: at), ledger: ledger, into: seals,
            on: sql)
    }

    /// Keeps `workflow_official_load` in step: +1 for an official given an open case, -1 when a
    /// case leaves them or ends. Old values are read before the cases are updated.
    private func updateLoads(_ sql: any SQLDatabase, store: any WorkflowStore) async throws {
        var delta: [String: Int] = [:]
        for item in created.values where !item.isTerminal {
            if let pin = item.assigneePIN { delta[pin, default: 0] += 1 }
        }
        let updated = order.compactMap { changed[$0] }
        let before = try await store.assignments(of: updated.map(\.id), on: sql)
        for item in updated {
            if let old = before[item.id], !old.terminal, let pin = old.assignee { delta[pin, default: 0] -= 1 }
            if before[item.id] != nil, !item.isTerminal, let pin = item.assigneePIN { delta[pin, default: 0] += 1 }
        }
        try await store.adjustLoads(delta, on: sql)
    }
}
