import Foundation
import Registries

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
        accepts(Array(text.utf8)[...])
    }

    /// Whether the cell `bytes` is a value of this type.
    public func accepts(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let narrowest = Self.narrowest(bytes) else { return true }
        return narrowest.joined(self) == self
    }

    /// The narrowest type that holds values of both: integer and number make number; any other
    /// two different types make string.
    public func joined(_ other: FieldType) -> FieldType {
        if self == other { return self }
        if (self == .integer && other == .number) || (self == .number && other == .integer) { return .number }
        return .string
    }

    /// The narrowest type the cell `bytes` is a value of, read from the bytes without making a
    /// string (this runs for every cell of a big file); nil for an empty cell.
    /// Integers have at most 18 digits (so they always fit 64 bits); longer ones are numbers.
    public static func narrowest(_ bytes: ArraySlice<UInt8>) -> FieldType? {
        guard let first = bytes.first else { return nil }
        var i = bytes.startIndex
        if first == 0x2D || first == 0x2B { i += 1 }
        var digits = 0
        while i < bytes.endIndex, (0x30...0x39).contains(bytes[i]) {
            digits += 1
            i += 1
        }
        if i == bytes.endIndex && digits > 0 { return digits <= 18 ? .integer : .number }
        if isNumber(bytes) { return .number }
        switch bytes.count {
        case 4 where equals(bytes, "true") || equals(bytes, "TRUE") || equals(bytes, "True"): return .boolean
        case 5 where equals(bytes, "false") || equals(bytes, "FALSE") || equals(bytes, "False"): return .boolean
        case 10 where isDate(bytes): return .date
        default: return .string
        }
    }

    /// `[sign] digits [. digits] [e [sign] digits]` with a digit in the mantissa, finite.
    static func isNumber(_ bytes: ArraySlice<UInt8>) -> Bool {
        var i = bytes.startIndex
        func digits() -> Int {
            var count = 0
            while i < bytes.endIndex, (0x30...0x39).contains(bytes[i]) {
                count += 1
                i += 1
            }
            return count
        }
        if i < bytes.endIndex, bytes[i] == 0x2D || bytes[i] == 0x2B { i += 1 }
        var mantissa = digits()
        if i < bytes.endIndex, bytes[i] == 0x2E {
            i += 1
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if i == bytes.endIndex { return true }
        guard bytes[i] == 0x65 || bytes[i] == 0x45 else { return false }
        i += 1
        if i < bytes.endIndex, bytes[i] == 0x2D || bytes[i] == 0x2B { i += 1 }
        guard digits() > 0, i == bytes.endIndex else { return false }
        // An exponent may overflow to infinity, which no column stores.
        return Double(String(decoding: bytes, as: UTF8.self))?.isFinite == true
    }

    static func equals(_ bytes: ArraySlice<UInt8>, _ text: StaticString) -> Bool {
        text.withUTF8Buffer { $0.elementsEqual(bytes) }
    }

    static func boolean(_ text: Substring) -> Bool? {
        switch text {
        case "true", "TRUE", "True": true
        case "false", "FALSE", "False": false
        default: nil
        }
    }

    /// `YYYY-MM-DD` with a real month and day.
    static func isDate(_ bytes: ArraySlice<UInt8>) -> Bool {
        let b = Array(bytes)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return false }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9]
        guard digits.allSatisfy({ (0x30...0x39).contains(b[$0]) }) else { return false }
        let month = Int(b[5] - 0x30) * 10 + Int(b[6] - 0x30)
        let day = Int(b[8] - 0x30) * 10 + Int(b[9] - 0x30)
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
    public mutating func observe(_ row: RawRow) {
        for i in 0..<min(row.count, types.count) {
            if types[i] == .string { continue }
            guard let type = FieldType.narrowest(row.bytes[row.range(of: i)]) else { continue }
            types[i] = types[i].map { $0.joined(type) } ?? type
        }
    }

    /// The schema: a column with no values at all is a string.
    public var schema: TableSchema {
        TableSchema(fields: zip(names, types).map { TableSchema.Field(name: $0, type: $1 ?? .string) })
    }
}
