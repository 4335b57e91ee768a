import Core
import Foundation
import Ledger

/// Facts are stored as JSON: numbers, text, booleans, null and lists as themselves, dates as
/// `{"date": "YYYY-MM-DD"}` so they come back as dates.
extension Value: Codable {
    private struct DateBox: Codable { var date: CalendarDate }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([Value].self) {
            self = .list(value)
        } else {
            self = .date(try container.decode(DateBox.self).date)
        }
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
        // Written directly: this runs for every case written. Non-finite numbers cannot be JSON;
        // they take the encoder's path (which refuses them) as before.
        var out = "{"
        var ok = true
        for (n, key) in CanonicalJSON.sortedKeys(facts.keys).enumerated() {
            if n > 0 { out += "," }
            CanonicalJSON.appendString(key, to: &out)
            out += ":"
            ok = ok && append(facts[key] ?? .null, to: &out)
        }
        if ok { return out + "}" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(facts)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private static func append(_ value: Value, to out: inout String) -> Bool {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number):
            guard number.isFinite else { return false }
            out += number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .string(let text): CanonicalJSON.appendString(text, to: &out)
        case .date(let date): out += "{\"date\":\"\(date)\"}"
        case .list(let values):
            out += "["
            for (n, item) in values.enumerated() {
                if n > 0 { out += "," }
                guard append(item, to: &out) else { return false }
            }
            out += "]"
        }
        return true
    }

    static func decode(_ text: String) -> [String: Value] {
        (try? JSONDecoder().decode([String: Value].self, from: Data(text.utf8))) ?? [:]
    }
}
