import Core
import PropertyBased
import Testing

@testable import Workflow

/// Facts written as JSON come back as the same values.
@Suite struct FactsCodingTests {
    static let texts = ["", "a", "Айгүл \"Т\"", "line\nbreak\\", "/path", "\u{1}", "😀", "e\u{301}"]

    static func value(_ kind: Int, _ n: Int) -> Value {
        switch kind % 7 {
        case 0: .null
        case 1: .bool(n % 2 == 0)
        case 2: .number(Double(n) / 7)
        case 3: .number(Double(n) * 1e17)
        case 4: .string(texts[abs(n) % texts.count])
        case 5: .date(CalendarDate(dayNumber: abs(n) % 40_000))
        default: .list([.number(Double(n)), .string(texts[abs(n) % texts.count]), .null])
        }
    }

    @Test func factsSurviveTheirJSON() async {
        await propertyCheck(
            count: 1000, input: Gen.int(in: 0...6), Gen.int(in: -1_000_000...1_000_000), Gen.int(in: 0...6)
        ) { kind, n, keys in
            var facts: [String: Value] = [:]
            for k in 0..<keys { facts[Self.texts[(k + n) & 7] + "\(k)"] = Self.value(kind + k, n + k) }
            #expect(FactsCoding.decode(FactsCoding.encode(facts)) == facts, "\(facts)")
        }
    }
}
