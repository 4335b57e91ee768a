import Core
import Foundation

/// A DMN-style decision table: input expressions, rules whose cells test each input, outputs.
///
/// A cell is `-` (any value), a comparison with the input left out (`>= 18`, `!= 'x'`), a list
/// (`['LLC', 'JSC']`: the input is one of them), an expression using `?` for the input
/// (`? > 5 and ? < 10`), or a value the input must equal (`'LLC'`, `12`). Output cells are
/// expressions over the facts (`area * 25`).
public struct DecisionTable: Sendable, Equatable {
    /// Which rule answers when several match.
    public enum HitPolicy: String, Sendable, Codable {
        /// Exactly one rule may match; two matching is an error in the table.
        case unique = "UNIQUE"
        /// Rules are tried in order; the first that matches answers.
        case first = "FIRST"
    }

    /// One row.
    public struct Rule: Sendable, Equatable {
        /// One test per input; nil is `-`.
        public var tests: [Expression?]
        public var outputs: [Expression]
    }

    /// What a table decided, and which rule decided it (1-based), for the case's history.
    public struct Decision: Sendable, Equatable {
        public var rule: Int
        public var outputs: [String: Value]
    }

    public var name: String
    public var hitPolicy: HitPolicy
    public var inputs: [Expression]
    public var outputNames: [String]
    public var rules: [Rule]

    /// Builds a table from its text cells; problems name the rule and column.
    public init(
        name: String, hitPolicy: HitPolicy, inputs: [String], outputs: [String],
        rules: [(tests: [String], outputs: [String])]
    ) throws(DefinitionError) {
        self.name = name
        self.hitPolicy = hitPolicy
        self.outputNames = outputs
        var problems: [DefinitionError.Problem] = []
        var parsedInputs: [Expression] = []
        for (i, text) in inputs.enumerated() {
            do { parsedInputs.append(try Expression(text)) } catch {
                problems.append(.init(path: "/decisionTables/\(name)/inputs/\(i)", message: error.description))
            }
        }
        var parsedRules: [Rule] = []
        for (r, rule) in rules.enumerated() {
            let path = "/decisionTables/\(name)/rules/\(r)"
            if rule.tests.count != inputs.count {
                problems.append(.init(path: path, message: "has \(rule.tests.count) tests for \(inputs.count) inputs"))
            }
            if rule.outputs.count != outputs.count {
                problems.append(
                    .init(path: path, message: "has \(rule.outputs.count) outputs for \(outputs.count) output columns"))
            }
            var tests: [Expression?] = []
            for (c, cell) in rule.tests.enumerated() {
                do { tests.append(try Self.test(cell)) } catch {
                    problems.append(.init(path: "\(path)/tests/\(c)", message: error.description))
                }
            }
            var values: [Expression] = []
            for (c, cell) in rule.outputs.enumerated() {
                do { values.append(try Expression(cell)) } catch {
                    problems.append(.init(path: "\(path)/outputs/\(c)", message: error.description))
                }
            }
            parsedRules.append(Rule(tests: tests, outputs: values))
        }
        guard problems.isEmpty else { throw DefinitionError(problems: problems) }
        self.inputs = parsedInputs
        self.rules = parsedRules
    }

    /// A test cell as an expression over `?`.
    static func test(_ cell: String) throws(ExpressionError) -> Expression? {
        let text = cell.trimmingCharacters(in: .whitespaces)
        if text == "-" || text.isEmpty { return nil }
        if text.contains("?") { return try Expression(text) }
        for op in ["==", "!=", "<=", ">=", "<", ">"] where text.hasPrefix(op) { return try Expression("? " + text) }
        if text.hasPrefix("[") { return try Expression("? in " + text) }
        if text.hasPrefix("not in ") { return try Expression("? " + text) }
        return try Expression("? == " + text)
    }

    /// Evaluates the table; nil when no rule matches. UNIQUE with two matches is an error.
    public func decide(_ facts: [String: Value], today: CalendarDate) throws(ExpressionError) -> Decision? {
        var values: [Value] = []
        for input in inputs { values.append(try input.evaluate(facts, today: today)) }
        var matched: [Int] = []
        for (r, rule) in rules.enumerated() {
            var matches = true
            for (c, test) in rule.tests.enumerated() {
                guard let test else { continue }
                if try !test.test(facts, input: values[c], today: today) {
                    matches = false
                    break
                }
            }
            guard matches else { continue }
            matched.append(r)
            if hitPolicy == .first { break }
        }
        guard let first = matched.first else { return nil }
        if hitPolicy == .unique, matched.count > 1 {
            throw ExpressionError(
                column: 1,
                message:
                    "table \(name) is UNIQUE but rules \(matched.map { String($0 + 1) }.joined(separator: " and ")) match"
            )
        }
        var outputs: [String: Value] = [:]
        for (name, expression) in zip(outputNames, rules[first].outputs) {
            outputs[name] = try expression.evaluate(facts, today: today)
        }
        return Decision(rule: first + 1, outputs: outputs)
    }
}
