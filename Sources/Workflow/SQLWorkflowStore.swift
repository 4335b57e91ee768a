import Core
import Foundation
import SQLKit
import Storage

/// `WorkflowStore` on the platform database (tables `workflow_*`, see `WorkflowMigrations`).
public struct SQLWorkflowStore: WorkflowStore {
    /// Which SQL dialect to write (PostgreSQL locks rows; SQLite's write transaction excludes others).
    let engine: DatabaseEngine

    /// A store for a database of `engine`.
    public init(engine: DatabaseEngine) {
        self.engine = engine
    }

    public func latestVersion(of id: String, on sql: any SQLDatabase) async throws -> Int? {
        try await sql.raw("SELECT MAX(version) AS v FROM workflow_definitions WHERE id = \(bind: id)")
            .first(decodingColumn: "v", as: Int?.self) ?? nil
    }

    public func definitionText(_ id: String, version: Int, on sql: any SQLDatabase) async throws -> String? {
        try await sql.raw(
            "SELECT document FROM workflow_definitions WHERE id = \(bind: id) AND version = \(bind: version)"
        ).first(decodingColumn: "document", as: String.self)
    }

    public func definitions(on sql: any SQLDatabase) async throws -> [StoredDefinition] {
        try await sql.raw(
            "SELECT id, version, document, published_at, published_by FROM workflow_definitions ORDER BY id, version DESC"
        ).all().map { row in
            StoredDefinition(
                id: try row.decode(column: "id", as: String.self),
                version: try row.decode(column: "version", as: Int.self),
                document: try row.decode(column: "document", as: String.self),
                publishedAt: try row.decode(column: "published_at", as: Int.self),
                publishedBy: try row.decode(column: "published_by", as: String.self))
        }
    }

    public func insertDefinition(_ d: StoredDefinition, ledgerIndex: Int?, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO workflow_definitions (id, version, document, published_at, published_by, ledger_index)
            VALUES (\(bind: d.id), \(bind: d.version), \(bind: d.document), \(bind: d.publishedAt), \(bind: d.publishedBy), \(bind: ledgerIndex))
            """
        ).run()
    }

    public func holidays(on sql: any SQLDatabase) async throws -> [CalendarDate] {
        try await sql.raw("SELECT day FROM workflow_holidays").all().compactMap {
            CalendarDate(iso: try $0.decode(column: "day", as: String.self))
        }
    }

    public func setHoliday(_ day: CalendarDate, name: String, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO workflow_holidays (day, name) VALUES (\(bind: day.description), \(bind: name))
            ON CONFLICT (day) DO UPDATE SET name = \(bind: name)
            """
        ).run()
    }

    public func removeHoliday(_ day: CalendarDate, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM workflow_holidays WHERE day = \(bind: day.description)").run()
    }

    public func loadCase(_ id: String, lock: Bool, on sql: any SQLDatabase) async throws -> WorkflowCase? {
        let suffix = lock && engine == .postgres ? " FOR UPDATE" : ""
        return try await sql.raw("SELECT * FROM workflow_cases WHERE id = \(bind: id)\(unsafeRaw: suffix)").first()
            .map { try Self.decodeCase($0) }
    }

    public func claimDueTimers(at: Int, on sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw(
            """
            UPDATE workflow_cases SET timer_at = NULL WHERE timer_at IS NOT NULL AND timer_at <= \(bind: at) AND terminal = 0 RETURNING id
            """
        ).all().map { try $0.decode(column: "id", as: String.self) }
    }

    public func liveCases(of definitionID: String, version: Int, on sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw(
            """
            SELECT id FROM workflow_cases WHERE definition_id = \(bind: definitionID) AND version = \(bind: version) AND terminal = 0 ORDER BY id
            """
        ).all().map { try $0.decode(column: "id", as: String.self) }
    }

    public func openCases(agency: String, assignee: String?, offset: Int, limit: Int, on sql: any SQLDatabase)
        async throws -> [WorkflowCase]
    {
        var query: SQLQueryString = "SELECT * FROM workflow_cases WHERE terminal = 0 AND agency_code = \(bind: agency)"
        if let assignee { query = query + " AND assignee_pin = \(bind: assignee)" }
        query = query + " ORDER BY due_on, id LIMIT \(literal: max(1, limit)) OFFSET \(literal: max(0, offset))"
        return try await sql.raw(query).all().map { try Self.decodeCase($0) }
    }

    public func revisions(after cursor: CaseChangeCursor, limit: Int, on sql: any SQLDatabase) async throws
        -> [CaseRevision]
    {
        try await sql.raw(
            """
            SELECT id, revision, updated_at FROM workflow_cases WHERE (updated_at, id) > (\(bind: cursor.changedAt), \(bind: cursor.caseID))
            ORDER BY updated_at, id LIMIT \(literal: max(1, limit))
            """
        ).all().map { row in
            CaseRevision(
                caseID: try row.decode(column: "id", as: String.self),
                revision: try row.decode(column: "revision", as: Int.self),
                changedAt: try row.decode(column: "updated_at", as: Int.self))
        }
    }

    public func escalations(since: Int, offset: Int, limit: Int, on sql: any SQLDatabase) async throws
        -> [CaseEscalation]
    {
        try await sql.raw(
            """
            SELECT case_id, seq, to_state, details, at FROM workflow_history WHERE kind = 'escalated' AND at >= \(bind: since)
            ORDER BY at, case_id, seq LIMIT \(literal: max(1, limit)) OFFSET \(literal: max(0, offset))
            """
        ).all().map { row in
            let details =
                (try? JSONDecoder().decode(
                    [String: String].self, from: Data(try row.decode(column: "details", as: String.self).utf8))) ?? [:]
            return CaseEscalation(
                caseID: try row.decode(column: "case_id", as: String.self),
                seq: try row.decode(column: "seq", as: Int.self),
                state: try row.decode(column: "to_state", as: String?.self) ?? "",
                assigneePIN: details["assignee"].flatMap { $0.isEmpty ? nil : $0 },
                at: try row.decode(column: "at", as: Int.self))
        }
    }

    public func history(of caseID: String, on sql: any SQLDatabase) async throws -> [CaseEvent] {
        try await sql.raw("SELECT * FROM workflow_history WHERE case_id = \(bind: caseID) ORDER BY seq").all().map {
            row in
            CaseEvent(
                seq: try row.decode(column: "seq", as: Int.self),
                kind: try row.decode(column: "kind", as: String.self),
                from: try row.decode(column: "from_state", as: String?.self),
                to: try row.decode(column: "to_state", as: String?.self),
                action: try row.decode(column: "action", as: String?.self),
                actor: try row.decode(column: "actor", as: String.self),
                role: try row.decode(column: "role", as: String?.self),
                reason: try row.decode(column: "reason", as: String.self),
                details: try row.decode(column: "details", as: String.self),
                at: try row.decode(column: "at", as: Int.self),
                ledgerIndex: try row.decode(column: "ledger_index", as: Int?.self))
        }
    }

    public func insertHistory(_ lines: [(caseID: String, event: CaseEvent)], on sql: any SQLDatabase) async throws {
        for start in stride(from: 0, to: lines.count, by: 200) {
            try await sql.raw(
                .rows(
                    """
                    INSERT INTO workflow_history (case_id, seq, kind, from_state, to_state, action, actor, role, reason, details, at, ledger_index) VALUES
                    """,
                    lines[start..<min(start + 200, lines.count)].map { caseID, e in
                        [
                            caseID, e.seq, e.kind, e.from, e.to, e.action, e.actor, e.role, e.reason, e.details, e.at,
                            e.ledgerIndex,
                        ] as [any Encodable & Sendable]
                    })
            ).run()
        }
    }

    public func insertCases(_ cases: [WorkflowCase], at: Int, on sql: any SQLDatabase) async throws {
        for start in stride(from: 0, to: cases.count, by: 100) {
            try await sql.raw(
                .rows(
                    """
                    INSERT INTO workflow_cases (id, definition_id, version, state, terminal, agency_code, applicant_pin, assignee_pin, facts, documents,
                      entered_on, due_on, revision, timer_at, created_at, updated_at) VALUES
                    """,
                    cases[start..<min(start + 100, cases.count)].map { item in
                        [
                            item.id, item.definitionID, item.version, item.state, item.isTerminal ? 1 : 0,
                            item.agencyCode, item.applicantPIN, item.assigneePIN,
                            FactsCoding.encode(item.facts), item.documents.sorted().joined(separator: ","),
                            item.enteredOn.description, item.dueOn?.description,
                            item.revision, item.timerAt, at, at,
                        ] as [any Encodable & Sendable]
                    })
            ).run()
        }
    }

    public func updateCase(_ item: WorkflowCase, at: Int, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE workflow_cases SET version = \(bind: item.version), state = \(bind: item.state), terminal = \(bind: item.isTerminal ? 1 : 0),
              assignee_pin = \(bind: item.assigneePIN), facts = \(bind: FactsCoding.encode(item.facts)),
              documents = \(bind: item.documents.sorted().joined(separator: ",")), entered_on = \(bind: item.enteredOn.description),
              due_on = \(bind: item.dueOn?.description), revision = \(bind: item.revision), timer_at = \(bind: item.timerAt), updated_at = \(bind: at)
            WHERE id = \(bind: item.id)
            """
        ).run()
    }

    public func assignments(of ids: [String], on sql: any SQLDatabase) async throws -> [String: (
        assignee: String?, terminal: Bool
    )] {
        var found: [String: (assignee: String?, terminal: Bool)] = [:]
        for start in stride(from: 0, to: ids.count, by: 200) {
            let chunk = ids[start..<min(start + 200, ids.count)].map { $0 as any Encodable & Sendable }
            for row in try await sql.raw(
                "SELECT id, assignee_pin, terminal FROM workflow_cases WHERE id IN (" + .list(chunk) + ")"
            ).all() {
                found[try row.decode(column: "id", as: String.self)] = (
                    try row.decode(column: "assignee_pin", as: String?.self),
                    try row.decode(column: "terminal", as: Int.self) != 0
                )
            }
        }
        return found
    }

    public func loads(of pins: [String], on sql: any SQLDatabase) async throws -> [String: Int] {
        var loads = Dictionary(uniqueKeysWithValues: Set(pins).map { ($0, 0) })
        let wanted = Array(loads.keys).sorted()
        for start in stride(from: 0, to: wanted.count, by: 500) {
            let chunk = wanted[start..<min(start + 500, wanted.count)].map { $0 as any Encodable & Sendable }
            for row in try await sql.raw(
                "SELECT pin, open_cases FROM workflow_official_load WHERE pin IN (" + .list(chunk) + ")"
            ).all() {
                loads[try row.decode(column: "pin", as: String.self)] = try row.decode(
                    column: "open_cases", as: Int.self)
            }
        }
        return loads
    }

    public func adjustLoads(_ changes: [String: Int], on sql: any SQLDatabase) async throws {
        for (pin, change) in changes.sorted(by: { $0.key < $1.key }) where change != 0 {
            try await sql.raw(
                """
                INSERT INTO workflow_official_load (pin, open_cases) VALUES (\(bind: pin), \(bind: change))
                ON CONFLICT (pin) DO UPDATE SET open_cases = workflow_official_load.open_cases + \(bind: change)
                """
            ).run()
        }
    }

    static func decodeCase(_ row: any SQLRow) throws -> WorkflowCase {
        let documents = try row.decode(column: "documents", as: String.self)
        return WorkflowCase(
            id: try row.decode(column: "id", as: String.self),
            definitionID: try row.decode(column: "definition_id", as: String.self),
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
}
