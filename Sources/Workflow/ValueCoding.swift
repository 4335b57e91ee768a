import Core
import Foundation

/// Facts are stored as JSON: numbers, text, booleans, null and lists as themselves, dates as
/// `{"date": "YYYY-MM-DD"}` so they come back as dates.
extension Value: Codable {
    private struct DateBox: Codable { var date: CalendarDate }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([Value].self) { self = .list(value) }
        else { self = .date(try container.decode(DateBox.self).date) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .list(let values): try container.encode(values)
        case .date(let date): try container.encode(DateBox(date: date))
        }
    }
}

enum FactsCoding {
    static func encode(_ facts: [String: Value]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(facts)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func decode(_ text: String) -> [String: Value] {
        (try? JSONDecoder().decode([String: Value].self, from: Data(text.utf8))) ?? [:]
    }
}
