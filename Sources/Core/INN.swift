/// A taxpayer number (ИНН) of an organisation in the Kyrgyz Republic.
///
/// 14 digits. Legal entities start with 0 and carry the state registration date as DDMMYYYY in
/// digits 2–9; individual entrepreneurs use their PIN (first digit 1 or 2), so the same date rule
/// holds for every valid INN. The date must exist and not lie in the future.
public struct INN: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 14 digits.
    public let value: String
    /// The registration (or birth) date embedded in the number.
    public let embeddedDate: CalendarDate

    /// Validates `text` (spaces are ignored) or throws a `ValidationError` for `field`.
    public init(_ text: String, field: String = "inn", today: CalendarDate = Clock.system.today) throws(ValidationError)
    {
        let digits = text.filter { $0 != " " }
        guard digits.count == 14 else { throw ValidationError(field: field, messageKey: "error_inn_length") }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ValidationError(field: field, messageKey: "error_inn_digits")
        }
        let d = Array(digits).map { Int(String($0)) ?? 0 }
        guard (0...2).contains(d[0]) else { throw ValidationError(field: field, messageKey: "error_inn_kind") }
        guard
            let date = CalendarDate(
                year: d[5] * 1000 + d[6] * 100 + d[7] * 10 + d[8], month: d[3] * 10 + d[4], day: d[1] * 10 + d[2]),
            date.year >= 1900, date <= today
        else { throw ValidationError(field: field, messageKey: "error_inn_date") }
        embeddedDate = date
        value = digits
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid INN"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
