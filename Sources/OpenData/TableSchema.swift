import Foundation

/// A table's columns as Frictionless Table Schema describes them: a name, a type, a title.
/// The datastore stores column `i` as `c{i}`, so a header never becomes an SQL name.
public struct TableSchema: Sendable, Equatable, Codable {
    public var fields: [Field]

    public init(fields: [Field]) { self.fields = fields }

    /// One column.
    public struct Field: Sendable, Equatable, Codable {
        public var name: String
        public var type: FieldType
        public var title: String?

        public init(name: String, type: FieldType, title: String? = nil) {
            self.name = name
            self.type = type
            self.title = title
        }
    }

    /// The index of the field called `name`.
    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }
}

/// The Table Schema types the datastore infers and stores.
public enum FieldType: String, Sendable, Codable, CaseIterable {
    case integer, number, boolean, date, string

    /// CKAN datastore's name for the type (`datastore_search`'s `fields`).
    public var ckanType: String {
        switch self {
        case .integer: "int"
        case .number: "numeric"
        case .boolean: "bool"
        case .date: "date"
        case .string: "text"
        }
    }

    /// Whether `text` is a value of this type (an empty cell is a missing value of any type).
    public func accepts(_ text: Substring) -> Bool {
        if text.isEmpty { return true }
        switch self {
        case .integer: return Int64(text) != nil
        case .number: return Self.number(text) != nil
        case .boolean: return Self.boolean(text) != nil
        case .date: return Self.isDate(text)
        case .string: return true
        }
    }

    /// The narrowest type that fits both this and `text`: integer, then number, else string;
    /// a boolean or a date column that meets something else becomes a string.
    public func widened(by text: Substring) -> FieldType {
        if accepts(text) { return self }
        switch self {
        case .integer: return Self.number(text) != nil ? .number : .string
        default: return .string
        }
    }

    /// A finite number in plain or exponent notation.
    static func number(_ text: Substring) -> Double? {
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    static func boolean(_ text: Substring) -> Bool? {
        switch text {
        case "true", "TRUE", "True": true
        case "false", "FALSE", "False": false
        default: nil
        }
    }

    /// `YYYY-MM-DD` with a real month and day.
    static func isDate(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return false }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9]
        guard digits.allSatisfy({ (0x30...0x39).contains(bytes[$0]) }) else { return false }
        let month = Int(bytes[5] - 0x30) * 10 + Int(bytes[6] - 0x30)
        let day = Int(bytes[8] - 0x30) * 10 + Int(bytes[9] - 0x30)
        return (1...12).contains(month) && (1...31).contains(day)
    }
}

/// Infers a Table Schema from a header and rows: every column starts as the narrowest type seen
/// in its first value and widens as later values need.
public struct SchemaInference: Sendable {
    public private(set) var names: [String]
    private var types: [FieldType?]

    public init(header: [String]) {
        names = header
        types = Array(repeating: nil, count: header.count)
    }

    /// Looks at one row (as many cells as the header; the caller checks that).
    public mutating func observe(_ row: [String]) {
        for (i, cell) in row.enumerated() where i < types.count && !cell.isEmpty {
            let text = Substring(cell)
            if let type = types[i] {
                if type != .string { types[i] = type.widened(by: text) }
            } else {
                types[i] = Self.firstGuess(text)
            }
        }
    }

    static func firstGuess(_ text: Substring) -> FieldType {
        for type in [FieldType.integer, .number, .boolean, .date] where type.accepts(text) { return type }
        return .string
    }

    /// The schema: a column with no values at all is a string.
    public var schema: TableSchema {
        TableSchema(fields: zip(names, types).map { TableSchema.Field(name: $0, type: $1 ?? .string) })
    }
}
