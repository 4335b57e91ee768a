import Foundation

/// One typed cell on its way into a datastore table.
public enum DatastoreCell: Encodable, Sendable, Equatable {
    case null
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    case text(String)

    /// The cell `text` as a value of `type`; empty (or not of the type) is null.
    public init(_ text: String, _ type: FieldType) {
        guard !text.isEmpty else {
            self = .null
            return
        }
        switch type {
        case .integer: self = Int(text).map { .integer($0) } ?? .null
        case .number: self = Double(text).map { .number($0) } ?? .null
        case .boolean: self = FieldType.boolean(Substring(text)).map { .boolean($0) } ?? .null
        case .date, .string: self = .text(text)
        }
    }

    /// The cell read from its bytes, which the survey found to be of `type`. Text is checked for
    /// UTF-8 unless the caller knows the row is ASCII; nil if it is not UTF-8.
    static func parse(_ field: UnsafeBufferPointer<UInt8>, _ type: FieldType, ascii: Bool) -> DatastoreCell? {
        guard let first = field.first else { return .null }
        switch type {
        case .integer:
            // At most 18 digits (the survey's rule); wrapping arithmetic all the same, so that a file
            // changed between the passes cannot stop the process.
            var value = 0
            for byte in field where (0x30...0x39).contains(byte) { value = value &* 10 &+ Int(byte - 0x30) }
            return .integer(first == 0x2D ? -value : value)
        case .number:
            return Double(String(decoding: field, as: UTF8.self)).map { .number($0) } ?? .null
        case .boolean:
            return .boolean(first == 0x74 || first == 0x54)
        case .date, .string:
            let text = String(decoding: field, as: UTF8.self)
            guard ascii || text.utf8.elementsEqual(field) else { return nil }
            return .text(text)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .boolean(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        }
    }
}
