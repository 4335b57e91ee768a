import Core
import Testing

@testable import Services

/// Tracking numbers sort by the hour and the slot of the hour they were made in, so new
/// applications go to the end of every index keyed by them, and stay unguessable within the slot.
@Suite struct TrackingNumberTests {
    @Test func numbersSortByTheirHourAndDifferWithinIt() throws {
        let now = 1_795_000_000
        let earlier = ApplicationService.trackingNumber(at: now)
        let later = ApplicationService.trackingNumber(at: now + 3600)
        #expect(earlier < later)
        let format = try Regex("^TK-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$")
        #expect(earlier.wholeMatch(of: format) != nil, "\(earlier)")
        // 25 random bits: 300 draws clash with a chance of about 1 in 750.
        let sameSlot = Set((0..<300).map { _ in ApplicationService.trackingNumber(at: now) })
        #expect(sameSlot.count == 300)
        #expect(Set(sameSlot.map { $0.prefix(9) }).count == 1, "one slot of one hour, one prefix")
        #expect(ApplicationService.trackingNumber(at: 1_735_689_600 + 32 * 3600).hasPrefix("TK-0010-0"))
        #expect(ApplicationService.trackingNumber(at: Int.min).hasPrefix("TK-0000-0"), "a time before 2025 is clamped")
        #expect(ApplicationService.trackingNumber(at: Int.max).count == 15, "far times wrap, not crash")
    }

    @Test func theHourIsCutIntoThirtyTwoSlotsInOrder() {
        let hourStart = 1_735_689_600 + 100 * 3600
        let slots = stride(from: 0, to: 3600, by: 75).map {
            ApplicationService.trackingNumber(at: hourStart + $0).prefix(9)
        }
        #expect(slots == slots.sorted(), "later in the hour sorts later")
        #expect(slots.first?.dropFirst(8).first == "0")
        #expect(slots.last?.dropFirst(8).first == "Z", "the hour's last 112.5 seconds are slot 31")
        let symbols = Set(slots.compactMap { $0.dropFirst(8).first })
        #expect(symbols.count == 32)
    }
}

@Suite struct TrackingNumberDrawTests {
    /// Numbers in the order a scripted draw gives them, and how many times the store was asked.
    final class Script: @unchecked Sendable {
        var numbers: [String]
        var asked = 0
        init(_ numbers: [String]) { self.numbers = numbers }
        func draw() -> String { numbers.isEmpty ? "TK-LAST" : numbers.removeFirst() }
    }

    @Test func aTakenOrTwiceDrawnNumberIsDrawnAgain() async throws {
        let script = Script(["TK-A", "TK-A", "TK-B", "TK-C"])
        let numbers = try await ApplicationService.drawTrackingNumbers(
            for: [0, 1], draw: script.draw,
            taken: { candidates in
                script.asked += 1
                return Set(candidates).intersection(["TK-B"])
            })
        // 0 keeps TK-A; 1 drew TK-A too (the batch's own), then TK-B (taken), then TK-C.
        #expect(numbers == [0: "TK-A", 1: "TK-C"])
        #expect(script.asked == 3)
    }

    @Test func aBatchThatClashesEveryRoundIsRefusedAsBusy() async throws {
        let script = Script([])
        await #expect(throws: DomainError.self) {
            try await ApplicationService.drawTrackingNumbers(
                for: [0], rounds: 5, draw: script.draw,
                taken: { candidates in
                    script.asked += 1
                    return Set(candidates)
                })
        }
        #expect(script.asked == 5, "five rounds, then no more reads")
    }
}
