/// A personal identification number (ПИН / ЖЕКЕ ИНН) of the Kyrgyz Republic.
///
/// 14 digits: the first is the sex (1 female, 2 male), the next eight the birth date as
/// DDMMYYYY, the last five a sequence number. The date must exist and not lie in the future.
public struct PIN: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 14 digits.
    public let value: String
    /// The birth date embedded in the number.
    public let birthDate: CalendarDate
    /// The sex coded in the first digit.
    public let sex: Sex

    /// The sex as the first digit of a PIN codes it.
    public enum Sex: String, Sendable, Codable { case female, male }

    /// Validates `text` (spaces are ignored) or throws a `ValidationError` for `field`.
    public init(_ text: String, field: String = "pin", today: CalendarDate = Clock.system.today) throws(ValidationError)
    {
        // Byte-level: this runs for every row of a registry import.
        let bytes = text.utf8.filter { $0 != 0x20 }
        guard bytes.count == 14 else {
            let characters = text.filter { $0 != " " }.count
            throw ValidationError(field: field, messageKey: characters == 14 ? "error_pin_digits" : "error_pin_length")
        }
        guard bytes.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw ValidationError(field: field, messageKey: "error_pin_digits")
        }
        let d = bytes.map { Int($0 - 0x30) }
        switch d[0] {
        case 1: sex = .female
        case 2: sex = .male
        default: throw ValidationError(field: field, messageKey: "error_pin_sex")
        }
        guard
            let date = CalendarDate(
                year: d[5] * 1000 + d[6] * 100 + d[7] * 10 + d[8], month: d[3] * 10 + d[4], day: d[1] * 10 + d[2]),
            date.year >= 1900, date <= today
        else { throw ValidationError(field: field, messageKey: "error_pin_date") }
        birthDate = date
        value = String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid PIN"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
