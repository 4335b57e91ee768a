import Testing

@testable import Services

/// Tracking numbers sort by the hour they were made, so new applications go to the end of every
/// index keyed by them, and stay unguessable within the hour.
@Suite struct TrackingNumberTests {
    @Test func numbersSortByTheirHourAndDifferWithinIt() throws {
        let now = 1_795_000_000
        let earlier = ApplicationService.trackingNumber(at: now)
        let later = ApplicationService.trackingNumber(at: now + 3600)
        #expect(earlier < later)
        let format = try Regex("^TK-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$")
        #expect(earlier.wholeMatch(of: format) != nil, "\(earlier)")
        let sameHour = Set((0..<1_000).map { _ in ApplicationService.trackingNumber(at: now) })
        #expect(sameHour.count == 1_000)
        #expect(Set(sameHour.map { $0.prefix(7) }).count == 1, "one hour, one prefix")
        #expect(ApplicationService.trackingNumber(at: 1_735_689_600 + 32 * 3600).hasPrefix("TK-0010-"))
        #expect(ApplicationService.trackingNumber(at: Int.min).hasPrefix("TK-0000-"), "a time before 2025 is clamped")
        #expect(ApplicationService.trackingNumber(at: Int.max).count == 15, "far times wrap, not crash")
    }
}
