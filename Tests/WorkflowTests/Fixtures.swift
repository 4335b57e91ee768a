import Core
import Workflow

/// A building permit in Bishkek: the clerk registers, the system computes the fee and checks
/// the zoning table, a specialist examines, the head decides. Written in YAML like an agency would.
enum Fixtures {
    /// The day expressions and engines in these tests take as today.
    static let today = CalendarDate(year: 2026, month: 11, day: 30)!
    static let buildingPermit = """
        id: building-permit
        version: 1
        title: Building permit (Bishkek City Hall)
        states:
          - {id: submitted, start: true, sla: 2}
          - {id: examination, sla: 10}
          - {id: decision, sla: 3}
          - {id: correction, sla: 15}
          - {id: issued, terminal: true}
          - {id: refused, terminal: true}
        actions:
          - {id: register, from: [submitted], to: examination, roles: [clerk], documents: [site_plan, title_deed]}
          - {id: ask_correction, from: [examination], to: correction, roles: [specialist]}
          - {id: corrected, from: [correction], to: examination, roles: [clerk]}
          - {id: recommend, from: [examination], to: decision, roles: [specialist], guard: "zoning.allowed == true and fee > 0"}
          - {id: approve, from: [decision], to: issued, roles: [head]}
          - {id: refuse, from: [examination, decision, correction], to: refused, roles: [head, specialist]}
          - {id: auto_refuse, from: [examination], to: refused}
        automatic:
          - state: examination
            steps:
              - compute: {into: fee, expression: "max(1000, area * 25)"}
              - decide: zoning
            then:
              - {when: "zoning.allowed == false", action: auto_refuse}
        escalations:
          - {state: examination, do: reassign}
          - {state: correction, do: action, action: refuse}
        decisionTables:
          - name: zoning
            hitPolicy: FIRST
            inputs: [zone, floors]
            outputs: [allowed, reason]
            rules:
              - {when: ["'park'", "-"], then: ["false", "'green zone'"]}
              - {when: ["['residential', 'mixed']", "<= 9"], then: ["true", "'within the plan'"]}
              - {when: ["'industrial'", "<= 4"], then: ["true", "'low industrial'"]}
              - {when: ["-", "-"], then: ["false", "'not in the plan'"]}
        """
}
