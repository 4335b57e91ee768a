import Foundation

/// A dataset search as CKAN's `q` and `fq` write it in Solr's syntax, parsed into a tree the store
/// turns into SQL: `tags:health OR tags:"public transport"`, `-organization:mof`,
/// `metadata_modified:[2025-01-01T00:00:00Z TO NOW]`, bare words for full-text search, parentheses.
/// Anything else is refused with a message, never guessed at.
public indirect enum SearchExpression: Sendable, Equatable {
    case everything
    case all([SearchExpression])
    case any([SearchExpression])
    case not(SearchExpression)
    /// Full-text words in any language.
    case text(String)
    case field(SearchField, String)
    /// Seconds since 1970, either end open.
    case range(SearchField, from: Int?, to: Int?)
}

/// The fields a search may name.
public enum SearchField: String, Sendable, CaseIterable {
    case id, name, title, organization, tags, groups, text
    case licenseID = "license_id"
    case resFormat = "res_format"
    case metadataModified = "metadata_modified"
    case metadataCreated = "metadata_created"

    /// Whether the field takes a `[from TO to]` range of times.
    public var isTime: Bool { self == .metadataModified || self == .metadataCreated }
}

/// Why a search was refused (CKAN's "Search Query Error").
public struct SearchQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Parses Solr's query subset; `now` resolves `NOW` and `NOW-7DAYS` in ranges.
public struct SearchQueryParser {
    static let maximumLength = 2_000
    static let maximumDepth = 16
    static let maximumTerms = 64

    private var tokens: [Token]
    private var position = 0
    private var depth = 0
    private var terms = 0
    private let now: Int

    enum Token: Equatable {
        case open, close, and, or, not, plus
        case word(String)
        case phrase(String)
        case fielded(String, String)
        case fieldRange(String, String, String)
    }

    /// The expression of `q` and every `fq` together (all must hold).
    public static func parse(q: String?, fq: [String], now: Int) throws(SearchQueryError) -> SearchExpression {
        var parts: [SearchExpression] = []
        for text in [q].compactMap({ $0 }) + fq {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed == "*:*" { continue }
            guard trimmed.count <= maximumLength else {
                throw SearchQueryError("the query is longer than \(maximumLength) characters")
            }
            var parser = SearchQueryParser(tokens: try tokenize(trimmed), now: now)
            parts.append(try parser.expression())
            guard parser.position == parser.tokens.count else { throw SearchQueryError("unexpected ')'") }
        }
        switch parts.count {
        case 0: return .everything
        case 1: return parts[0]
        default: return .all(parts)
        }
    }

    private init(tokens: [Token], now: Int) {
        self.tokens = tokens
        self.now = now
    }

    private mutating func expression() throws(SearchQueryError) -> SearchExpression {
        var alternatives = [try conjunction()]
        while position < tokens.count, tokens[position] == .or {
            position += 1
            alternatives.append(try conjunction())
        }
        return alternatives.count == 1 ? alternatives[0] : .any(alternatives)
    }

    private mutating func conjunction() throws(SearchQueryError) -> SearchExpression {
        var parts = [try unary()]
        while position < tokens.count, tokens[position] != .or, tokens[position] != .close {
            if tokens[position] == .and { position += 1 }
            parts.append(try unary())
        }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    private mutating func unary() throws(SearchQueryError) -> SearchExpression {
        guard position < tokens.count else { throw SearchQueryError("the query ends where a term was expected") }
        let token = tokens[position]
        position += 1
        switch token {
        case .not: return .not(try unary())
        case .plus: return try unary()
        case .open:
            depth += 1
            guard depth <= Self.maximumDepth else { throw SearchQueryError("parentheses nest too deep") }
            let inner = try expression()
            guard position < tokens.count, tokens[position] == .close else {
                throw SearchQueryError("a '(' is not closed")
            }
            position += 1
            depth -= 1
            return inner
        case .close: throw SearchQueryError("unexpected ')'")
        case .and, .or: throw SearchQueryError("AND and OR need a term on both sides")
        case .word(let word), .phrase(let word): return try counted(.text(word))
        case .fielded(let name, let value): return try counted(try fieldTerm(name, value))
        case .fieldRange(let name, let from, let to):
            let field = try Self.field(name)
            guard field.isTime else { throw SearchQueryError("field '\(name)' does not take a range") }
            return try counted(.range(field, from: try time(from), to: try time(to)))
        }
    }

    private mutating func counted(_ term: SearchExpression) throws(SearchQueryError) -> SearchExpression {
        terms += 1
        guard terms <= Self.maximumTerms else { throw SearchQueryError("more than \(Self.maximumTerms) terms") }
        return term
    }

    private func fieldTerm(_ name: String, _ value: String) throws(SearchQueryError) -> SearchExpression {
        if name == "*" && value == "*" { return .everything }
        let field = try Self.field(name)
        guard !field.isTime else { throw SearchQueryError("field '\(name)' takes a range: [FROM TO TO]") }
        if field == .text { return .text(value) }
        return .field(field, value)
    }

    private static func field(_ name: String) throws(SearchQueryError) -> SearchField {
        guard let field = SearchField(rawValue: name) else {
            throw SearchQueryError(
                "unknown field '\(name)'; fields: \(SearchField.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return field
    }

    /// `*`, `NOW`, `NOW-3DAYS` (DAY, MONTH, YEAR, HOUR), a date, or an ISO 8601 time in UTC.
    private func time(_ text: String) throws(SearchQueryError) -> Int? {
        if text == "*" { return nil }
        if text == "NOW" { return now }
        if text.hasPrefix("NOW-") {
            let rest = text.dropFirst(4)
            let digits = rest.prefix { $0.isNumber }
            let unit = rest.dropFirst(digits.count)
            let seconds: [Substring: Int] = [
                "HOUR": 3_600, "HOURS": 3_600, "DAY": 86_400, "DAYS": 86_400, "MONTH": 2_592_000,
                "MONTHS": 2_592_000, "YEAR": 31_536_000, "YEARS": 31_536_000,
            ]
            guard digits.count <= 6, let amount = Int(digits), let per = seconds[unit] else {
                throw SearchQueryError("cannot read the time '\(text)'")
            }
            return now - amount * per
        }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return Int(date.timeIntervalSince1970) }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int(date.timeIntervalSince1970) }
        formatter.formatOptions = [.withFullDate]
        if let date = formatter.date(from: text) { return Int(date.timeIntervalSince1970) }
        throw SearchQueryError("cannot read the time '\(text)'")
    }

    static func tokenize(_ text: String) throws(SearchQueryError) -> [Token] {
        var tokens: [Token] = []
        var rest = Substring(text)
        while let first = rest.first {
            if first.isWhitespace {
                rest = rest.drop { $0.isWhitespace }
                continue
            }
            if first == "(" || first == ")" {
                tokens.append(first == "(" ? .open : .close)
                rest = rest.dropFirst()
                continue
            }
            if (first == "-" || first == "+" || first == "!") && rest.count > 1 {
                tokens.append(first == "+" ? .plus : .not)
                rest = rest.dropFirst()
                continue
            }
            if first == "\"" {
                let (phrase, after) = try quoted(rest)
                tokens.append(.phrase(phrase))
                rest = after
                continue
            }
            let word = rest.prefix { !$0.isWhitespace && $0 != "(" && $0 != ")" && $0 != ":" }
            rest = rest.dropFirst(word.count)
            if rest.first == ":" && !word.isEmpty {
                rest = rest.dropFirst()
                if rest.first == "\"" {
                    let (value, after) = try quoted(rest)
                    tokens.append(.fielded(String(word), value))
                    rest = after
                } else if rest.first == "[" || rest.first == "{" {
                    guard let end = rest.firstIndex(where: { $0 == "]" || $0 == "}" }) else {
                        throw SearchQueryError("a range is not closed with ']'")
                    }
                    let inside = rest[rest.index(after: rest.startIndex)..<end].split(
                        separator: " ", omittingEmptySubsequences: true)
                    guard inside.count == 3, inside[1] == "TO" else {
                        throw SearchQueryError("a range is written [FROM TO TO]")
                    }
                    tokens.append(.fieldRange(String(word), String(inside[0]), String(inside[2])))
                    rest = rest[rest.index(after: end)...]
                } else {
                    let value = rest.prefix { !$0.isWhitespace && $0 != "(" && $0 != ")" }
                    guard !value.isEmpty else { throw SearchQueryError("field '\(word)' has no value") }
                    tokens.append(.fielded(String(word), String(value)))
                    rest = rest.dropFirst(value.count)
                }
                continue
            }
            guard !word.isEmpty else { throw SearchQueryError("unexpected ':'") }
            switch word {
            case "AND", "&&": tokens.append(.and)
            case "OR", "||": tokens.append(.or)
            case "NOT": tokens.append(.not)
            default: tokens.append(.word(String(word)))
            }
        }
        return tokens
    }

    private static func quoted(_ text: Substring) throws(SearchQueryError) -> (String, Substring) {
        let body = text.dropFirst()
        guard let end = body.firstIndex(of: "\"") else { throw SearchQueryError("a quote is not closed") }
        return (String(body[..<end]), body[body.index(after: end)...])
    }
}
