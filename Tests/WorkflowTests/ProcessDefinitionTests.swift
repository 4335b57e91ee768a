import Core
import PropertyBased
import Testing

@testable import Workflow

@Suite struct ProcessDefinitionTests {
    @Test func aGoodDefinitionLoadsFromYAMLAndJSON() throws {
        let definition = try ProcessDefinition(text: Fixtures.buildingPermit)
        #expect(definition.start.id == "submitted")
        #expect(definition.states.filter(\.isTerminal).map(\.id) == ["issued", "refused"])
        #expect(definition.tables["zoning"]?.hitPolicy == .first)
        let json =
            #"{"id": "p", "version": 1, "states": [{"id": "a", "start": true}, {"id": "b", "terminal": true}], "actions": [{"id": "go", "from": ["a"], "to": "b", "roles": ["clerk"]}]}"#
        #expect(try ProcessDefinition(text: json).actions.map(\.id) == ["go"])
    }

    @Test func badDefinitionsAreRefusedWithThePathAndLineAtFault() {
        let base = Fixtures.buildingPermit
        let cases: [(String, String, String)] = [
            (
                base.replacingOccurrences(
                    of: "to: decision, roles: [specialist]", with: "to: decisoin, roles: [specialist]"),
                "/actions/3/to", "unknown state decisoin"
            ),
            (
                base.replacingOccurrences(
                    of: "{id: approve, from: [decision], to: issued, roles: [head]}",
                    with: "{id: approve, from: [decision], to: decision, roles: [head]}"), "/states/4",
                "cannot be reached"
            ),
            (
                base.replacingOccurrences(
                    of:
                        "- {id: refuse, from: [examination, decision, correction], to: refused, roles: [head, specialist]}",
                    with: "- {id: refuse, from: [examination, decision], to: refused, roles: [head, specialist]}"
                )
                .replacingOccurrences(
                    of: "{id: corrected, from: [correction], to: examination, roles: [clerk]}",
                    with: "{id: corrected, from: [correction], to: correction, roles: [clerk]}"
                )
                .replacingOccurrences(of: "- {state: correction, do: action, action: refuse}", with: ""), "/states/3",
                "no terminal state can be reached from correction"
            ),
            (
                base.replacingOccurrences(of: "zoning.allowed == true and fee > 0", with: "zoning.allowed = true"),
                "/actions/3/guard", "use =="
            ),
            (
                base.replacingOccurrences(of: "- decide: zoning", with: "- decide: zonning"),
                "/automatic/0/steps/1/decide", "unknown decision table"
            ),
            (
                base.replacingOccurrences(
                    of: "{id: examination, sla: 10}", with: "{id: examination, sla: 10, start: true}"), "/states",
                "exactly one state"
            ),
            (
                base.replacingOccurrences(of: "roles: [clerk], documents", with: "roles: [janitor], documents"),
                "/actions/0/roles/0", "unknown role"
            ),
            (
                base.replacingOccurrences(of: "hitPolicy: FIRST", with: "hitPolicy: ANY"),
                "/decisionTables/0/hitPolicy", "UNIQUE or FIRST"
            ),
            ("id: x\nversion: 1\nstates: nope\n", "/", "at /states"),
        ]
        for (text, path, message) in cases {
            #expect(throws: DefinitionError.self, "\(path)") { try ProcessDefinition(text: text) }
            do { _ = try ProcessDefinition(text: text) } catch {
                #expect(
                    error.problems.contains { $0.path == path && $0.message.contains(message) }, "\(path): \(error)")
            }
        }
        // YAML problems point at the line.
        do {
            _ = try ProcessDefinition(text: cases[0].0)
        } catch {
            #expect(error.problems.first?.line == 15, "\(error)")
        }
    }

    @Test func guardsRolesAndDocumentsDecideWhoMayActAndWhen() throws {
        let engine = ProcessEngine(try ProcessDefinition(text: Fixtures.buildingPermit), today: Fixtures.today)
        #expect(throws: WorkflowError.missingDocuments(["title_deed"])) {
            try engine.take("register", in: "submitted", role: "clerk", facts: [:], documents: ["site_plan"])
        }
        #expect(throws: WorkflowError.roleNotAllowed(action: "register", role: "head")) {
            try engine.take(
                "register", in: "submitted", role: "head", facts: [:], documents: ["site_plan", "title_deed"])
        }
        #expect(
            try engine.take(
                "register", in: "submitted", role: "clerk", facts: [:], documents: ["site_plan", "title_deed"]
            ).to == "examination")
        #expect(throws: WorkflowError.notFromState(action: "approve", state: "examination")) {
            try engine.take("approve", in: "examination", role: "head", facts: [:], documents: [])
        }
        let facts: [String: Value] = ["zoning.allowed": false, "fee": 3000]
        #expect(throws: WorkflowError.guardFailed(action: "recommend", guard: "zoning.allowed == true and fee > 0")) {
            try engine.take("recommend", in: "examination", role: "specialist", facts: facts, documents: [])
        }
        #expect(
            engine.allowed(
                in: "examination", role: "specialist", facts: ["zoning.allowed": true, "fee": 3000], documents: []
            ).map(\.id) == ["ask_correction", "recommend", "refuse"])
        #expect(throws: WorkflowError.roleNotAllowed(action: "auto_refuse", role: "head"), "system-only actions") {
            try engine.take("auto_refuse", in: "examination", role: "head", facts: [:], documents: [])
        }
        #expect(throws: WorkflowError.self, "a guard over a missing fact is an error, not a quiet no") {
            try engine.take("recommend", in: "examination", role: "specialist", facts: [:], documents: [])
        }
    }

    @Test func automaticStepsComputeDecideAndChooseTheNextAction() async throws {
        let engine = ProcessEngine(try ProcessDefinition(text: Fixtures.buildingPermit), today: Fixtures.today)
        let park = try await engine.enter("examination", facts: ["area": 80, "zone": "park", "floors": 2])
        #expect(park.facts["fee"] == 2000 && park.decisions["zoning"]?.rule == 1 && park.action == "auto_refuse")
        let flat = try await engine.enter("examination", facts: ["area": 10, "zone": "residential", "floors": 5])
        #expect(
            flat.facts["fee"] == 1000 && flat.facts["zoning.reason"] == "within the plan"
                && flat.decisions["zoning"]?.rule == 2 && flat.action == nil)
        #expect(try await engine.enter("decision", facts: [:]) == AutomaticOutcome(), "no automatic steps there")
        // A registry lookup step.
        let text = """
            id: no-criminal-record
            version: 1
            states: [{id: submitted, start: true}, {id: issued, terminal: true}, {id: review, sla: 5}, {id: closed, terminal: true}]
            actions:
              - {id: certify, from: [submitted], to: issued}
              - {id: to_review, from: [submitted], to: review}
              - {id: close, from: [review], to: closed, roles: [specialist]}
            automatic:
              - state: submitted
                steps: [{lookup: {registry: criminal_records, key: applicant.pin, into: record}}]
                then: [{when: "record.found == false", action: certify}, {action: to_review}]
            """
        let certificate = ProcessEngine(try ProcessDefinition(text: text), today: Fixtures.today)
        let clean = try await certificate.enter("submitted", facts: ["applicant.pin": "11207199000417"]) { _, _ in nil }
        #expect(clean.action == "certify")
        let known = try await certificate.enter("submitted", facts: ["applicant.pin": "20303198500231"]) {
            registry, key in
            registry == "criminal_records" && key == "20303198500231" ? ["expunged": false] : nil
        }
        #expect(known.action == "to_review" && known.facts["record.expunged"] == false)
    }

    /// Random sequences of actions by random roles never leave the definition's states and never
    /// let a role take an action it is not allowed.
    @Test func randomActionsNeverBreakTheDefinition() async throws {
        let definition = try ProcessDefinition(text: Fixtures.buildingPermit)
        let engine = ProcessEngine(definition, today: Fixtures.today)
        let states = Set(definition.states.map(\.id))
        let actions = definition.actions.map(\.id) + ["fly", "approve"]
        let roles = ["clerk", "specialist", "head", "citizen", "administrator"]
        await propertyCheck(count: 300, input: Gen.int(in: 0...10_000).array(of: 1...40), Gen.int(in: 0...3)) {
            moves, factsKind in
            var state = definition.start.id
            let facts: [String: Value] = [
                "zoning.allowed": .bool(factsKind % 2 == 0), "fee": .number(Double(factsKind * 1000)),
            ]
            let documents: Set<String> = factsKind == 3 ? [] : ["site_plan", "title_deed"]
            for move in moves {
                let action = actions[move % actions.count]
                let role = roles[(move / actions.count) % roles.count]
                do {
                    let step = try engine.take(action, in: state, role: role, facts: facts, documents: documents)
                    guard let declared = definition.actions.first(where: { $0.id == action }) else {
                        Issue.record("took unknown \(action)")
                        continue
                    }
                    #expect(declared.roles.contains(role), "\(role) took \(action)")
                    #expect(declared.from.contains(state))
                    state = step.to
                } catch {
                    // Refused: the case stays where it was.
                }
                #expect(states.contains(state), "\(state) is not in the definition")
                if definition.state(state)?.isTerminal == true {
                    #expect(engine.allowed(in: state, role: role, facts: facts, documents: documents).isEmpty)
                }
            }
        }
    }
}

@Suite struct WorkingCalendarTests {
    let calendar = WorkingCalendar.kyrgyzDefault()

    @Test func slaDueDatesSkipWeekendsAndPublicHolidays() throws {
        func due(_ start: String, _ days: Int) -> String {
            calendar.adding(workingDays: days, to: CalendarDate(iso: start)!).description
        }
        #expect(due("2026-11-30", 3) == "2026-12-03", "Monday + 3 within one week")
        #expect(due("2026-12-04", 1) == "2026-12-07", "Friday + 1 is Monday")
        #expect(due("2026-03-19", 2) == "2026-03-24", "Orozo Ait (Fri 20 March) and Nooruz (Sat 21) are skipped")
        #expect(due("2026-04-30", 3) == "2026-05-07", "1 May (Fri) and 5 May (Tue) are holidays")
        #expect(due("2026-12-30", 2) == "2027-01-04", "New Year")
        #expect(CalendarDate(iso: "2026-11-29")!.weekday == 7)
        #expect(!calendar.isWorkingDay(CalendarDate(iso: "2026-08-31")!), "Independence Day")
        // Day arithmetic round-trips across centuries.
        for n in stride(from: -40_000, through: 40_000, by: 997) { #expect(CalendarDate(dayNumber: n).dayNumber == n) }
    }
}
