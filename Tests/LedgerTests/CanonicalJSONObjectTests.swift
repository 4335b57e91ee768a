import Core
import Foundation
import PropertyBased
import Testing

@testable import Ledger

/// The direct writer of string dictionaries must give JSONEncoder's bytes exactly: ledger digests
/// of details computed either way must agree.
@Suite struct CanonicalJSONObjectTests {
    static let alphabet: [Character] =
        Array("aZz09_.-/ \"\\\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}éАаӨөҮүҢң中😀") + [
            "e\u{301}", "\u{2028}", "\u{FF04}", "\u{FFFD}",
        ]

    static func reference(_ object: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(object), as: UTF8.self)
    }

    @Test func fixedCasesMatchJSONEncoder() {
        for object: [String: String] in [
            [:], ["b": "1", "a": "2", "B": "3", "_": "4", "ä": "5", "z": ""],
            ["reason": "line\nbreak \"quoted\" back\\slash /path\u{1}"],
            ["Кейс": "Айгүл Токтогулова", "case": "a1b2", "A": "😀"],
        ] {
            #expect(CanonicalJSON.object(object) == Self.reference(object))
        }
    }

    @Test func randomDictionariesMatchJSONEncoder() async {
        await propertyCheck(count: 2000, input: Gen.int(in: 0...6), Gen.int(in: 0...Int.max)) { size, seed in
            var generator = SplitMix(seed: UInt64(truncatingIfNeeded: seed))
            var object: [String: String] = [:]
            for _ in 0..<size {
                let key = String(
                    (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                        Self.alphabet.randomElement(using: &generator)!
                    })
                object[key] = String(
                    (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                        Self.alphabet.randomElement(using: &generator)!
                    })
            }
            #expect(CanonicalJSON.object(object) == Self.reference(object), "\(object)")
        }
    }
}

/// A small seeded generator, so a failing case can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A ledger entry's bytes are written directly too; they must stay what JSONEncoder wrote for every
/// entry already in a ledger, or the audit would call them not canonical.
@Suite struct LedgerEventCanonicalTests {
    static func reference(_ event: LedgerEvent) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(event), as: UTF8.self)
    }

    @Test func randomEventsMatchJSONEncoder() async {
        await propertyCheck(count: 1000, input: Gen.int(in: 0...Int.max)) { seed in
            var generator = SplitMix(seed: UInt64(truncatingIfNeeded: seed))
            func text(_ length: ClosedRange<Int>) -> String {
                String(
                    (0..<Int.random(in: length, using: &generator)).map { _ in
                        CanonicalJSONObjectTests.alphabet.randomElement(using: &generator)!
                    })
            }
            var event = try! LedgerEvent(
                kind: "case.decided", actor: "official:x", subject: "case:1",
                time: Int.random(in: 0...4_000_000_000, using: &generator),
                detailsDigest: String(repeating: "ab", count: 32))
            // The writer must not rely on validation: any text is written as the encoder would.
            event.actor = text(0...12)
            event.subject = text(0...12)
            event.kind = text(0...6)
            if Bool.random(using: &generator) {
                event.records = Dictionary(
                    (0..<Int.random(in: 0...4, using: &generator)).map { _ in (text(0...6), text(0...6)) }
                ) { first, _ in first }
            }
            #expect(event.canonicalText == Self.reference(event), "\(event)")
            #expect(event.canonicalBytes == Data(Self.reference(event).utf8))
        }
    }
}
