import Core
import Foundation
import Identity
import Ledger
import SQLKit
import Storage

/// Loading cases and planning their moves and assignments (written by `CaseWriter`), always on
/// the caller's transaction.
extension WorkflowService {
    func load(_ sql: any SQLDatabase, _ id: String, lock: Bool, writer: CaseWriter? = nil) async throws -> WorkflowCase
    {
        if let planned = writer?.planned(id) { return planned }
        guard let item = try await store.loadCase(id, lock: lock, on: sql) else { throw DomainError.notFound }
        return item
    }

    /// Loads and locks a case, and says whether `official` is its applicant's relative.
    func load(_ sql: any SQLDatabase, _ id: String, relatedTo official: String, writer: CaseWriter) async throws -> (
        WorkflowCase, Bool
    ) {
        let stored = try await load(sql, id, lock: true)
        let item = writer.planned(id) ?? stored
        guard let applicant = item.applicantPIN else { return (item, false) }
        if writer.relatives[applicant] == nil { try await loadRelatives(sql, of: [applicant], into: writer) }
        return (item, writer.relatives[applicant]?.contains(official) == true)
    }

    /// Applies a transition: new state, SLA due date, history line.
    func move(
        _ item: inout WorkflowCase, _ transition: Transition, definition: ProcessDefinition, calendar: WorkingCalendar,
        actor: LedgerActor, reason: String, at: Int, writer: CaseWriter, kind: String = "transition"
    ) {
        item.state = transition.to
        item.enteredOn = CalendarDate(bishkekDayOf: at)
        let state = definition.state(transition.to)
        item.isTerminal = state?.isTerminal ?? false
        item.dueOn = state?.slaDays.map { calendar.adding(workingDays: $0, to: item.enteredOn) }
        writer.record(
            &item, kind: kind, from: transition.from, to: transition.to, action: transition.action, actor: actor,
            role: transition.role, reason: reason, details: [:], at: at)
    }

    /// After entering a state: automatic steps (following system actions, at most 20 in a row),
    /// then assignment and the SLA timer of the state the case rests in.
    func settle(
        _ sql: any SQLDatabase, _ item: inout WorkflowCase, definition: ProcessDefinition, calendar: WorkingCalendar,
        at: Int,
        writer: CaseWriter, actingOfficial: Principal? = nil
    ) async throws {
        let engine = ProcessEngine(definition, today: CalendarDate(bishkekDayOf: at))
        for _ in 0..<20 where !item.isTerminal {
            let snapshot = item
            let outcome = try await engine.enter(item.state, facts: item.facts) { registry, key in
                try await self.lookup(sql, registry, key, snapshot)
            }
            guard !outcome.facts.isEmpty || outcome.action != nil else { break }
            item.facts.merge(outcome.facts) { _, new in new }
            guard let action = outcome.action else { break }
            let transition = try engine.take(
                action, in: item.state, role: nil, facts: item.facts, documents: item.documents)
            var details: [String: String] = [:]
            for (table, decision) in outcome.decisions { details["\(table).rule"] = String(decision.rule) }
            move(
                &item, transition, definition: definition, calendar: calendar, actor: .agency(item.agencyCode),
                reason: "automatic: " + details.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", "),
                at: at, writer: writer)
        }
        // The SLA runs out when the due day has ended in Bishkek.
        item.timerAt =
            item.isTerminal ? nil : item.dueOn.map { ($0.dayNumber + 1) * 86_400 - CalendarDate.bishkekOffsetSeconds }
        if item.isTerminal {
            item.assigneePIN = nil
            writer.save(item)
            return
        }
        // The assignee keeps the case while they can act on it; when that is the official acting now,
        // their roles are known and no query is needed.
        let roles = definition.assignees(of: item.state)
        if let official = actingOfficial, official.pin == item.assigneePIN,
            official.post?.agencyCode == item.agencyCode,
            official.post?.roles.contains(where: { roles.contains($0.rawValue) }) == true
        {
            writer.save(item)
            return
        }
        // Loads as stored, plus what this transaction already gave each official.
        let here = writer.assignedHere
        let candidates = try await eligible(sql, item, definition: definition, writer: writer).map {
            (pin: $0.pin, load: $0.load + here[$0.pin, default: 0])
        }
        // Otherwise the least loaded eligible official gets it, and among equals chance decides:
        // nobody picks who gets a case.
        let least = candidates.map(\.load).min()
        if !candidates.contains(where: { $0.pin == item.assigneePIN }), let least,
            let chosen = candidates.filter({ $0.load == least }).randomElement()
        {
            item.assigneePIN = chosen.pin
            writer.record(
                &item, kind: "assigned", from: item.state, to: item.state, action: nil, actor: .agency(item.agencyCode),
                role: nil,
                reason: "least loaded of \(candidates.count)", details: ["assignee": chosen.pin], at: at)
        }
        writer.save(item)
    }

    /// Officials of the case's agency holding a role the state is assigned to, and not the
    /// applicant or a relative, with how many open cases each has.
    func eligible(
        _ sql: any SQLDatabase, _ item: WorkflowCase, definition: ProcessDefinition, writer: CaseWriter? = nil
    ) async throws -> [(pin: String, load: Int)] {
        let roles = definition.assignees(of: item.state)
        guard !roles.isEmpty else { return [] }
        guard let writer else {
            return try await officials(sql, agency: item.agencyCode, roles: roles, excluding: item.applicantPIN)
        }
        // Within one transaction the officials of an agency and an applicant's relatives are read
        // once: a batch of submissions would otherwise ask the same question for every case.
        let key = item.agencyCode + "|" + roles.sorted().joined(separator: ",")
        let all: [(pin: String, load: Int)]
        if let known = writer.officials[key] {
            all = known
        } else {
            all = try await officials(sql, agency: item.agencyCode, roles: roles, excluding: nil)
            writer.officials[key] = all
        }
        guard let applicant = item.applicantPIN else { return all }
        if writer.relatives[applicant] == nil { try await loadRelatives(sql, of: [applicant], into: writer) }
        let excluded = (writer.relatives[applicant] ?? []).union([applicant])
        return all.filter { !excluded.contains($0.pin) }
    }

    /// The relatives of `people` (the civil registry's), into the writer's memory.
    func loadRelatives(_ sql: any SQLDatabase, of people: [String], into writer: CaseWriter) async throws {
        let wanted = Array(Set(people).filter { writer.relatives[$0] == nil })
        guard !wanted.isEmpty else { return }
        for (pin, relatives) in try await kinship.relatives(of: wanted, on: sql) { writer.relatives[pin] = relatives }
    }

    /// Officials of `agency` with one of `roles`, except `excluding` and their relatives, with
    /// how many open cases each holds.
    func officials(_ sql: any SQLDatabase, agency: String, roles: [String], excluding: String?) async throws -> [(
        pin: String, load: Int
    )] {
        var pins = try await people.officials(of: agency, holding: roles, on: sql)
        if let excluding {
            let relatives = try await kinship.relatives(of: [excluding], on: sql)[excluding] ?? []
            pins.removeAll { $0 == excluding || relatives.contains($0) }
        }
        let loads = try await store.loads(of: pins, on: sql)
        return pins.map { ($0, loads[$0] ?? 0) }
    }

    func append(
        _ sql: any SQLDatabase, kind: String, actor: LedgerActor, subject: String, details: [String: String], at: Int
    ) async throws -> Int? {
        guard let ledger else { return nil }
        let actorRef = try await actor.ledgerName(ledger, on: sql, themself: "applicant")
        let event = try LedgerEvent(kind: kind, actor: actorRef, subject: subject, time: at, details: details)
        return try await ledger.append([event], on: sql).lowerBound
    }
}
