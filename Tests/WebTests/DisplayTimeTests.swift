import Core
import Testing

@testable import Web

/// Pages show moments in Bishkek time (UTC+6), one format per language, the same on every page.
@Suite struct DisplayTimeTests {
    @Test func momentsAreShownInBishkekTimeToTheMinuteInEachLanguagesFormat() {
        #expect(DisplayTime.dateTime(0, .ky) == "01.01.1970 06:00")
        // 18:00 UTC is already the next day in Bishkek.
        #expect(DisplayTime.dateTime(1_764_525_600, .ru) == "01.12.2025 00:00")
        #expect(DisplayTime.dateTime(1_764_525_599, .en) == "30 Nov 2025, 23:59")
        #expect(DisplayTime.date(CalendarDate(iso: "2026-02-28")!, .ky) == "28.02.2026")
        #expect(DisplayTime.date(CalendarDate(iso: "2026-02-08")!, .en) == "8 Feb 2026")
    }

    @Test func documentTimestampsAreShownTheSameWay() {
        #expect(DisplayTime.dateTime(utcTimestamp: "2025-11-30T18:00:00Z", .ru) == "01.12.2025 00:00")
        #expect(DisplayTime.dateTime(utcTimestamp: "2025-11-30T18:00:00+06:00", .ru) == "2025-11-30T18:00:00+06:00")
        #expect(CalendarDate.seconds(utcTimestamp: "2025-13-30T18:00:00Z") == nil)
        #expect(CalendarDate.seconds(utcTimestamp: "1970-01-01T00:01:05Z") == 65)
    }
}
