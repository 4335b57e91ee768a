import Core
import Foundation

/// What a registry's records look like: a subset of JSON Schema plus a few `x-` keywords.
///
/// Supported: `type` (`object` at the top; `string`, `integer`, `number`, `boolean`, `object`
/// for fields), `properties`, `required`, `enum`, `minLength`, `maxLength`, `minimum`,
/// `maximum`, `format` (`pin`, `inn`, `date`, `geojson`), `title`, `description`, and
/// `additionalProperties: false` (always in force: an unknown field is an error).
/// Platform keywords: `x-key` (the field that identifies a record, a required string),
/// `x-personal` (the field holding the PIN of the person a record is about: reads need a purpose
/// and are logged), `x-indexed` (string fields that can be searched), `x-ref` on a field (the
/// value must be the key of a live record in that registry).
public struct RegistrySchema: Sendable, Equatable {
    /// The fields, by name.
    public var fields: [String: FieldSpec]
    /// Field names in the order they were written, for forms, tables and CSV columns.
    public var order: [String]
    public var required: Set<String>
    public var key: String
    public var personal: String?
    public var indexed: [String]
    /// The schema as it was published, kept verbatim.
    public var source: String

    /// One field's rules.
    public struct FieldSpec: Sendable, Equatable {
        public enum Kind: String, Sendable { case string, integer, number, boolean, object }
        public var kind: Kind
        public var format: String?
        public var choices: [String]?
        public var minLength: Int?
        public var maxLength: Int?
        public var minimum: Double?
        public var maximum: Double?
        public var reference: String?
        public var title: String?
    }

    /// A problem in a schema document, with the JSON path at fault.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    static let formats: [FieldSpec.Kind: Set<String>] = [.string: ["pin", "inn", "date"], .object: ["geojson"]]
    static let fieldKeywords: Set<String> = [
        "type", "format", "enum", "minLength", "maxLength", "minimum", "maximum", "x-ref", "title", "description",
    ]
    static let topKeywords: Set<String> = [
        "$schema", "title", "description", "type", "properties", "required", "additionalProperties", "x-key",
        "x-personal", "x-indexed",
    ]

    /// Parses and checks a schema document; every problem is reported with its path.
    public init(json text: String) throws(RegistryError) {
        guard let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw .invalidSchema([Problem(path: "/", message: "not a JSON object")])
        }
        var problems: [Problem] = []
        for key in object.keys where !Self.topKeywords.contains(key) {
            problems.append(Problem(path: "/\(key)", message: "unsupported keyword"))
        }
        if (object["type"] as? String) != "object" {
            problems.append(Problem(path: "/type", message: "must be \"object\""))
        }
        if let additional = object["additionalProperties"], (additional as? Bool) != false {
            problems.append(
                Problem(
                    path: "/additionalProperties", message: "only false is supported: unknown fields are always refused"
                ))
        }
        let properties = object["properties"] as? [String: Any] ?? [:]
        if properties.isEmpty { problems.append(Problem(path: "/properties", message: "must name at least one field")) }
        // Keep the author's field order: JSONSerialization loses it, so read the keys from the text.
        let order = Self.propertyOrder(text).filter { properties[$0] != nil }
        var fields: [String: FieldSpec] = [:]
        for name in order {
            let path = "/properties/\(name)"
            guard Self.isFieldName(name) else {
                problems.append(
                    Problem(path: path, message: "field names are 1–32 letters, digits or _ and start with a letter"))
                continue
            }
            guard let spec = properties[name] as? [String: Any] else {
                problems.append(Problem(path: path, message: "must be an object"))
                continue
            }
            if let field = Self.field(spec, path: path, problems: &problems) { fields[name] = field }
        }
        let required = object["required"] as? [String] ?? []
        for name in required where properties[name] == nil {
            problems.append(Problem(path: "/required", message: "names unknown field \(name)"))
        }
        let key = object["x-key"] as? String ?? ""
        if fields[key]?.kind != .string || !required.contains(key) {
            problems.append(Problem(path: "/x-key", message: "must name a required string field"))
        }
        let personal = object["x-personal"] as? String
        if let personal, fields[personal]?.format != "pin" {
            problems.append(Problem(path: "/x-personal", message: "must name a field with format pin"))
        }
        let indexed = object["x-indexed"] as? [String] ?? []
        for name in indexed where fields[name]?.kind != .string {
            problems.append(Problem(path: "/x-indexed", message: "\(name) is not a string field"))
        }
        guard problems.isEmpty else { throw .invalidSchema(problems) }
        self.fields = fields
        self.order = order
        self.required = Set(required)
        self.key = key
        self.personal = personal
        self.indexed = indexed
        self.source = text
    }

    private static func field(_ spec: [String: Any], path: String, problems: inout [Problem]) -> FieldSpec? {
        for key in spec.keys where !fieldKeywords.contains(key) {
            problems.append(Problem(path: "\(path)/\(key)", message: "unsupported keyword"))
        }
        guard let typeName = spec["type"] as? String, let kind = FieldSpec.Kind(rawValue: typeName) else {
            problems.append(
                Problem(path: "\(path)/type", message: "must be one of string, integer, number, boolean, object"))
            return nil
        }
        var field = FieldSpec(kind: kind)
        if let format = spec["format"] {
            if let format = format as? String, formats[kind]?.contains(format) == true {
                field.format = format
            } else {
                problems.append(Problem(path: "\(path)/format", message: "unknown format for a \(kind.rawValue)"))
            }
        }
        if let choices = spec["enum"] {
            if kind == .string, let choices = choices as? [String], !choices.isEmpty {
                field.choices = choices
            } else {
                problems.append(
                    Problem(path: "\(path)/enum", message: "must be a non-empty list of strings on a string field"))
            }
        }
        for (keyword, target) in [("minLength", \FieldSpec.minLength), ("maxLength", \FieldSpec.maxLength)] {
            guard let value = spec[keyword] else { continue }
            if kind == .string, let n = value as? Int, n >= 0 {
                field[keyPath: target] = n
            } else {
                problems.append(
                    Problem(path: "\(path)/\(keyword)", message: "must be a non-negative integer on a string field"))
            }
        }
        for (keyword, target) in [("minimum", \FieldSpec.minimum), ("maximum", \FieldSpec.maximum)] {
            guard let value = spec[keyword] else { continue }
            if kind == .integer || kind == .number, let n = value as? Double {
                field[keyPath: target] = n
            } else {
                problems.append(Problem(path: "\(path)/\(keyword)", message: "must be a number on a numeric field"))
            }
        }
        if let reference = spec["x-ref"] {
            if kind == .string, let reference = reference as? String, Registry.isName(reference) {
                field.reference = reference
            } else {
                problems.append(Problem(path: "\(path)/x-ref", message: "must name a registry, on a string field"))
            }
        }
        field.title = spec["title"] as? String
        return field
    }

    static func isFieldName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 32, (0x41...0x5a).contains(first) || (0x61...0x7a).contains(first)
        else { return false }
        return bytes.allSatisfy {
            (0x41...0x5a).contains($0) || (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5f
        }
    }

    /// The keys of the top-level `properties` object in the order they appear in `text`
    /// (Foundation's JSON objects are unordered, and forms and CSV columns follow this order).
    static func propertyOrder(_ text: String) -> [String] {
        var scanner = KeyScanner(bytes: Array(text.utf8))
        return scanner.keys(ofObjectAt: ["properties"])
    }

    /// Checks `content` against the schema; returns every problem (empty when valid).
    /// References to other registries are checked by the caller, which can see the database.
    public func problems(in content: RecordContent, today: CalendarDate) -> [FieldError] {
        var problems: [FieldError] = []
        for name in content.keys where fields[name] == nil {
            problems.append(FieldError(field: name, messageKey: "error_unknown_field"))
        }
        for name in order {
            guard let field = fields[name] else { continue }
            guard let value = content[name], value != .null else {
                if required.contains(name) { problems.append(FieldError(field: name, messageKey: "error_required")) }
                continue
            }
            if let key = field.problem(with: value, today: today) {
                problems.append(FieldError(field: name, messageKey: key))
            }
        }
        return problems
    }
}

extension RegistrySchema.FieldSpec {
    init(kind: Kind) { self.kind = kind }

    /// The catalog key of what is wrong with `value`, or nil when it is acceptable.
    func problem(with value: JSONValue, today: CalendarDate) -> String? {
        switch (kind, value) {
        case (.string, .string(let text)):
            // JSON Schema counts code points; a blank string counts as missing unless minLength is 0.
            let length = text.unicodeScalars.count
            if minLength ?? 1 > 0, text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return "error_required" }
            if let minLength, length < minLength { return "error_too_short" }
            if let maxLength, length > maxLength { return "error_too_long" }
            if let choices, !choices.contains(text) { return "error_not_a_choice" }
            switch format {
            case "pin":
                do { _ = try PIN(text, today: today) } catch {
                    return error.fields.first?.messageKey ?? "error_pin_length"
                }
            case "inn": do { _ = try INN(text) } catch { return error.fields.first?.messageKey ?? "error_inn_length" }
            case "date": if CalendarDate(iso: text) == nil { return "error_date" }
            default: break
            }
            return nil
        case (.integer, .number(let number)):
            guard JSONValue.exactInteger(number) != nil else { return "error_type_integer" }
            return bounds(number)
        case (.number, .number(let number)):
            return bounds(number)
        case (.boolean, .bool):
            return nil
        case (.object, .object(let members)):
            if format == "geojson", !GeoJSON.isValid(members) { return "error_geojson" }
            return nil
        default:
            return "error_type_\(kind.rawValue)"
        }
    }

    private func bounds(_ number: Double) -> String? {
        if let minimum, number < minimum { return "error_too_small" }
        if let maximum, number > maximum { return "error_too_large" }
        return nil
    }
}

/// Walks JSON text just far enough to list the keys of one nested object, in order.
struct KeyScanner {
    let bytes: [UInt8]
    var i = 0

    mutating func keys(ofObjectAt path: [String]) -> [String] {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return [] }
        i += 1
        var found: [String] = []
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return found }
            guard let key = string() else { return found }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return found }
            i += 1
            skipSpace()
            if let first = path.first, key == first { return self.keys(ofObjectAt: Array(path.dropFirst())) }
            if path.isEmpty { found.append(key) }
            skipValue()
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { return found }
            i += 1
        }
    }

    private mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[i]) { i += 1 }
    }

    private mutating func string() -> String? {
        let start = i + 1
        i += 1
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            if bytes[i] == UInt8(ascii: "\\") { i += 1 }
            i += 1
        }
        guard i < bytes.count else { return nil }
        defer { i += 1 }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func skipValue() {
        var depth = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\""):
                _ = string()
                if depth == 0 { return }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return }
                depth -= 1
                if depth == 0 {
                    i += 1
                    return
                }
            case UInt8(ascii: ","): if depth == 0 { return }
            default: break
            }
            i += 1
        }
    }
}
