import Core
import Foundation
import Identity
import Ledger
import SQLKit
import Storage

/// The reads behind `WorkflowService` and the rules that plan its writes (see `CaseWriter`),
/// always on the caller's transaction.
extension WorkflowService {
    func load(_ sql: any SQLDatabase, _ id: String, lock: Bool, writer: CaseWriter? = nil) async throws -> WorkflowCase
    {
        if let planned = writer?.planned(id) { return planned }
        // SQLite's write transaction already excludes other writers; PostgreSQL locks the row.
        let suffix = lock && database.engine == .postgres ? " FOR UPDATE" : ""
        guard
            let row = try await sql.raw("SELECT * FROM workflow_cases WHERE id = \(bind: id)\(unsafeRaw: suffix)")
                .first()
        else { throw DomainError.notFound }
        return try Self.decodeCase(row, id: id)
    }

    /// Loads and locks a case, and says in the same query whether `official` is a relative of its applicant.
    func load(_ sql: any SQLDatabase, _ id: String, relatedTo official: String, writer: CaseWriter) async throws -> (
        WorkflowCase, Bool
    ) {
        let suffix = database.engine == .postgres ? " FOR UPDATE OF c" : ""
        guard
            let row = try await sql.raw(
                """
                SELECT c.*, EXISTS (SELECT 1 FROM person_relations p
                                    WHERE (p.pin_a = \(bind: official) AND p.pin_b = c.applicant_pin) OR (p.pin_b = \(bind: official) AND p.pin_a = c.applicant_pin)) AS related
                FROM workflow_cases c WHERE c.id = \(bind: id)\(unsafeRaw: suffix)
                """
            ).first()
        else { throw DomainError.notFound }
        let related = try row.decode(column: "related", as: Bool.self)
        return (try writer.planned(id) ?? Self.decodeCase(row, id: id), related)
    }

    static func decodeCase(_ row: any SQLRow, id: String) throws -> WorkflowCase {
        let documents = try row.decode(column: "documents", as: String.self)
        return WorkflowCase(
            id: id, definitionID: try row.decode(column: "definition_id", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            state: try row.decode(column: "state", as: String.self),
            isTerminal: try row.decode(column: "terminal", as: Int.self) != 0,
            agencyCode: try row.decode(column: "agency_code", as: String.self),
            applicantPIN: try row.decode(column: "applicant_pin", as: String?.self),
            assigneePIN: try row.decode(column: "assignee_pin", as: String?.self),
            facts: FactsCoding.decode(try row.decode(column: "facts", as: String.self)),
            documents: Set(documents.split(separator: ",").map(String.init)),
            enteredOn: CalendarDate(iso: try row.decode(column: "entered_on", as: String.self))
                ?? CalendarDate(dayNumber: 0),
            dueOn: try row.decode(column: "due_on", as: String?.self).flatMap(CalendarDate.init(iso:)),
            revision: try row.decode(column: "revision", as: Int.self),
            timerAt: try row.decode(column: "timer_at", as: Int?.self))
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

    /// The relatives (`person_relations`, both directions) of `people`, into the writer's memory.
    func loadRelatives(_ sql: any SQLDatabase, of people: [String], into writer: CaseWriter) async throws {
        let wanted = Array(Set(people).filter { writer.relatives[$0] == nil }).sorted()
        for start in stride(from: 0, to: wanted.count, by: 200) {
            let chunk = Array(wanted[start..<min(start + 200, wanted.count)])
            for pin in chunk { writer.relatives[pin] = [] }
            let list = SQLQueryString.list(chunk)
            for row in try await sql.raw(
                "SELECT pin_a, pin_b FROM person_relations WHERE pin_a IN (" + list + ") OR pin_b IN (" + list + ")"
            ).all() {
                let a = try row.decode(column: "pin_a", as: String.self)
                let b = try row.decode(column: "pin_b", as: String.self)
                writer.relatives[a]?.insert(b)
                writer.relatives[b]?.insert(a)
            }
        }
    }

    /// Officials of `agency` with one of `roles`, except `excluding` and their relatives.
    func officials(_ sql: any SQLDatabase, agency: String, roles: [String], excluding: String?) async throws -> [(
        pin: String, load: Int
    )] {
        var query: SQLQueryString = """
            SELECT o.person_pin AS pin, COALESCE(l.open_cases, 0) AS load
            FROM officials o LEFT JOIN workflow_official_load l ON l.pin = o.person_pin WHERE o.agency_code = \(bind: agency)
              AND EXISTS (SELECT 1 FROM official_roles r WHERE r.person_pin = o.person_pin AND r.role IN (
            """
        for (i, role) in roles.sorted().enumerated() { query = query + (i == 0 ? "\(bind: role)" : ", \(bind: role)") }
        let applicant = excluding ?? ""
        query =
            query + """
                )) AND o.person_pin <> \(bind: applicant)
                  AND NOT EXISTS (SELECT 1 FROM person_relations p WHERE (p.pin_a = o.person_pin AND p.pin_b = \(bind: applicant))
                                                                      OR (p.pin_b = o.person_pin AND p.pin_a = \(bind: applicant)))
                ORDER BY o.person_pin
                """
        return try await sql.raw(query).all().map {
            (try $0.decode(column: "pin", as: String.self), try $0.decode(column: "load", as: Int.self))
        }
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
