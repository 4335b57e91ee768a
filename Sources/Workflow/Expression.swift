import Core

/// A parsed expression of the workflow's small, safe language: comparisons (`==`, `!=`, `<`,
/// `<=`, `>`, `>=`), boolean logic (`and`, `or`, `not`), membership (`in`, `not in`), arithmetic
/// (`+ - * /`), literals (numbers, `'text'`, `true`, `false`, `null`, lists `[1, 2]`), names
/// (`applicant.age`, looked up in the case's facts), `?` (a decision table's input) and the
/// functions `date('2026-01-31')`, `today()`, `days(from, to)`, `len(x)`, `min(a, b)`, `max(a, b)`.
/// There are no loops, assignments or calls out: evaluating an expression cannot change anything.
public struct Expression: Sendable, Equatable, CustomStringConvertible {
    indirect enum Node: Sendable, Equatable {
        case literal(Value)
        case name(String)
        case input
        case list([Node])
        case unary(String, Node)
        case binary(String, Node, Node)
        case call(String, [Node])
    }

    let root: Node
    /// The text it was parsed from.
    public let source: String
    public var description: String { source }

    /// Parses `text`; errors name the column (1-based) where the problem starts.
    public init(_ text: String) throws(ExpressionError) {
        var parser = ExpressionParser(text)
        root = try parser.parseAll()
        source = text
    }

    /// The names the expression reads, so a definition can be checked against the facts it has.
    public var names: Set<String> {
        var found = Set<String>()
        func walk(_ node: Node) {
            switch node {
            case .name(let name): found.insert(name)
            case .list(let items), .call(_, let items): items.forEach(walk)
            case .unary(_, let operand): walk(operand)
            case .binary(_, let left, let right):
                walk(left)
                walk(right)
            case .literal, .input: break
            }
        }
        walk(root)
        return found
    }

    /// Evaluates against `facts`; `input` is what `?` stands for in a decision table cell.
    public func evaluate(_ facts: [String: Value], input: Value? = nil, today: CalendarDate)
        throws(ExpressionError) -> Value
    {
        try ExpressionEvaluator(facts: facts, input: input, today: today).evaluate(root, source: source)
    }

    /// Evaluates and requires a boolean (guards).
    public func test(_ facts: [String: Value], input: Value? = nil, today: CalendarDate)
        throws(ExpressionError) -> Bool
    {
        let value = try evaluate(facts, input: input, today: today)
        guard case .bool(let result) = value else {
            throw ExpressionError(column: 1, message: "\(source) gives \(value.typeName), not true or false")
        }
        return result
    }
}

/// Why an expression could not be parsed or evaluated.
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based column in the expression's text (1 for evaluation errors of the whole expression).
    public var column: Int
    public var message: String
    public var description: String { "column \(column): \(message)" }

    public init(column: Int, message: String) {
        self.column = column
        self.message = message
    }
}

/// Tokens and a recursive-descent parser, lowest precedence first: or, and, not, comparison,
/// + -, * /, unary minus, primary.
struct ExpressionParser {
    enum Token: Equatable {
        case number(Double)
        case string(String)
        case name(String)
        case symbol(String)
        case end
    }

    let text: [Character]
    var tokens: [(Token, Int)] = []
    var index = 0

    init(_ text: String) { self.text = Array(text) }

    mutating func parseAll() throws(ExpressionError) -> Expression.Node {
        try tokenize()
        let node = try parseOr()
        guard case .end = tokens[index].0 else { throw error("unexpected \(describe(tokens[index].0))") }
        return node
    }

    func error(_ message: String) -> ExpressionError {
        ExpressionError(column: tokens.isEmpty ? 1 : tokens[min(index, tokens.count - 1)].1 + 1, message: message)
    }

    func describe(_ token: Token) -> String {
        switch token {
        case .number(let n): "number \(Value.number(n))"
        case .string(let s): "text '\(s)'"
        case .name(let n): "'\(n)'"
        case .symbol(let s): "'\(s)'"
        case .end: "end of expression"
        }
    }

    mutating func tokenize() throws(ExpressionError) {
        var i = 0
        while i < text.count {
            let c = text[i]
            if c.isWhitespace {
                i += 1
                continue
            }
            let start = i
            if c.isNumber {
                while i < text.count, text[i].isNumber || text[i] == "." { i += 1 }
                guard let value = Double(String(text[start..<i])) else {
                    throw ExpressionError(column: start + 1, message: "bad number")
                }
                tokens.append((.number(value), start))
            } else if c == "'" {
                i += 1
                var value = ""
                while i < text.count, text[i] != "'" {
                    value.append(text[i])
                    i += 1
                }
                guard i < text.count else {
                    throw ExpressionError(column: start + 1, message: "text is not closed with '")
                }
                i += 1
                tokens.append((.string(value), start))
            } else if c.isLetter || c == "_" {
                while i < text.count, text[i].isLetter || text[i].isNumber || text[i] == "_" || text[i] == "." {
                    i += 1
                }
                tokens.append((.name(String(text[start..<i])), start))
            } else {
                let two = i + 1 < text.count ? String(text[i...i + 1]) : ""
                if ["==", "!=", "<=", ">="].contains(two) {
                    tokens.append((.symbol(two), start))
                    i += 2
                } else if "<>+-*/()[],?".contains(c) {
                    tokens.append((.symbol(String(c)), start))
                    i += 1
                } else if c == "=" {
                    throw ExpressionError(column: start + 1, message: "use == to compare")
                } else {
                    throw ExpressionError(column: start + 1, message: "unexpected character \(c)")
                }
            }
        }
        tokens.append((.end, text.count))
    }

    var current: Token { tokens[index].0 }

    mutating func take(_ symbol: String) -> Bool {
        if current == .symbol(symbol) || current == .name(symbol) {
            index += 1
            return true
        }
        return false
    }

    mutating func expect(_ symbol: String) throws(ExpressionError) {
        guard take(symbol) else { throw error("expected '\(symbol)', found \(describe(current))") }
    }

    mutating func parseOr() throws(ExpressionError) -> Expression.Node {
        var node = try parseAnd()
        while take("or") { node = .binary("or", node, try parseAnd()) }
        return node
    }

    mutating func parseAnd() throws(ExpressionError) -> Expression.Node {
        var node = try parseNot()
        while take("and") { node = .binary("and", node, try parseNot()) }
        return node
    }

    mutating func parseNot() throws(ExpressionError) -> Expression.Node {
        if take("not") { return .unary("not", try parseNot()) }
        return try parseComparison()
    }

    mutating func parseComparison() throws(ExpressionError) -> Expression.Node {
        let left = try parseAdditive()
        for op in ["==", "!=", "<=", ">=", "<", ">"] where take(op) {
            return .binary(op, left, try parseAdditive())
        }
        if take("in") { return .binary("in", left, try parseAdditive()) }
        if current == .name("not"), index + 1 < tokens.count, tokens[index + 1].0 == .name("in") {
            index += 2
            return .unary("not", .binary("in", left, try parseAdditive()))
        }
        return left
    }

    mutating func parseAdditive() throws(ExpressionError) -> Expression.Node {
        var node = try parseMultiplicative()
        while true {
            if take("+") {
                node = .binary("+", node, try parseMultiplicative())
            } else if take("-") {
                node = .binary("-", node, try parseMultiplicative())
            } else {
                return node
            }
        }
    }

    mutating func parseMultiplicative() throws(ExpressionError) -> Expression.Node {
        var node = try parseUnary()
        while true {
            if take("*") {
                node = .binary("*", node, try parseUnary())
            } else if take("/") {
                node = .binary("/", node, try parseUnary())
            } else {
                return node
            }
        }
    }

    mutating func parseUnary() throws(ExpressionError) -> Expression.Node {
        if take("-") { return .unary("-", try parseUnary()) }
        return try parsePrimary()
    }

    static let functions: [String: ClosedRange<Int>] = [
        "date": 1...1, "today": 0...0, "days": 2...2, "len": 1...1, "min": 2...2, "max": 2...2,
    ]
    static let keywords: Set<String> = ["and", "or", "not", "in", "true", "false", "null"]

    mutating func parsePrimary() throws(ExpressionError) -> Expression.Node {
        let token = current
        switch token {
        case .number(let value):
            index += 1
            return .literal(.number(value))
        case .string(let value):
            index += 1
            return .literal(.string(value))
        case .symbol("?"):
            index += 1
            return .input
        case .symbol("("):
            index += 1
            let node = try parseOr()
            try expect(")")
            return node
        case .symbol("["):
            index += 1
            var items: [Expression.Node] = []
            if !take("]") {
                repeat { items.append(try parseOr()) } while take(",")
                try expect("]")
            }
            return .list(items)
        case .name("true"):
            index += 1
            return .literal(.bool(true))
        case .name("false"):
            index += 1
            return .literal(.bool(false))
        case .name("null"):
            index += 1
            return .literal(.null)
        case .name(let name) where !Self.keywords.contains(name):
            index += 1
            guard take("(") else { return .name(name) }
            guard let arity = Self.functions[name] else {
                index -= 2
                throw error("unknown function \(name)")
            }
            var arguments: [Expression.Node] = []
            if !take(")") {
                repeat { arguments.append(try parseOr()) } while take(",")
                try expect(")")
            }
            guard arity.contains(arguments.count) else { throw error("\(name) takes \(arity.lowerBound) argument(s)") }
            return .call(name, arguments)
        default:
            throw error("expected a value, found \(describe(token))")
        }
    }
}

/// Evaluates a parsed expression; every type mismatch is an error, never a silent false.
struct ExpressionEvaluator {
    let facts: [String: Value]
    let input: Value?
    let today: CalendarDate

    func evaluate(_ node: Expression.Node, source: String) throws(ExpressionError) -> Value {
        func fail(_ message: String) -> ExpressionError { ExpressionError(column: 1, message: message) }
        func eval(_ node: Expression.Node) throws(ExpressionError) -> Value {
            switch node {
            case .literal(let value): return value
            case .input:
                guard let input else { throw fail("? is only meaningful in a decision table cell") }
                return input
            case .name(let name):
                guard let value = facts[name] else { throw fail("unknown name \(name)") }
                return value
            case .list(let items):
                var values: [Value] = []
                for item in items { values.append(try eval(item)) }
                return .list(values)
            case .unary("not", let operand):
                guard case .bool(let value) = try eval(operand) else { throw fail("not needs true or false") }
                return .bool(!value)
            case .unary(_, let operand):
                guard case .number(let value) = try eval(operand) else { throw fail("- needs a number") }
                return .number(-value)
            case .binary("and", let left, let right):
                guard case .bool(let l) = try eval(left) else { throw fail("and needs true or false") }
                if !l { return .bool(false) }
                guard case .bool(let r) = try eval(right) else { throw fail("and needs true or false") }
                return .bool(r)
            case .binary("or", let left, let right):
                guard case .bool(let l) = try eval(left) else { throw fail("or needs true or false") }
                if l { return .bool(true) }
                guard case .bool(let r) = try eval(right) else { throw fail("or needs true or false") }
                return .bool(r)
            case .binary(let op, let leftNode, let rightNode):
                let left = try eval(leftNode)
                let right = try eval(rightNode)
                return try apply(op, left, right)
            case .call(let name, let arguments):
                var values: [Value] = []
                for argument in arguments { values.append(try eval(argument)) }
                return try call(name, values)
            }
        }

        func apply(_ op: String, _ left: Value, _ right: Value) throws(ExpressionError) -> Value {
            switch op {
            case "==": return .bool(left == right)
            case "!=": return .bool(left != right)
            case "in":
                guard case .list(let items) = right else {
                    throw fail("in needs a list on the right, got \(right.typeName)")
                }
                return .bool(items.contains(left))
            case "<", "<=", ">", ">=":
                let order: Int
                switch (left, right) {
                case (.number(let a), .number(let b)): order = a < b ? -1 : (a > b ? 1 : 0)
                case (.string(let a), .string(let b)): order = a < b ? -1 : (a > b ? 1 : 0)
                case (.date(let a), .date(let b)): order = a < b ? -1 : (a > b ? 1 : 0)
                default: throw fail("cannot compare \(left.typeName) with \(right.typeName)")
                }
                switch op {
                case "<": return .bool(order < 0)
                case "<=": return .bool(order <= 0)
                case ">": return .bool(order > 0)
                default: return .bool(order >= 0)
                }
            default:
                guard case .number(let a) = left, case .number(let b) = right else {
                    throw fail("\(op) needs numbers, got \(left.typeName) and \(right.typeName)")
                }
                switch op {
                case "+": return .number(a + b)
                case "-": return .number(a - b)
                case "*": return .number(a * b)
                default:
                    guard b != 0 else { throw fail("division by zero") }
                    return .number(a / b)
                }
            }
        }

        func call(_ name: String, _ values: [Value]) throws(ExpressionError) -> Value {
            switch (name, values.first, values.count > 1 ? values[1] : nil) {
            case ("date", .string(let text)?, _):
                guard let date = CalendarDate(iso: text) else { throw fail("date('\(text)') is not a YYYY-MM-DD date") }
                return .date(date)
            case ("today", _, _): return .date(today)
            case ("days", .date(let from)?, .date(let to)?): return .number(Double(to.dayNumber - from.dayNumber))
            case ("len", .string(let text)?, _): return .number(Double(text.count))
            case ("len", .list(let items)?, _): return .number(Double(items.count))
            case ("min", .number(let a)?, .number(let b)?): return .number(Swift.min(a, b))
            case ("max", .number(let a)?, .number(let b)?): return .number(Swift.max(a, b))
            default: throw fail("\(name) cannot take \(values.map(\.typeName).joined(separator: ", "))")
            }
        }

        return try eval(node)
    }
}
