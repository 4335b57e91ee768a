import Core
import Testing

@testable import Web

/// Pages show moments in Bishkek time (UTC+6), the same way on every page.
@Suite struct DisplayTimeTests {
    @Test func momentsAreShownInBishkekTimeToTheMinute() {
        #expect(DisplayTime.dateTime(0, .ky) == "1970-01-01 06:00")
        // 18:00 UTC is already the next day in Bishkek.
        #expect(DisplayTime.dateTime(1_764_525_600, .ru) == "2025-12-01 00:00")
        #expect(DisplayTime.dateTime(1_764_525_599, .en) == "2025-11-30 23:59")
        #expect(DisplayTime.date(CalendarDate(iso: "2026-02-28")!, .ky) == "2026-02-28")
    }
}
