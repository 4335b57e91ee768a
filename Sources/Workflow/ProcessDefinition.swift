import Core
import Foundation
import Yams

/// A versioned process: states with SLAs in working days, actions between them (who may take
/// them, which documents they need, a guard), automatic steps, escalations and decision tables.
/// Loaded from JSON or YAML and checked as a whole before it can be published; once published a
/// version never changes.
public struct ProcessDefinition: Sendable {
    public struct State: Sendable, Equatable {
        public var id: String
        public var isStart: Bool
        public var isTerminal: Bool
        /// Working days a case may stay here before it escalates; nil for no limit.
        public var slaDays: Int?
        /// Roles the system assigns cases in this state to (default: see `assignees(of:)`).
        public var assign: [String]?
    }

    public struct Action: Sendable {
        public var id: String
        public var from: [String]
        public var to: String
        /// Roles that may take it; empty for actions only the system takes (automatic steps, escalations).
        public var roles: [String]
        public var documents: [String]
        public var guardExpression: Expression?
    }

    /// What the system does on entering a state.
    public struct AutomaticStep: Sendable {
        public enum Kind: Sendable {
            /// Evaluate a decision table; its outputs become facts `<table>.<output>`.
            case decide(table: String)
            /// Compute a value (a fee) into a fact.
            case compute(into: String, expression: Expression)
            /// Look a record up in a registry: facts `<into>.found` and `<into>.<field>`.
            case lookup(registry: String, key: Expression, into: String)
        }
        public var state: String
        public var steps: [Kind]
        /// Tried in order after the steps: the first whose condition holds (or has none) is taken.
        public var then: [(condition: Expression?, action: String)]
    }

    public struct Escalation: Sendable {
        public enum Kind: Sendable, Equatable {
            case notify
            case reassignToSupervisor
            case takeAction(String)
        }
        public var state: String
        public var kind: Kind
    }

    public var id: String
    public var version: Int
    public var title: String
    public var states: [State]
    public var actions: [Action]
    public var automatic: [AutomaticStep]
    public var escalations: [Escalation]
    public var tables: [String: DecisionTable]
    /// The source it was loaded from, kept verbatim when published.
    public var source: String

    public var start: State { states.first { $0.isStart } ?? states[0] }

    public func state(_ id: String) -> State? { states.first { $0.id == id } }

    /// The roles a case in `state` is assigned to: the state's `assign` list, or else the roles of
    /// the first action that people take from it (a head who may also refuse is not the examiner).
    public func assignees(of state: String) -> [String] {
        if let listed = self.state(state)?.assign, !listed.isEmpty { return listed }
        return actions(from: state).first { !$0.roles.isEmpty }?.roles ?? []
    }

    /// Actions that leave `state`, for anyone.
    public func actions(from state: String) -> [Action] { actions.filter { $0.from.contains(state) } }

    /// Loads JSON or YAML (JSON is YAML too); every problem is reported, with YAML lines where known.
    public init(text: String) throws(DefinitionError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let raw: RawDefinition
        do {
            raw = try YAMLDecoder().decode(RawDefinition.self, from: text)
        } catch {
            throw DefinitionError(problems: [.init(path: "/", message: Self.describe(error))])
        }
        var problems: [DefinitionError.Problem] = []
        func problem(_ path: String, _ message: String, key: String? = nil) {
            // The first line that mentions the offending text: good enough to point a person at it.
            let line = key.flatMap { key in lines.firstIndex { $0.contains(key) } }.map { $0 + 1 }
            problems.append(.init(path: path, message: message, line: line))
        }
        if raw.id.isEmpty { problem("/id", "must not be empty") }
        if raw.version < 1 { problem("/version", "must be 1 or more") }
        var seen = Set<String>()
        for (i, state) in raw.states.enumerated() where !seen.insert(state.id).inserted {
            problem("/states/\(i)/id", "\(state.id) is declared twice", key: "id: \(state.id)")
        }
        let stateIDs = Set(raw.states.map(\.id))
        let starts = raw.states.filter { $0.start == true }
        if starts.count != 1 { problem("/states", "exactly one state must have start: true (found \(starts.count))") }
        if !raw.states.contains(where: { $0.terminal == true }) {
            problem("/states", "at least one state must have terminal: true")
        }
        for (i, state) in raw.states.enumerated() {
            if let sla = state.sla, sla < 1 { problem("/states/\(i)/sla", "must be at least 1 working day") }
            if state.start == true && state.terminal == true {
                problem("/states/\(i)", "a state cannot be both start and terminal")
            }
            for (r, role) in (state.assign ?? []).enumerated() where !Self.roles.contains(role) {
                problem("/states/\(i)/assign/\(r)", "unknown role \(role)")
            }
        }
        var tables: [String: DecisionTable] = [:]
        for (i, table) in (raw.decisionTables ?? []).enumerated() {
            guard let policy = DecisionTable.HitPolicy(rawValue: table.hitPolicy ?? "UNIQUE") else {
                problem("/decisionTables/\(i)/hitPolicy", "must be UNIQUE or FIRST")
                continue
            }
            do {
                tables[table.name] = try DecisionTable(
                    name: table.name, hitPolicy: policy, inputs: table.inputs, outputs: table.outputs,
                    rules: table.rules.map { ($0.when, $0.then) })
            } catch {
                problems += error.problems
            }
        }
        func parse(_ text: String?, _ path: String) -> Expression? {
            guard let text else { return nil }
            do { return try Expression(text) } catch {
                problem(path, "\(error.description) in \"\(text)\"", key: text)
                return nil
            }
        }
        var actionIDs = Set<String>()
        var actions: [Action] = []
        for (i, action) in raw.actions.enumerated() {
            let path = "/actions/\(i)"
            if !actionIDs.insert(action.id).inserted { problem("\(path)/id", "\(action.id) is declared twice") }
            for (f, from) in action.from.enumerated() where !stateIDs.contains(from) {
                problem("\(path)/from/\(f)", "unknown state \(from)", key: from)
            }
            if !stateIDs.contains(action.to) {
                problem("\(path)/to", "unknown state \(action.to)", key: "to: \(action.to)")
            }
            for (r, role) in (action.roles ?? []).enumerated() where !Self.roles.contains(role) {
                problem("\(path)/roles/\(r)", "unknown role \(role) (clerk, specialist, head)")
            }
            actions.append(
                Action(
                    id: action.id, from: action.from, to: action.to, roles: action.roles ?? [],
                    documents: action.documents ?? [],
                    guardExpression: parse(action.guard, "\(path)/guard")))
        }
        var automatic: [AutomaticStep] = []
        for (i, step) in (raw.automatic ?? []).enumerated() {
            let path = "/automatic/\(i)"
            if !stateIDs.contains(step.state) {
                problem("\(path)/state", "unknown state \(step.state)", key: "state: \(step.state)")
            }
            var kinds: [AutomaticStep.Kind] = []
            for (s, item) in (step.steps ?? []).enumerated() {
                if let table = item.decide {
                    if tables[table] == nil && !(raw.decisionTables ?? []).contains(where: { $0.name == table }) {
                        problem("\(path)/steps/\(s)/decide", "unknown decision table \(table)")
                    }
                    kinds.append(.decide(table: table))
                } else if let compute = item.compute {
                    if let expression = parse(compute.expression, "\(path)/steps/\(s)/compute/expression") {
                        kinds.append(.compute(into: compute.into, expression: expression))
                    }
                } else if let lookup = item.lookup {
                    if let key = parse(lookup.key, "\(path)/steps/\(s)/lookup/key") {
                        kinds.append(.lookup(registry: lookup.registry, key: key, into: lookup.into))
                    }
                } else {
                    problem("\(path)/steps/\(s)", "a step is one of decide, compute, lookup")
                }
            }
            var then: [(Expression?, String)] = []
            for (t, choice) in (step.then ?? []).enumerated() {
                if !raw.actions.contains(where: { $0.id == choice.action && $0.from.contains(step.state) }) {
                    problem("\(path)/then/\(t)/action", "\(choice.action) is not an action from \(step.state)")
                }
                then.append((parse(choice.when, "\(path)/then/\(t)/when"), choice.action))
            }
            automatic.append(AutomaticStep(state: step.state, steps: kinds, then: then))
        }
        var escalations: [Escalation] = []
        for (i, escalation) in (raw.escalations ?? []).enumerated() {
            let path = "/escalations/\(i)"
            guard let state = raw.states.first(where: { $0.id == escalation.state }) else {
                problem("\(path)/state", "unknown state \(escalation.state)")
                continue
            }
            if state.sla == nil { problem("\(path)/state", "\(state.id) has no sla to pass") }
            switch escalation.do {
            case "notify": escalations.append(Escalation(state: state.id, kind: .notify))
            case "reassign": escalations.append(Escalation(state: state.id, kind: .reassignToSupervisor))
            case "action":
                guard let action = escalation.action,
                    raw.actions.contains(where: { $0.id == action && $0.from.contains(state.id) })
                else {
                    problem("\(path)/action", "must name an action from \(state.id)")
                    continue
                }
                escalations.append(Escalation(state: state.id, kind: .takeAction(action)))
            default: problem("\(path)/do", "must be notify, reassign or action")
            }
        }
        // Every state must be reachable from the start, and a terminal state reachable from every state.
        if problems.isEmpty, let start = starts.first {
            var reachable: Set<String> = [start.id]
            var frontier = [start.id]
            while let state = frontier.popLast() {
                for action in raw.actions where action.from.contains(state) && reachable.insert(action.to).inserted {
                    frontier.append(action.to)
                }
            }
            for (i, state) in raw.states.enumerated() where !reachable.contains(state.id) {
                problem("/states/\(i)", "\(state.id) cannot be reached from \(start.id)", key: "id: \(state.id)")
            }
            let terminals = Set(raw.states.filter { $0.terminal == true }.map(\.id))
            var finishing = terminals
            var changed = true
            while changed {
                changed = false
                for action in raw.actions where finishing.contains(action.to) {
                    for from in action.from where finishing.insert(from).inserted { changed = true }
                }
            }
            for (i, state) in raw.states.enumerated() where !finishing.contains(state.id) {
                problem("/states/\(i)", "no terminal state can be reached from \(state.id)", key: "id: \(state.id)")
            }
            for (i, state) in raw.states.enumerated()
            where state.terminal == true && raw.actions.contains(where: { $0.from.contains(state.id) }) {
                problem("/states/\(i)", "terminal state \(state.id) has actions leaving it")
            }
        }
        guard problems.isEmpty else { throw DefinitionError(problems: problems) }
        id = raw.id
        version = raw.version
        title = raw.title ?? raw.id
        states = raw.states.map {
            State(
                id: $0.id, isStart: $0.start == true, isTerminal: $0.terminal == true, slaDays: $0.sla,
                assign: $0.assign)
        }
        self.actions = actions
        self.automatic = automatic
        self.escalations = escalations
        self.tables = tables
        source = text
    }

    static let roles: Set<String> = ["clerk", "specialist", "head"]

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(key.stringValue) at /\(context.codingPath.map(\.stringValue).joined(separator: "/"))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            return "\(context.debugDescription) at /\(context.codingPath.map(\.stringValue).joined(separator: "/"))"
        default:
            return "\(error)"
        }
    }
}

/// The definition as written, before checking.
struct RawDefinition: Decodable {
    struct RawState: Decodable {
        var id: String
        var start: Bool?
        var terminal: Bool?
        var sla: Int?
        var assign: [String]?
    }
    struct RawAction: Decodable {
        var id: String
        var from: [String]
        var to: String
        var roles: [String]?
        var documents: [String]?
        var `guard`: String?
    }
    struct RawStep: Decodable {
        struct Compute: Decodable {
            var into: String
            var expression: String
        }
        struct Lookup: Decodable {
            var registry: String
            var key: String
            var into: String
        }
        var decide: String?
        var compute: Compute?
        var lookup: Lookup?
    }
    struct RawThen: Decodable {
        var when: String?
        var action: String
    }
    struct RawAutomatic: Decodable {
        var state: String
        var steps: [RawStep]?
        var then: [RawThen]?
    }
    struct RawEscalation: Decodable {
        var state: String
        var `do`: String
        var action: String?
    }
    struct RawRule: Decodable {
        var when: [String]
        var then: [String]
    }
    struct RawTable: Decodable {
        var name: String
        var hitPolicy: String?
        var inputs: [String]
        var outputs: [String]
        var rules: [RawRule]
    }

    var id: String
    var version: Int
    var title: String?
    var states: [RawState]
    var actions: [RawAction]
    var automatic: [RawAutomatic]?
    var escalations: [RawEscalation]?
    var decisionTables: [RawTable]?
}
