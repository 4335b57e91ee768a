import Core
import Identity
import Ledger
import SQLKit

/// What starting one case needs: the definition to use, the agency, the applicant and the facts.
public struct CaseStart: Sendable {
    public var definitionID: String
    public var agency: String
    public var applicant: String?
    public var facts: [String: Value]
    public var documents: Set<String>
    public var actor: LedgerActor

    public init(
        definitionID: String, agency: String, applicant: String?, facts: [String: Value], documents: Set<String> = [],
        actor: LedgerActor
    ) {
        self.definitionID = definitionID
        self.agency = agency
        self.applicant = applicant
        self.facts = facts
        self.documents = documents
        self.actor = actor
    }
}

/// Case operations inside a caller's transaction, so that another module (an application, a
/// payment) and the case change together or not at all. Nothing here opens a connection of its
/// own: on SQLite the caller's transaction holds the only one.
extension WorkflowService {
    /// Starts cases on the newest versions of their definitions; their history lines and ledger
    /// entries are written with one ledger append. The cases' seals go into `seals` when given
    /// (the caller seals its whole transaction at once), else into an entry of their own.
    public func start(_ starts: [CaseStart], on sql: any SQLDatabase, seals: SealBatch? = nil) async throws
        -> [WorkflowCase]
    {
        let at = clock.seconds
        let calendar = try await calendar(on: sql)
        let writer = CaseWriter()
        try await loadRelatives(sql, of: starts.compactMap(\.applicant), into: writer)
        var started: [WorkflowCase] = []
        for start in starts {
            let definition = try await latest(start.definitionID, on: sql)
            let id = WorkflowCase.newID(at: at)
            var item = WorkflowCase(
                id: id, definitionID: definition.id, version: definition.version, state: definition.start.id,
                isTerminal: false,
                agencyCode: start.agency, applicantPIN: start.applicant, assigneePIN: nil, facts: start.facts,
                documents: start.documents, enteredOn: CalendarDate(bishkekDayOf: at), dueOn: nil, revision: 0)
            item.dueOn = definition.start.slaDays.map { calendar.adding(workingDays: $0, to: item.enteredOn) }
            writer.create(item)
            writer.record(
                &item, kind: "started", from: nil, to: item.state, action: nil, actor: start.actor, role: nil,
                reason: "", details: [:], at: at)
            try await settle(sql, &item, definition: definition, calendar: calendar, at: at, writer: writer)
            started.append(item)
        }
        try await writer.apply(sql, store: store, ledger: ledger, at: at, seals: seals)
        return started
    }

    /// Takes an action that no official takes (the definition gives it no roles): a payment
    /// confirmed, an applicant's withdrawal or answer. `facts` are added to the case first.
    public func systemAct(
        _ caseID: String, action: String, by actor: LedgerActor, reason: String, facts: [String: Value] = [:],
        documents: Set<String> = [], on sql: any SQLDatabase
    ) async throws -> WorkflowCase {
        let at = clock.seconds
        let calendar = try await calendar(on: sql)
        let writer = CaseWriter()
        var item = try await load(sql, caseID, lock: true)
        let definition = try await definition(item.definitionID, version: item.version, on: sql)
        guard let declared = definition.actions.first(where: { $0.id == action }) else {
            throw WorkflowError.unknownAction(action)
        }
        guard declared.roles.isEmpty else { throw WorkflowError.roleNotAllowed(action: action, role: "system") }
        item.facts.merge(facts) { _, new in new }
        item.documents.formUnion(documents)
        let transition = try ProcessEngine(definition, today: CalendarDate(bishkekDayOf: at)).take(
            action, in: item.state, role: nil, facts: item.facts, documents: item.documents)
        move(
            &item, transition, definition: definition, calendar: calendar, actor: actor, reason: reason, at: at,
            writer: writer)
        try await settle(sql, &item, definition: definition, calendar: calendar, at: at, writer: writer)
        try await writer.apply(sql, store: store, ledger: ledger, at: at)
        return item
    }

    /// An official's action (checked as `act` checks it) inside the caller's transaction.
    public func act(
        _ caseID: String, action: String, by principal: Principal, reason: String, documents: Set<String> = [],
        on sql: any SQLDatabase
    ) async throws -> WorkflowCase {
        let at = clock.seconds
        let calendar = try await calendar(on: sql)
        let writer = CaseWriter()
        let item = try await plan(
            ActRequest(caseID: caseID, action: action, principal: principal, reason: reason, documents: documents),
            sql: sql, calendar: calendar, at: at, writer: writer)
        try await writer.apply(sql, store: store, ledger: ledger, at: at)
        return item
    }

    /// Open cases of `agency` (of one assignee, when given), soonest due first, a page at a time.
    public func openCases(agency: String, assignee: String?, offset: Int, limit: Int, on sql: any SQLDatabase)
        async throws -> [WorkflowCase]
    {
        try await store.openCases(agency: agency, assignee: assignee, offset: offset, limit: limit, on: sql)
    }

    /// Up to `limit` cases changed after `cursor`, oldest change first (see `CaseChangeCursor`).
    public func revisions(after cursor: CaseChangeCursor, limit: Int, on sql: any SQLDatabase) async throws
        -> [CaseRevision]
    {
        try await store.revisions(after: cursor, limit: limit, on: sql)
    }

    /// A case read on the caller's connection.
    public func find(_ caseID: String, on sql: any SQLDatabase) async throws -> WorkflowCase {
        try await load(sql, caseID, lock: false)
    }

    /// A published version, read on the caller's connection (cached: versions never change).
    public func definition(_ id: String, version: Int, on sql: any SQLDatabase) async throws -> ProcessDefinition {
        if let cached = await definitions.get(id, version) { return cached }
        guard let text = try await store.definitionText(id, version: version, on: sql) else {
            throw DomainError.notFound
        }
        let definition = try ProcessDefinition(text: text)
        await definitions.store(definition)
        return definition
    }

    /// The newest published version of `id`, read on the caller's connection.
    public func latest(_ id: String, on sql: any SQLDatabase) async throws -> ProcessDefinition {
        if let newest = await newestDefinitions.value(for: id) { return newest }
        guard let version = try await store.latestVersion(of: id, on: sql) else { throw DomainError.notFound }
        let definition = try await definition(id, version: version, on: sql)
        await newestDefinitions.store(definition, for: definition.id)
        return definition
    }

    func loadCalendar(on sql: any SQLDatabase) async throws -> WorkingCalendar {
        let days = Set(try await store.holidays(on: sql))
        return days.isEmpty ? WorkingCalendar.kyrgyzDefault() : WorkingCalendar(holidays: days)
    }

    /// The working calendar, read on `sql` when none is kept. Unlike `calendar()` it never waits for
    /// a load under way: that load waits for a connection, and on SQLite the one connection is held
    /// by the transaction `sql` belongs to. A CI run hung so for good: a background job's load
    /// waited for a decision's transaction, which waited for that load.
    func calendar(on sql: any SQLDatabase) async throws -> WorkingCalendar {
        if let kept = await calendars.value(for: Self.calendarKey) { return kept }
        let loaded = try await loadCalendar(on: sql)
        await calendars.store(loaded, for: Self.calendarKey)
        return loaded
    }
}
