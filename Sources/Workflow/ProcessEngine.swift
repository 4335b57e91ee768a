import Core

/// One state change, as the history records it.
public struct Transition: Sendable, Equatable {
    public var from: String
    public var to: String
    public var action: String
    /// The role that took it, or nil for the system (automatic steps, escalations).
    public var role: String?
}

/// What happened on entering a state: facts computed, decisions with the rule that fired, and
/// the action the system then takes (if any).
public struct AutomaticOutcome: Sendable, Equatable {
    public var facts: [String: Value] = [:]
    public var decisions: [String: DecisionTable.Decision] = [:]
    public var action: String?
}

/// The rules of one definition applied to one case: pure, no storage, so the same answers come
/// from the back office, the simulator and the property tests.
public struct ProcessEngine: Sendable {
    public let definition: ProcessDefinition
    /// The day `today()` in guards, computed facts and decision tables stands for (in Bishkek).
    public let today: CalendarDate

    /// The rules of `definition`, applied on `today`.
    public init(_ definition: ProcessDefinition, today: CalendarDate) {
        self.definition = definition
        self.today = today
    }

    /// The actions `role` may take now.
    public func allowed(in state: String, role: String, facts: [String: Value], documents: Set<String>)
        -> [ProcessDefinition.Action]
    {
        definition.actions(from: state).filter {
            (try? check($0, state: state, role: role, facts: facts, documents: documents)) != nil
        }
    }

    /// Takes `actionID` as `role` (nil: the system) or throws why not.
    public func take(
        _ actionID: String, in state: String, role: String?, facts: [String: Value], documents: Set<String>
    ) throws(WorkflowError) -> Transition {
        guard let action = definition.actions.first(where: { $0.id == actionID }) else {
            throw .unknownAction(actionID)
        }
        try check(action, state: state, role: role, facts: facts, documents: documents)
        return Transition(from: state, to: action.to, action: action.id, role: role)
    }

    private func check(
        _ action: ProcessDefinition.Action, state: String, role: String?, facts: [String: Value], documents: Set<String>
    ) throws(WorkflowError) {
        guard action.from.contains(state) else { throw .notFromState(action: action.id, state: state) }
        if let role, !action.roles.contains(role) { throw .roleNotAllowed(action: action.id, role: role) }
        let missing = action.documents.filter { !documents.contains($0) }
        guard missing.isEmpty else { throw .missingDocuments(missing) }
        if let guardExpression = action.guardExpression {
            do {
                guard try guardExpression.test(facts, today: today) else {
                    throw WorkflowError.guardFailed(action: action.id, guard: guardExpression.source)
                }
            } catch let error as WorkflowError {
                throw error
            } catch {
                throw .evaluation("\(action.id): \(error)")
            }
        }
    }

    /// Runs the automatic steps of `state` (decision tables, computed values, registry lookups
    /// through `lookup`) and chooses the system's next action, if the definition gives one.
    public func enter(
        _ state: String, facts: [String: Value],
        lookup: (String, String) async throws -> [String: Value]? = { _, _ in nil }
    ) async throws -> AutomaticOutcome {
        var outcome = AutomaticOutcome()
        guard let step = definition.automatic.first(where: { $0.state == state }) else { return outcome }
        var known = facts
        for kind in step.steps {
            switch kind {
            case .decide(let name):
                guard let table = definition.tables[name] else { throw WorkflowError.evaluation("no table \(name)") }
                guard let decision = try table.decide(known, today: today) else {
                    throw WorkflowError.evaluation("no rule of \(name) matches")
                }
                outcome.decisions[name] = decision
                for (output, value) in decision.outputs {
                    known["\(name).\(output)"] = value
                    outcome.facts["\(name).\(output)"] = value
                }
                known["\(name).rule"] = .number(Double(decision.rule))
                outcome.facts["\(name).rule"] = .number(Double(decision.rule))
            case .compute(let into, let expression):
                let value = try expression.evaluate(known, today: today)
                known[into] = value
                outcome.facts[into] = value
            case .lookup(let registry, let keyExpression, let into):
                guard case .string(let key) = try keyExpression.evaluate(known, today: today) else {
                    throw WorkflowError.evaluation("lookup key must be text")
                }
                let found = try await lookup(registry, key)
                known["\(into).found"] = .bool(found != nil)
                outcome.facts["\(into).found"] = .bool(found != nil)
                for (field, value) in found ?? [:] {
                    known["\(into).\(field)"] = value
                    outcome.facts["\(into).\(field)"] = value
                }
            }
        }
        for choice in step.then {
            if try choice.condition?.test(known, today: today) ?? true {
                outcome.action = choice.action
                break
            }
        }
        return outcome
    }
}
