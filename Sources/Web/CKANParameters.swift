import Core
import Foundation
import OpenData
import Registries

/// An action's parameters, from the query string (GET) or a JSON object (POST), read with bounds:
/// a number out of range or of the wrong kind is a CKAN validation error, never a crash.
struct CKANParameters: Sendable {
    var values: [String: JSONValue]

    /// Parameters of a query string: every value a string, as CKAN reads them.
    init(query: [(String, String)]) {
        var values: [String: JSONValue] = [:]
        for (name, value) in query { values[name] = .string(value) }
        self.values = values
    }

    /// Parameters of a JSON body, which must be an object.
    init(json: Data) throws(OpenDataError) {
        if json.isEmpty {
            values = [:]
            return
        }
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: json) else {
            throw .badRequest("Bad request - JSON Error: the body is not a JSON object")
        }
        values = object
    }

    func string(_ name: String) throws(OpenDataError) -> String? {
        switch values[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .number(let number)?: return JSONValue.number(number).canonicalJSON
        case .bool(let flag)?: return flag ? "true" : "false"
        default: throw .validation([name: ["Must be a string"]])
        }
    }

    func required(_ name: String) throws(OpenDataError) -> String {
        guard let value = try string(name), !value.isEmpty else { throw .validation([name: ["Missing value"]]) }
        return value
    }

    /// A whole number in `range`, `fallback` when absent.
    func integer(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws(OpenDataError) -> Int {
        guard let text = try string(name), !text.isEmpty else { return fallback }
        guard let value = RequestNumber.parse(text, in: range) else {
            throw .validation([name: ["Must be a whole number from \(range.lowerBound) to \(range.upperBound)"]])
        }
        return value
    }

    func bool(_ name: String, default fallback: Bool) throws(OpenDataError) -> Bool {
        guard let text = try string(name)?.lowercased(), !text.isEmpty else { return fallback }
        switch text {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw .validation([name: ["Must be true or false"]])
        }
    }

    /// A list: a JSON array, a JSON array written as a string (`facet.field=["tags"]`), or words
    /// separated by commas.
    func list(_ name: String) throws(OpenDataError) -> [String]? {
        switch values[name] {
        case nil, .null?: return nil
        case .array(let items)?: return try Self.strings(items, name)
        case .string(let text)?:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") {
                guard case .array(let items)? = try? JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8))
                else {
                    throw .validation([name: ["Not a JSON list"]])
                }
                return try Self.strings(items, name)
            }
            return trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        default: throw .validation([name: ["Must be a list"]])
        }
    }

    /// Text in three languages: `{name}_translated` as an object, else `{name}` as one text for
    /// the caller's language.
    func translated(_ name: String, language: Language) throws(OpenDataError) -> TranslatedText? {
        if case .object(let object)? = values[name + "_translated"] {
            var texts: [String: String] = [:]
            for (code, value) in object {
                guard Language(rawValue: code) != nil, case .string(let text) = value else {
                    throw .validation([name + "_translated": ["Keys are ky, ru or en; values are text"]])
                }
                texts[code] = text
            }
            return TranslatedText(texts)
        }
        return try string(name).map { TranslatedText([language.rawValue: $0]) }
    }

    private static func strings(_ items: [JSONValue], _ name: String) throws(OpenDataError) -> [String] {
        try items.map { item throws(OpenDataError) in
            guard case .string(let text) = item else { throw .validation([name: ["Must be a list of strings"]]) }
            return text
        }
    }
}
