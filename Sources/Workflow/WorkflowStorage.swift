import Core
import Foundation
import Identity
import Ledger
import SQLKit
import Storage

/// The SQL behind `WorkflowService`, always on the caller's transaction.
extension WorkflowService {
    func insert(_ sql: any SQLDatabase, _ item: WorkflowCase, at: Int) async throws {
        try await sql.raw("""
            INSERT INTO workflow_cases (id, definition_id, version, state, terminal, agency_code, applicant_pin, assignee_pin, facts, documents,
              entered_on, due_on, revision, created_at, updated_at)
            VALUES (\(bind: item.id), \(bind: item.definitionID), \(bind: item.version), \(bind: item.state), 0, \(bind: item.agencyCode),
              \(bind: item.applicantPIN), \(bind: item.assigneePIN), \(bind: FactsCoding.encode(item.facts)), \(bind: item.documents.sorted().joined(separator: ",")),
              \(bind: item.enteredOn.description), \(bind: item.dueOn?.description), 0, \(bind: at), \(bind: at))
            """).run()
    }

    func load(_ sql: any SQLDatabase, _ id: String, lock: Bool) async throws -> WorkflowCase {
        // SQLite's write transaction already excludes other writers; PostgreSQL locks the row.
        let suffix = lock && database.engine == .postgres ? " FOR UPDATE" : ""
        guard let row = try await sql.raw("SELECT * FROM workflow_cases WHERE id = \(bind: id)\(unsafeRaw: suffix)").first() else { throw DomainError.notFound }
        return try Self.decodeCase(row, id: id)
    }

    /// Loads and locks a case, and says in the same query whether `official` is a relative of its applicant.
    func load(_ sql: any SQLDatabase, _ id: String, relatedTo official: String) async throws -> (WorkflowCase, Bool) {
        let suffix = database.engine == .postgres ? " FOR UPDATE OF c" : ""
        guard let row = try await sql.raw("""
            SELECT c.*, EXISTS (SELECT 1 FROM person_relations p
                                WHERE (p.pin_a = \(bind: official) AND p.pin_b = c.applicant_pin) OR (p.pin_b = \(bind: official) AND p.pin_a = c.applicant_pin)) AS related
            FROM workflow_cases c WHERE c.id = \(bind: id)\(unsafeRaw: suffix)
            """).first() else { throw DomainError.notFound }
        let related = try row.decode(column: "related", as: Bool.self)
        return (try Self.decodeCase(row, id: id), related)
    }

    static func decodeCase(_ row: any SQLRow, id: String) throws -> WorkflowCase {
        let documents = try row.decode(column: "documents", as: String.self)
        return WorkflowCase(
            id: id, definitionID: try row.decode(column: "definition_id", as: String.self), version: try row.decode(column: "version", as: Int.self),
            state: try row.decode(column: "state", as: String.self), isTerminal: try row.decode(column: "terminal", as: Int.self) != 0,
            agencyCode: try row.decode(column: "agency_code", as: String.self), applicantPIN: try row.decode(column: "applicant_pin", as: String?.self),
            assigneePIN: try row.decode(column: "assignee_pin", as: String?.self), facts: FactsCoding.decode(try row.decode(column: "facts", as: String.self)),
            documents: Set(documents.split(separator: ",").map(String.init)),
            enteredOn: CalendarDate(iso: try row.decode(column: "entered_on", as: String.self)) ?? CalendarDate(dayNumber: 0),
            dueOn: try row.decode(column: "due_on", as: String?.self).flatMap(CalendarDate.init(iso:)),
            revision: try row.decode(column: "revision", as: Int.self))
    }

    func save(_ sql: any SQLDatabase, _ item: WorkflowCase, at: Int) async throws {
        try await sql.raw("""
            UPDATE workflow_cases SET version = \(bind: item.version), state = \(bind: item.state), terminal = \(bind: item.isTerminal ? 1 : 0),
              assignee_pin = \(bind: item.assigneePIN), facts = \(bind: FactsCoding.encode(item.facts)),
              documents = \(bind: item.documents.sorted().joined(separator: ",")), entered_on = \(bind: item.enteredOn.description),
              due_on = \(bind: item.dueOn?.description), revision = \(bind: item.revision), updated_at = \(bind: at)
            WHERE id = \(bind: item.id)
            """).run()
    }

    /// One history line and its ledger entry; bumps the case's revision (the caller saves the case).
    func record(_ sql: any SQLDatabase, _ item: inout WorkflowCase, kind: String, from: String?, to: String?, action: String?, actor: LedgerActor,
                role: String?, reason: String, details: [String: String], at: Int) async throws {
        item.revision += 1
        var all = details
        all["case"] = item.id
        all["definition"] = "\(item.definitionID)@\(item.version)"
        if let from { all["from"] = from }
        if let to { all["to"] = to }
        if let action { all["action"] = action }
        all["reason"] = reason
        let index = try await append(sql, kind: "workflow.case.\(kind)", actor: actor, subject: "case:\(item.id)", details: all, at: at)
        try await sql.raw("""
            INSERT INTO workflow_history (case_id, seq, kind, from_state, to_state, action, actor, role, reason, details, at, ledger_index)
            VALUES (\(bind: item.id), \(bind: item.revision), \(bind: kind), \(bind: from), \(bind: to), \(bind: action), \(bind: Self.reference(actor)),
              \(bind: role), \(bind: reason), \(bind: details.canonicalJSON()), \(bind: at), \(bind: index))
            """).run()
    }

    /// Applies a transition: new state, SLA due date, history, ledger (saved by `settle`).
    func move(_ sql: any SQLDatabase, _ item: inout WorkflowCase, _ transition: Transition, definition: ProcessDefinition,
              calendar: WorkingCalendar, actor: LedgerActor, reason: String, at: Int, kind: String = "transition") async throws {
        item.state = transition.to
        item.enteredOn = today(at)
        let state = definition.state(transition.to)
        item.isTerminal = state?.isTerminal ?? false
        item.dueOn = state?.slaDays.map { calendar.adding(workingDays: $0, to: item.enteredOn) }
        try await record(sql, &item, kind: kind, from: transition.from, to: transition.to, action: transition.action, actor: actor,
                         role: transition.role, reason: reason, details: [:], at: at)
    }

    /// After entering a state: automatic steps (following system actions, at most 20 in a row),
    /// then assignment and the SLA timer of the state the case rests in.
    func settle(_ sql: any SQLDatabase, _ item: inout WorkflowCase, definition: ProcessDefinition, calendar: WorkingCalendar, at: Int,
                actingOfficial: Principal? = nil) async throws {
        let engine = ProcessEngine(definition)
        for _ in 0..<20 where !item.isTerminal {
            let outcome = try await engine.enter(item.state, facts: item.facts, lookup: lookup)
            guard !outcome.facts.isEmpty || outcome.action != nil else { break }
            item.facts.merge(outcome.facts) { _, new in new }
            guard let action = outcome.action else { break }
            let transition = try engine.take(action, in: item.state, role: nil, facts: item.facts, documents: item.documents)
            var details: [String: String] = [:]
            for (table, decision) in outcome.decisions { details["\(table).rule"] = String(decision.rule) }
            try await move(sql, &item, transition, definition: definition, calendar: calendar, actor: .agency(item.agencyCode),
                           reason: "automatic: " + details.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", "), at: at)
        }
        if item.isTerminal {
            item.assigneePIN = nil
            try await save(sql, item, at: at)
            return
        }
        // The assignee keeps the case while they can act on it; when that is the official acting now,
        // their roles are known and no query is needed.
        let roles = definition.assignees(of: item.state)
        if let official = actingOfficial, official.pin == item.assigneePIN, official.post?.agencyCode == item.agencyCode,
           official.post?.roles.contains(where: { roles.contains($0.rawValue) }) == true {
            try await finish(sql, item, at: at)
            return
        }
        let candidates = try await eligible(sql, item, definition: definition)
        // Otherwise the least loaded eligible official gets it, and among equals chance decides:
        // nobody picks who gets a case.
        let least = candidates.map(\.load).min()
        if !candidates.contains(where: { $0.pin == item.assigneePIN }), let least, let chosen = candidates.filter({ $0.load == least }).randomElement() {
            item.assigneePIN = chosen.pin
            try await record(sql, &item, kind: "assigned", from: item.state, to: item.state, action: nil, actor: .agency(item.agencyCode), role: nil,
                             reason: "least loaded of \(candidates.count)", details: ["assignee": chosen.pin], at: at)
        }
        try await finish(sql, item, at: at)
    }

    /// Saves the case and sets the SLA timer of the state it now rests in.
    private func finish(_ sql: any SQLDatabase, _ item: WorkflowCase, at: Int) async throws {
        try await save(sql, item, at: at)
        if let due = item.dueOn {
            // Fires when the due day has ended in Bishkek.
            let fireAt = (due.dayNumber + 1) * 86_400 - Self.bishkekOffset
            try await sql.raw("""
                INSERT INTO workflow_timers (case_id, state, revision, fire_at) VALUES (\(bind: item.id), \(bind: item.state), \(bind: item.revision), \(bind: fireAt))
                """).run()
        }
    }

    /// Officials of the case's agency holding a role the state is assigned to, and not the
    /// applicant or a relative, with how many open cases each has.
    func eligible(_ sql: any SQLDatabase, _ item: WorkflowCase, definition: ProcessDefinition) async throws -> [(pin: String, load: Int)] {
        let roles = definition.assignees(of: item.state)
        guard !roles.isEmpty else { return [] }
        return try await officials(sql, agency: item.agencyCode, roles: roles, excluding: item.applicantPIN)
    }

    /// Officials of `agency` with one of `roles`, except `excluding` and their relatives.
    func officials(_ sql: any SQLDatabase, agency: String, roles: [String], excluding: String?) async throws -> [(pin: String, load: Int)] {
        var query: SQLQueryString = """
            SELECT o.person_pin AS pin, (SELECT COUNT(*) FROM workflow_cases c WHERE c.assignee_pin = o.person_pin AND c.terminal = 0) AS load
            FROM officials o WHERE o.agency_code = \(bind: agency)
              AND EXISTS (SELECT 1 FROM official_roles r WHERE r.person_pin = o.person_pin AND r.role IN (
            """
        for (i, role) in roles.sorted().enumerated() { query = query + (i == 0 ? "\(bind: role)" : ", \(bind: role)") }
        let applicant = excluding ?? ""
        query = query + """
            )) AND o.person_pin <> \(bind: applicant)
              AND NOT EXISTS (SELECT 1 FROM person_relations p WHERE (p.pin_a = o.person_pin AND p.pin_b = \(bind: applicant))
                                                                  OR (p.pin_b = o.person_pin AND p.pin_a = \(bind: applicant)))
            ORDER BY o.person_pin
            """
        return try await sql.raw(query).all().map { (try $0.decode(column: "pin", as: String.self), try $0.decode(column: "load", as: Int.self)) }
    }

    /// Whether two people are relatives as the civil registry records them.
    func related(_ sql: any SQLDatabase, _ a: String, _ b: String) async throws -> Bool {
        try await sql.raw("""
            SELECT 1 AS one FROM person_relations WHERE (pin_a = \(bind: a) AND pin_b = \(bind: b)) OR (pin_a = \(bind: b) AND pin_b = \(bind: a))
            """).first() != nil
    }

    func append(_ sql: any SQLDatabase, kind: String, actor: LedgerActor, subject: String, details: [String: String], at: Int) async throws -> Int? {
        guard let ledger else { return nil }
        let actorRef: String = switch actor {
        case .person(let pin): try await ledger.pseudonym(for: pin, on: sql)
        case .system(let id): "system:\(id)"
        case .agency(let code): "agency:\(code)"
        case .subjectThemself: "applicant"
        }
        let event = try LedgerEvent(kind: kind, actor: actorRef, subject: subject, time: at, details: details)
        return try await ledger.append([event], on: sql).lowerBound
    }

    static func reference(_ actor: LedgerActor) -> String {
        switch actor {
        case .person(let pin): "official:\(pin)"
        case .system(let id): "system:\(id)"
        case .agency(let code): "agency:\(code)"
        case .subjectThemself: "applicant"
        }
    }
}
