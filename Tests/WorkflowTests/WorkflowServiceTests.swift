import Core
import Foundation
import Identity
import Ledger
import SQLKit
import Storage
import Synchronization
import TestSupport
import Testing
import Workflow

@testable import Registries

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let time: Mutex<Int>
    init(_ iso: String, hour: Int = 10) {
        // `hour` in Bishkek (UTC+6).
        time = Mutex((CalendarDate(iso: iso)!.dayNumber * 86_400) + (hour - 6) * 3600)
    }
    var now: Int { time.withLock { $0 } }
    func set(_ iso: String, hour: Int = 10) {
        time.withLock { $0 = CalendarDate(iso: iso)!.dayNumber * 86_400 + (hour - 6) * 3600 }
    }
}

struct WorkflowFixture {
    let database: Database
    let ledger: LedgerService
    let clock: TestClock

    func service(lookup: @escaping WorkflowService.Lookup = WorkflowService.noRegistries) -> WorkflowService {
        let clock = self.clock
        return WorkflowService(
            database: database, ledger: ledger, clock: Clock { Date(timeIntervalSince1970: TimeInterval(clock.now)) },
            people: SQLIdentityStore(database: database), kinship: SQLRegistryStore(database: database, ledger: ledger),
            lookup: lookup)
    }

    /// Bishkek City Hall staff: the demo clerk, two specialists, a head.
    static let clerk = Principal(
        pin: "21908198700148", displayName: "Clerk",
        post: OfficialPost(agencyCode: "BCH", position: "Clerk", roles: [.clerk]))
    static let specialistA = Principal(
        pin: "21503198500201", displayName: "Specialist A",
        post: OfficialPost(agencyCode: "BCH", position: "Specialist", roles: [.specialist]))
    static let specialistB = Principal(
        pin: "21503198500202", displayName: "Specialist B",
        post: OfficialPost(agencyCode: "BCH", position: "Specialist", roles: [.specialist]))
    static let head = Principal(
        pin: "11503198500203", displayName: "Head",
        post: OfficialPost(agencyCode: "BCH", position: "Head", roles: [.head]))
    /// An official of another agency.
    static let outsider = Principal(
        pin: "21404199200901", displayName: "MOH",
        post: OfficialPost(agencyCode: "MOH", position: "Specialist", roles: [.specialist]))

    static func with(_ engine: TestEngine, _ body: (WorkflowFixture) async throws -> Void) async throws {
        try await engine.withDatabase(
            migrations: LedgerMigrations.all + IdentityMigrations.all + RegistryMigrations.all + WorkflowMigrations.all
        ) { database in
            try await DemoData.ensureReferenceData(database)
            try await DemoData.seed(database, passwords: PasswordHasher(cost: 4), clock: .system)
            try await database.transaction { sql in
                // The city hall of these tests has exactly the officials named here (and the demo clerk).
                try await sql.raw(
                    "DELETE FROM official_roles WHERE person_pin IN (SELECT person_pin FROM officials WHERE agency_code = 'BCH' AND person_pin <> \(bind: clerk.pin))"
                ).run()
                try await sql.raw(
                    "DELETE FROM officials WHERE agency_code = 'BCH' AND person_pin <> \(bind: clerk.pin)"
                ).run()
                for p in [specialistA, specialistB, head] {
                    try await sql.raw(
                        """
                        INSERT INTO people (pin, family_name, given_name, birth_date, sex, created_at) VALUES (\(bind: p.pin), 'Test', \(bind: p.displayName), '1985-03-15', 'male', 0)
                        """
                    ).run()
                    try await sql.raw(
                        "INSERT INTO officials (person_pin, agency_code, position) VALUES (\(bind: p.pin), 'BCH', '')"
                    ).run()
                    for role in p.post?.roles ?? [] {
                        try await sql.raw(
                            "INSERT INTO official_roles (person_pin, role) VALUES (\(bind: p.pin), \(bind: role.rawValue))"
                        ).run()
                    }
                }
            }
            let ledger = try await LedgerService.open(database, origin: "test.tazakoom.kg/ledger")
            try await body(WorkflowFixture(database: database, ledger: ledger, clock: TestClock("2026-03-19")))
        }
    }

    func count(_ table: String, where condition: String = "1 = 1") async throws -> Int {
        try await database.withConnection { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(unsafeRaw: condition)").first(
                decodingColumn: "n", as: Int.self) ?? -1
        }
    }
}

@Suite struct WorkflowServiceTests {
    typealias F = WorkflowFixture
    static let applicant = "11207199000417"
    static let goodFacts: [String: Value] = ["area": 120, "zone": "residential", "floors": 5]

    @Test(arguments: TestEngine.available)
    func aCaseRunsThroughItsDefinitionWithEveryStepInTheLedger(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let service = f.service()
            try await service.publish(Fixtures.buildingPermit, by: .agency("BCH"))
            let ledgerStart = try await f.ledger.head().size
            var item = try await service.start(
                "building-permit", agency: "BCH", applicant: Self.applicant, facts: Self.goodFacts,
                documents: ["site_plan", "title_deed"], by: .subjectThemself)
            #expect(item.state == "submitted" && item.assigneePIN == F.clerk.pin, "the only clerk gets it")
            #expect(
                item.dueOn == CalendarDate(iso: "2026-03-24"),
                "2 working days from Thursday 19 March skip Orozo Ait, Nooruz and the weekend")
            item = try await service.act(item.id, action: "register", by: F.clerk, reason: "documents complete")
            #expect(item.state == "examination" && item.facts["fee"] == 3000 && item.facts["zoning.rule"] == 2)
            #expect([F.specialistA.pin, F.specialistB.pin].contains(item.assigneePIN ?? ""))
            let specialist = item.assigneePIN == F.specialistA.pin ? F.specialistA : F.specialistB
            item = try await service.act(item.id, action: "recommend", by: specialist, reason: "meets the plan")
            #expect(item.state == "decision" && item.assigneePIN == F.head.pin)
            item = try await service.act(item.id, action: "approve", by: F.head, reason: "approved")
            #expect(item.state == "issued" && item.isTerminal && item.assigneePIN == nil)
            let history = try await service.history(item.id)
            #expect(
                history.map(\.kind) == [
                    "started", "assigned", "transition", "assigned", "transition", "assigned", "transition",
                ])
            #expect(history.allSatisfy { $0.ledgerIndex != nil })
            #expect(
                try await f.ledger.actions(from: ledgerStart) == history.count,
                "one ledger entry per history line (besides the seals of the records)")
            #expect(history[2].actor == "official:\(F.clerk.pin)" && history[2].reason == "documents complete")
            // A terminal case takes no more actions.
            await #expect(throws: WorkflowError.self) {
                try await service.act(item.id, action: "refuse", by: F.head, reason: "")
            }
        }
    }

    /// The stored count of open cases per official, as assignment reads it, against a count of the cases.
    static func loadsAgree(_ f: WorkflowFixture) async throws -> [String: Int] {
        try await f.database.withConnection { sql in
            var stored: [String: Int] = [:]
            var counted: [String: Int] = [:]
            for row in try await sql.raw("SELECT pin, open_cases FROM workflow_official_load WHERE open_cases <> 0")
                .all()
            {
                stored[try row.decode(column: "pin", as: String.self)] = try row.decode(
                    column: "open_cases", as: Int.self)
            }
            for row in try await sql.raw(
                "SELECT assignee_pin, COUNT(*) AS n FROM workflow_cases WHERE terminal = 0 AND assignee_pin IS NOT NULL GROUP BY assignee_pin"
            ).all() {
                counted[try row.decode(column: "assignee_pin", as: String.self)] = try row.decode(
                    column: "n", as: Int.self)
            }
            #expect(stored == counted, "stored loads \(stored) disagree with the cases \(counted)")
            return counted
        }
    }

    @Test(arguments: TestEngine.available)
    func casesGoToTheLeastLoadedOfficialAndTheStoredLoadsStayTrue(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let service = f.service()
            try await service.publish(Fixtures.buildingPermit, by: .agency("BCH"))
            var ids: [String] = []
            for _ in 0..<4 {
                let item = try await service.start(
                    "building-permit", agency: "BCH", applicant: Self.applicant, facts: Self.goodFacts,
                    documents: ["site_plan", "title_deed"], by: .subjectThemself)
                ids.append(try await service.act(item.id, action: "register", by: F.clerk, reason: "").id)
            }
            let loads = try await Self.loadsAgree(f)
            #expect(
                loads[F.specialistA.pin] == 2 && loads[F.specialistB.pin] == 2, "four cases spread evenly: \(loads)")
            let first = try await service.find(ids[0])
            _ = try await service.act(
                first.id, action: "refuse", by: first.assigneePIN == F.specialistA.pin ? F.specialistA : F.specialistB,
                reason: "no")
            let after = try await Self.loadsAgree(f)
            #expect(after.values.reduce(0, +) == 3, "an ended case leaves its official's load")
        }
    }

    /// Lately changed cases come a page at a time, in (change time, id) order, each exactly once,
    /// even when many share a second: what lets a poller read them between other writes.
    @Test(arguments: TestEngine.available)
    func changedCasesArePagedByTimeAndIdEachOnce(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let service = f.service()
            try await service.publish(Fixtures.buildingPermit, by: .agency("BCH"))
            var started: Set<String> = []
            for _ in 0..<7 {
                started.insert(
                    try await service.start(
                        "building-permit", agency: "BCH", applicant: Self.applicant, facts: Self.goodFacts,
                        documents: ["site_plan", "title_deed"], by: .subjectThemself
                    ).id)
            }
            var seen: [CaseRevision] = []
            var cursor = CaseChangeCursor(changedAt: 0, caseID: "")
            while true {
                let page = try await f.database.withConnection { [cursor] sql in
                    try await service.revisions(after: cursor, limit: 3, on: sql)
                }
                #expect(page.count <= 3)
                seen += page
                guard page.count == 3, let last = page.last else { break }
                cursor = last.cursor
            }
            #expect(seen.map(\.caseID).count == Set(seen.map(\.caseID)).count, "each case once")
            #expect(started.isSubset(of: Set(seen.map(\.caseID))))
            #expect(seen.map(\.changedAt) == seen.map(\.changedAt).sorted())
        }
    }

    @Test(arguments: TestEngine.available)
    func nobodyActsOutsideTheirAgencyRoleOrOnTheirOwnOrARelativesCase(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let service = f.service()
            try await service.publish(Fixtures.buildingPermit, by: .agency("BCH"))
            let item = try await service.start(
                "building-permit", agency: "BCH", applicant: F.specialistA.pin, facts: Self.goodFacts,
                documents: ["site_plan", "title_deed"], by: .subjectThemself)
            let examined = try await service.act(item.id, action: "register", by: F.clerk, reason: "")
            #expect(examined.assigneePIN == F.specialistB.pin, "the applicant is never assigned their own case")
            await #expect(throws: WorkflowError.conflictOfInterest) {
                try await service.act(item.id, action: "ask_correction", by: F.specialistA, reason: "")
            }
            await #expect(throws: DomainError.forbidden) {
                try await service.act(item.id, action: "ask_correction", by: F.outsider, reason: "")
            }
            await #expect(throws: WorkflowError.self) {
                try await service.act(item.id, action: "approve", by: F.clerk, reason: "")
            }
            // Relatives, as the civil registry records them.
            try await f.database.withConnection { sql in
                try await sql.raw(
                    "INSERT INTO person_relations (pin_a, pin_b, kind) VALUES (\(bind: F.specialistB.pin), \(bind: Self.applicant), 'sibling')"
                ).run()
            }
            let other = try await service.start(
                "building-permit", agency: "BCH", applicant: Self.applicant, facts: Self.goodFacts,
                documents: ["site_plan", "title_deed"], by: .subjectThemself)
            let registered = try await service.act(other.id, action: "register", by: F.clerk, reason: "")
            #expect(registered.assigneePIN == F.specialistA.pin)
            await #expect(throws: WorkflowError.conflictOfInterest) {
                try await service.act(other.id, action: "ask_correction", by: F.specialistB, reason: "")
            }
            // Reassignment needs a head of the agency and a reason.
            await #expect(throws: ValidationError.self) {
                try await service.reassign(other.id, to: F.specialistA.pin, by: F.head, reason: " ")
            }
            await #expect(throws: DomainError.forbidden) {
                try await service.reassign(other.id, to: F.specialistA.pin, by: F.specialistA, reason: "x")
            }
            await #expect(throws: WorkflowError.notEligible(F.specialistB.pin)) {
                try await service.reassign(other.id, to: F.specialistB.pin, by: F.head, reason: "x")
            }
            let changes = try await f.count("workflow_history", where: "case_id = '\(other.id)'")
            _ = try await service.reassign(other.id, to: F.specialistA.pin, by: F.head, reason: "leave of absence")
            #expect(try await f.count("workflow_history", where: "case_id = '\(other.id)'") == changes + 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func slaEscalationsFireOnceAcrossNodesAfterWorkingDays(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let nodeA = f.service()
            let nodeB = f.service()
            try await nodeA.publish(Fixtures.buildingPermit, by: .agency("BCH"))
            let item = try await nodeA.start(
                "building-permit", agency: "BCH", applicant: Self.applicant, facts: Self.goodFacts,
                documents: ["site_plan", "title_deed"], by: .subjectThemself)
            var examined = try await nodeA.act(item.id, action: "register", by: F.clerk, reason: "")
            let specialist = examined.assigneePIN == F.specialistA.pin ? F.specialistA : F.specialistB
            examined = try await nodeA.act(item.id, action: "ask_correction", by: specialist, reason: "plan unsigned")
            #expect(
                examined.state == "correction" && examined.dueOn == CalendarDate(iso: "2026-04-13"),
                "15 working days from 19 March (7 April is a holiday too)")
            f.clock.set("2026-04-13", hour: 23)
            #expect(try await nodeA.fireDueTimers(node: "a") == 0, "not before the due day has ended in Bishkek")
            f.clock.set("2026-04-14", hour: 0)
            async let a = nodeA.fireDueTimers(node: "a")
            async let b = nodeB.fireDueTimers(node: "b")
            let fired = try await a + b
            #expect(fired == 1, "exactly one node fires the escalation")
            let refused = try await nodeA.find(item.id)
            #expect(refused.state == "refused")
            #expect(try await nodeB.fireDueTimers(node: "b") == 0)
            #expect(try await nodeA.history(item.id).filter { $0.kind == "escalated" }.count == 1)
        }
    }

    /// A node that has not read the definition yet (just restarted) fires a due timer: the
    /// definition is read on the timer's own transaction. (It used to wait for a second
    /// connection that SQLite's single one could never give: the node hung.) The limit catches a
    /// hang; it is as long as the whole suite, which runs at once beside it on two cores (three
    /// minutes failed runs whose suite took eight and a half: a test waits its turn the whole time).
    @Test(.timeLimit(.minutes(15)), arguments: TestEngine.available)
    func aNodeThatJustStartedFiresDueTimers(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let first = f.service()
            try await first.publish(Fixtures.buildingPermit, by: .agency("BCH"))
            let item = try await first.start(
                "building-permit", agency: "BCH", applicant: Self.applicant, facts: Self.goodFacts,
                documents: ["site_plan", "title_deed"], by: .subjectThemself)
            _ = try await first.act(item.id, action: "register", by: F.clerk, reason: "")
            f.clock.set("2026-05-30", hour: 0)
            let restarted = f.service()
            #expect(try await restarted.fireDueTimers(node: "fresh") == 1)
            #expect(try await restarted.history(item.id).contains { $0.kind == "escalated" })
        }
    }

    /// A transaction holding SQLite's one connection reads the calendar on that connection rather
    /// than wait for a load under way, which itself waits for the connection. A CI run hung for good
    /// so: the timer poller's load waited for a decision's transaction, which waited for the load.
    @Test func aTransactionDoesNotWaitForACalendarLoadThatWaitsForItsConnection() async throws {
        try await F.with(.sqlite) { f async throws in
            let service = f.service()
            try await service.publish(Fixtures.buildingPermit, by: .agency("BCH"))
            let finished = Done()
            Task {
                try await f.database.transaction { sql in
                    let load = Task { try await service.calendar() }  // waits for this connection
                    try await Task.sleep(for: .milliseconds(300))
                    _ = try await service.start(
                        [
                            CaseStart(
                                definitionID: "building-permit", agency: "BCH", applicant: Self.applicant,
                                facts: Self.goodFacts, documents: ["site_plan", "title_deed"], actor: .subjectThemself)
                        ], on: sql)
                    _ = load
                }
                finished.set()
            }
            #expect(try await waitUntil(within: .seconds(30)) { finished.isSet }, "the transaction waited for ever")
        }
    }

    /// Set once, read from any task.
    final class Done: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    @Test(arguments: TestEngine.available)
    func concurrentActionsShareTransactionsButSucceedOrFailAlone(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let service = f.service()
            try await service.publish(Fixtures.buildingPermit, by: .agency("BCH"))
            var ids: [String] = []
            for _ in 0..<12 {
                ids.append(
                    try await service.start(
                        "building-permit", agency: "BCH", applicant: Self.applicant, facts: Self.goodFacts,
                        documents: ["site_plan", "title_deed"], by: .subjectThemself
                    ).id)
            }
            let ledgerBefore = try await f.ledger.head().size
            // Twelve registrations by the clerk and, among them, three the head may not take.
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for (n, id) in ids.enumerated() {
                    group.addTask {
                        let who = n % 4 == 0 ? F.head : F.clerk
                        return (
                            n, (try? await service.act(id, action: "register", by: who, reason: "batch \(n)")) != nil
                        )
                    }
                }
                var all: [(Int, Bool)] = []
                for await outcome in group { all.append(outcome) }
                return all.sorted { $0.0 < $1.0 }
            }
            #expect(outcomes.map(\.1) == (0..<12).map { $0 % 4 != 0 })
            for (n, id) in ids.enumerated() {
                let item = try await service.find(id)
                #expect(item.state == (n % 4 == 0 ? "submitted" : "examination"), "case \(n)")
            }
            // Each registration: a transition and an assignment, each with its own ledger entry.
            let lines = try await f.count(
                "workflow_history", where: "kind IN ('transition', 'assigned') AND reason <> '' AND seq > 2")
            #expect(try await f.ledger.actions(from: ledgerBefore) == lines)
            #expect(try await f.count("workflow_history", where: "kind = 'transition'") == 9)
        }
    }

    @Test(arguments: TestEngine.available)
    func casesStayOnTheirVersionUntilAnExplicitMigration(engine: TestEngine) async throws {
        try await F.with(engine) { f async throws in
            let service = f.service()
            try await service.publish(Fixtures.buildingPermit, by: .agency("BCH"))
            await #expect(throws: DomainError.self, "a published version never changes") {
                try await service.publish(Fixtures.buildingPermit, by: .agency("BCH"))
            }
            let old = try await service.start(
                "building-permit", agency: "BCH", applicant: Self.applicant, facts: Self.goodFacts, documents: [],
                by: .subjectThemself)
            let corrected = try await service.start(
                "building-permit", agency: "BCH", applicant: Self.applicant, facts: Self.goodFacts,
                documents: ["site_plan", "title_deed"], by: .subjectThemself)
            _ = try await service.act(corrected.id, action: "register", by: F.clerk, reason: "")
            let specialist =
                try await service.find(corrected.id).assigneePIN == F.specialistA.pin ? F.specialistA : F.specialistB
            _ = try await service.act(corrected.id, action: "ask_correction", by: specialist, reason: "")
            // Version 2 drops the correction loop.
            let v2 = Fixtures.buildingPermit
                .replacingOccurrences(of: "version: 1", with: "version: 2")
                .replacingOccurrences(of: "  - {id: correction, sla: 15}\n", with: "")
                .replacingOccurrences(
                    of: "  - {id: ask_correction, from: [examination], to: correction, roles: [specialist]}\n", with: ""
                )
                .replacingOccurrences(
                    of: "  - {id: corrected, from: [correction], to: examination, roles: [clerk]}\n", with: ""
                )
                .replacingOccurrences(
                    of: "from: [examination, decision, correction]", with: "from: [examination, decision]"
                )
                .replacingOccurrences(of: "  - {state: correction, do: action, action: refuse}\n", with: "")
            try await service.publish(v2, by: .agency("BCH"))
            let new = try await service.start(
                "building-permit", agency: "BCH", applicant: Self.applicant, facts: Self.goodFacts, documents: [],
                by: .subjectThemself)
            #expect(new.version == 2)
            #expect(try await service.find(old.id).version == 1, "running cases stay on their version")
            let report = try await service.migrate("building-permit", from: 1, to: 2, by: .agency("BCH"))
            #expect(report.moved == [old.id])
            #expect(
                report.kept.map(\.caseID) == [corrected.id] && report.kept.first?.reason.contains("correction") == true)
            #expect(try await service.find(old.id).version == 2)
            #expect(try await service.find(corrected.id).version == 1)
        }
    }
}

extension LedgerService {
    /// Entries from `start` on that record actions, leaving out the seals of records.
    func actions(from start: Int) async throws -> Int {
        var count = 0
        for index in start..<(try await head().size)
        where !(try await entry(at: index).event.kind.hasSuffix(".records.sealed")) {
            count += 1
        }
        return count
    }
}
