import Core
import Crypto
import Foundation
import Identity
import Ledger
import SQLKit
import Storage

/// Runs cases through published definitions: the system starts them, takes automatic steps,
/// assigns them to officials by rule, enforces roles, conflicts of interest and SLAs, and writes
/// every transition, assignment and escalation to the ledger in the same transaction.
public struct WorkflowService: Sendable {
    let database: Database
    let ledger: LedgerService?
    let definitions = DefinitionCache()
    /// The newest version of each definition, kept a few seconds: a version published on another node is used within them.
    let newestDefinitions = TTLCache<String, ProcessDefinition>(lifetime: .seconds(5))
    let batcher: Batcher<ActRequest, WorkflowCase>
    /// The holiday calendar, kept a minute per node (an administrator's change reaches every node within it).
    let calendars = TTLCache<String, WorkingCalendar>(lifetime: .seconds(60))
    /// The one key of `calendars`: there is one working calendar.
    static let calendarKey = "calendar"
    let clock: Clock
    /// Registry lookups for automatic steps, on the transaction's connection: (connection,
    /// registry, key, the case) → the record's fields, or nil when there is none.
    public typealias Lookup = @Sendable (any SQLDatabase, String, String, WorkflowCase) async throws -> [String: Value]?
    let lookup: Lookup
    let store: any WorkflowStore
    /// Who the officials of an agency are (Identity owns them).
    let people: any IdentityStore
    /// Who is whose relative (the civil registry owns it): nobody decides a relative's case.
    let kinship: any Kinship

    /// Without a registry connection a lookup step fails loudly rather than find nothing.
    public static let noRegistries: Lookup = { _, registry, _, _ in
        throw WorkflowError.evaluation("registry \(registry) is not connected to the workflow")
    }

    /// A workflow on `database`; officials come from `people`, relations between people from `kinship`.
    public init(
        database: Database, ledger: LedgerService?,
        clock: Clock, people: any IdentityStore, kinship: any Kinship,
        lookup: @escaping Lookup = WorkflowService.noRegistries
    ) {
        self.database = database
        self.batcher = Batcher(executor: database.writerExecutor)
        self.ledger = ledger
        self.clock = clock
        self.people = people
        self.kinship = kinship
        self.lookup = lookup
        self.store = SQLWorkflowStore(engine: database.engine)
    }

    // MARK: definitions

    /// Publishes a definition. Its version must be the next one for its id: published versions
    /// never change, and running cases stay on theirs.
    @discardableResult
    public func publish(_ text: String, by actor: LedgerActor) async throws -> ProcessDefinition {
        let definition = try ProcessDefinition(text: text)
        let at = clock.seconds
        try await database.transaction { sql in
            let latest = try await self.store.latestVersion(of: definition.id, on: sql)
            guard definition.version == (latest ?? 0) + 1 else {
                throw DomainError.conflict(field: "version", messageKey: "error_version_taken")
            }
            let index = try await self.append(
                sql, kind: "workflow.definition.published", actor: actor, subject: "process:\(definition.id)",
                details: [
                    "version": String(definition.version), "document": Hex.encode(SHA256.hash(data: Data(text.utf8))),
                ], at: at)
            try await self.store.insertDefinition(
                StoredDefinition(
                    id: definition.id, version: definition.version, document: text, publishedAt: at,
                    publishedBy: actor.historyName(themself: "applicant")), ledgerIndex: index, on: sql)
        }
        await definitions.store(definition)
        await newestDefinitions.store(definition, for: definition.id)
        return definition
    }

    /// A published version (cached: versions never change).
    public func definition(_ id: String, version: Int) async throws -> ProcessDefinition {
        if let cached = await definitions.get(id, version) { return cached }
        return try await database.withConnection { sql in try await self.definition(id, version: version, on: sql) }
    }

    /// Every published definition version, newest first within each id.
    public func published() async throws -> [PublishedDefinition] {
        try await database.withConnection { sql in try await self.store.definitions(on: sql) }.map { stored in
            PublishedDefinition(
                id: stored.id, version: stored.version,
                title: (try? ProcessDefinition(text: stored.document))?.title ?? "",
                publishedAt: stored.publishedAt, publishedBy: stored.publishedBy)
        }
    }

    /// The newest published version of `id`.
    public func latest(_ id: String) async throws -> ProcessDefinition {
        let version = try await database.withConnection { sql in try await self.store.latestVersion(of: id, on: sql) }
        guard let version else { throw DomainError.notFound }
        return try await definition(id, version: version)
    }

    // MARK: calendar

    /// The working-day calendar: the holidays an administrator keeps in `workflow_holidays`
    /// (filled with the Kyrgyz defaults the first time).
    public func calendar() async throws -> WorkingCalendar {
        try await calendars.value(for: Self.calendarKey) { try await self.loadCalendar() }
    }

    private func loadCalendar() async throws -> WorkingCalendar {
        try await database.withConnection { sql in try await self.loadCalendar(on: sql) }
    }

    /// Adds or removes a public holiday (administrators only).
    public func setHoliday(_ date: CalendarDate, name: String, holiday: Bool, by principal: Principal) async throws {
        guard principal.post?.roles.contains(.administrator) == true else { throw DomainError.forbidden }
        try await database.transaction { sql in
            // The first change writes the default calendar down, so that it is changed, not replaced.
            if try await self.store.holidays(on: sql).isEmpty {
                for day in WorkingCalendar.kyrgyzDefault().holidays.sorted(by: { $0.dayNumber < $1.dayNumber }) {
                    try await self.store.setHoliday(day, name: "public holiday", on: sql)
                }
            }
            defer { Task { await calendars.removeAll() } }
            if holiday {
                try await self.store.setHoliday(date, name: name, on: sql)
            } else {
                try await self.store.removeHoliday(date, on: sql)
            }
        }
    }

    // MARK: cases

    /// Starts a case on the newest version of `definitionID`, runs the start state's automatic
    /// steps and assigns it, in a transaction of its own (`start(_:on:)` inside a caller's).
    public func start(
        _ definitionID: String, agency: String, applicant: String?, facts: [String: Value], documents: Set<String>,
        by actor: LedgerActor
    ) async throws -> WorkflowCase {
        let start = CaseStart(
            definitionID: definitionID, agency: agency, applicant: applicant, facts: facts, documents: documents,
            actor: actor)
        return try await database.transaction { sql in try await self.start([start], on: sql)[0] }
    }

    /// An official takes an action on a case of their agency. Refused (and nothing changes) when
    /// the case is not theirs to act on: another agency, their own or a relative's application,
    /// a role the definition does not allow, a false guard, missing documents.
    ///
    /// Requests that arrive together share one transaction (group commit): each is checked on
    /// its own and fails on its own, and their writes and ledger entries go in together.
    public func act(
        _ caseID: String, action: String, by principal: Principal, reason: String, documents: Set<String> = []
    ) async throws -> WorkflowCase {
        try await batcher.submit(
            ActRequest(caseID: caseID, action: action, principal: principal, reason: reason, documents: documents)
        ) { requests in
            try await self.act(requests)
        }
    }

    /// Handles a batch of requests in one transaction; one result per request, in order.
    func act(_ requests: [ActRequest]) async throws -> [Result<WorkflowCase, any Error>] {
        let at = clock.seconds
        let calendar = try await calendar()
        return try await database.transaction { sql in
            let writer = CaseWriter()
            var results: [Result<WorkflowCase, any Error>] = []
            for request in requests {
                // Each request plans into a writer of its own, taken over only if all its checks pass.
                let own = CaseWriter()
                own.absorbPlanned(from: writer)
                do {
                    let item = try await self.plan(request, sql: sql, calendar: calendar, at: at, writer: own)
                    writer.absorb(own)
                    results.append(.success(item))
                } catch {
                    results.append(.failure(error))
                }
            }
            try await writer.apply(sql, store: self.store, ledger: self.ledger, at: at)
            return results
        }
    }

    func plan(_ request: ActRequest, sql: any SQLDatabase, calendar: WorkingCalendar, at: Int, writer: CaseWriter)
        async throws -> WorkflowCase
    {
        let principal = request.principal
        let (loaded, related) = try await load(sql, request.caseID, relatedTo: principal.pin, writer: writer)
        var item = loaded
        let definition = try await definition(item.definitionID, version: item.version, on: sql)
        guard let post = principal.post, post.agencyCode == item.agencyCode else { throw DomainError.forbidden }
        guard principal.pin != item.applicantPIN, !related else { throw WorkflowError.conflictOfInterest }
        guard let declared = definition.actions.first(where: { $0.id == request.action }) else {
            throw WorkflowError.unknownAction(request.action)
        }
        guard let role = post.roles.map(\.rawValue).first(where: { declared.roles.contains($0) }) else {
            throw WorkflowError.roleNotAllowed(
                action: request.action, role: post.roles.map(\.rawValue).joined(separator: "+"))
        }
        item.documents.formUnion(request.documents)
        let transition = try ProcessEngine(definition, today: CalendarDate(bishkekDayOf: at)).take(
            request.action, in: item.state, role: role, facts: item.facts, documents: item.documents)
        move(
            &item, transition, definition: definition, calendar: calendar, actor: .person(principal.pin),
            reason: request.reason, at: at, writer: writer)
        try await settle(
            sql, &item, definition: definition, calendar: calendar, at: at, writer: writer, actingOfficial: principal)
        return item
    }

    /// A supervisor (head of the agency) gives a case to another eligible official; the reason is required.
    public func reassign(_ caseID: String, to official: String, by supervisor: Principal, reason: String) async throws
        -> WorkflowCase
    {
        let at = clock.seconds
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError(field: "reason", messageKey: "error_required")
        }
        return try await database.transaction { sql in
            let writer = CaseWriter()
            var item = try await self.load(sql, caseID, lock: true)
            guard let post = supervisor.post, post.agencyCode == item.agencyCode, post.roles.contains(.head) else {
                throw DomainError.forbidden
            }
            let definition = try await self.definition(item.definitionID, version: item.version, on: sql)
            let eligible = try await self.eligible(sql, item, definition: definition)
            guard eligible.contains(where: { $0.pin == official }) else { throw WorkflowError.notEligible(official) }
            item.assigneePIN = official
            writer.record(
                &item, kind: "reassigned", from: item.state, to: item.state, action: nil,
                actor: .person(supervisor.pin),
                role: "head", reason: reason, details: ["assignee": official], at: at)
            try await writer.apply(sql, store: self.store, ledger: self.ledger, at: at)
            return item
        }
    }

    /// Fires the SLA timers that are due, each exactly once however many nodes call this at the
    /// same moment: claiming a timer and acting on it are one transaction.
    @discardableResult
    public func fireDueTimers(node: String) async throws -> Int {
        let at = clock.seconds
        let calendar = try await calendar()
        return try await database.transaction { sql in
            // Claiming clears the timer; a second node's UPDATE finds nothing left to claim.
            let due = try await self.store.claimDueTimers(at: at, on: sql)
            let writer = CaseWriter()
            var fired = 0
            for id in due.sorted() {
                var item = try await self.load(sql, id, lock: true, writer: writer)
                let definition = try await self.definition(item.definitionID, version: item.version, on: sql)
                for escalation in definition.escalations where escalation.state == item.state {
                    fired += 1
                    let details = ["node": node]
                    switch escalation.kind {
                    case .notify:
                        writer.record(
                            &item, kind: "escalated", from: item.state, to: item.state, action: nil,
                            actor: .agency(item.agencyCode),
                            role: nil, reason: "SLA passed",
                            details: details.merging(["escalation": "notify", "assignee": item.assigneePIN ?? ""]) {
                                $1
                            }, at: at)
                    case .reassignToSupervisor:
                        let heads = try await self.officials(
                            sql, agency: item.agencyCode, roles: ["head"], excluding: item.applicantPIN)
                        item.assigneePIN = heads.min { ($0.load, $0.pin) < ($1.load, $1.pin) }?.pin ?? item.assigneePIN
                        writer.record(
                            &item, kind: "escalated", from: item.state, to: item.state, action: nil,
                            actor: .agency(item.agencyCode),
                            role: nil, reason: "SLA passed",
                            details: details.merging(["escalation": "reassign", "assignee": item.assigneePIN ?? ""]) {
                                $1
                            }, at: at)
                    case .takeAction(let action):
                        let transition = try ProcessEngine(definition, today: CalendarDate(bishkekDayOf: at)).take(
                            action, in: item.state, role: nil, facts: item.facts, documents: item.documents)
                        self.move(
                            &item, transition, definition: definition, calendar: calendar,
                            actor: .agency(item.agencyCode),
                            reason: "SLA passed", at: at, writer: writer, kind: "escalated")
                        try await self.settle(
                            sql, &item, definition: definition, calendar: calendar, at: at, writer: writer)
                    }
                }
            }
            try await writer.apply(sql, store: self.store, ledger: self.ledger, at: at)
            return fired
        }
    }

    /// Moves the live cases of `definitionID` from version `from` to version `to`; cases whose
    /// state the new version lacks stay, and the report says why.
    public func migrate(_ definitionID: String, from: Int, to: Int, by actor: LedgerActor) async throws
        -> MigrationReport
    {
        let target = try await definition(definitionID, version: to)
        _ = try await definition(definitionID, version: from)
        let at = clock.seconds
        return try await database.transaction { sql in
            let writer = CaseWriter()
            var report = MigrationReport(moved: [], kept: [])
            let ids = try await self.store.liveCases(of: definitionID, version: from, on: sql)
            for id in ids {
                var item = try await self.load(sql, id, lock: true)
                guard target.state(item.state) != nil else {
                    report.kept.append((id, "state \(item.state) does not exist in version \(to)"))
                    continue
                }
                item.version = to
                writer.record(
                    &item, kind: "migrated", from: item.state, to: item.state, action: nil, actor: actor, role: nil,
                    reason: "version \(from) to \(to)", details: ["from": String(from), "to": String(to)], at: at)
                report.moved.append(id)
            }
            try await writer.apply(sql, store: self.store, ledger: self.ledger, at: at)
            return report
        }
    }

    /// A case, for someone allowed to see it (the caller checks who).
    public func find(_ caseID: String) async throws -> WorkflowCase {
        try await database.withConnection { sql in try await self.load(sql, caseID, lock: false) }
    }

    /// A case's history, oldest first.
    public func history(_ caseID: String) async throws -> [CaseEvent] {
        try await database.withConnection { sql in try await self.store.history(of: caseID, on: sql) }
    }
}

/// Published definitions by id and version; they never change, so they are kept for good.
actor DefinitionCache {
    private var items: [String: ProcessDefinition] = [:]
    func get(_ id: String, _ version: Int) -> ProcessDefinition? { items["\(id)@\(version)"] }
    func store(_ definition: ProcessDefinition) { items["\(definition.id)@\(definition.version)"] = definition }
}

/// A published version, as the administrator's list shows it.
public struct PublishedDefinition: Sendable, Equatable {
    public var id: String
    public var version: Int
    public var title: String
    public var publishedAt: Int
    public var publishedBy: String
}

/// One official's action, waiting for its batch.
struct ActRequest: Sendable {
    var caseID: String
    var action: String
    var principal: Principal
    var reason: String
    var documents: Set<String>
}
