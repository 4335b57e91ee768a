import Core
import Testing

@Suite struct UTCTimestampTests {
    @Test func timestampsAreComputedWithoutAFormatter() {
        #expect(CalendarDate.utcTimestamp(0) == "1970-01-01T00:00:00Z")
        #expect(CalendarDate.utcTimestamp(1_764_417_600) == "2025-11-29T12:00:00Z")
        #expect(CalendarDate.utcTimestamp(1_709_164_799) == "2024-02-28T23:59:59Z")
        #expect(CalendarDate.utcTimestamp(1_709_251_200) == "2024-03-01T00:00:00Z")
        #expect(CalendarDate.utcTimestamp(-1) == "1969-12-31T23:59:59Z")
    }
}
