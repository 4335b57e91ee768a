import Core
import Synchronization
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

@Suite struct ClockTests {
    @Test func theDayTurnsAtMidnightInBishkekNotInUTC() {
        // 2026-11-29 17:59:59 UTC is 23:59:59 in Bishkek; a second later it is the 30th there.
        let evening = 1_795_975_199
        #expect(CalendarDate(bishkekDayOf: evening).description == "2026-11-29")
        #expect(CalendarDate(bishkekDayOf: evening + 1).description == "2026-11-30")
        #expect(Clock.fixed(seconds: evening + 1).today.description == "2026-11-30")
        #expect(CalendarDate(bishkekDayOf: -6 * 3600 - 1).description == "1969-12-31", "before 1970 too")
    }

    @Test func aFixedClockStandsStill() {
        let clock = Clock.fixed(seconds: 1_800_000_000)
        #expect(clock.seconds == 1_800_000_000 && clock.seconds == clock.seconds)
    }

    @Test func theCacheForgetsAfterItsLifetime() async throws {
        let cache = TTLCache<String, Int>(lifetime: .milliseconds(50))
        #expect(try await cache.value(for: "a") { 1 } == 1)
        #expect(try await cache.value(for: "a") { 2 } == 1, "kept while fresh")
        try await Task.sleep(for: .milliseconds(80))
        #expect(try await cache.value(for: "a") { 3 } == 3, "loaded again once stale")
        await cache.remove("a")
        #expect(await cache.value(for: "a") == nil)
    }

    /// A value that goes stale under load is made once, not once per caller; a failed load is not
    /// kept, and the next caller loads again.
    @Test func callersThatMissTogetherShareOneLoad() async throws {
        let cache = TTLCache<String, Int>(lifetime: .seconds(60))
        final class Loads: Sendable { let count = Mutex(0) }
        let loads = Loads()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await cache.value(for: "a") {
                        loads.count.withLock { $0 += 1 }
                        try await Task.sleep(for: .milliseconds(100))
                        return 7
                    }
                }
            }
            for try await value in group { #expect(value == 7) }
        }
        #expect(loads.count.withLock { $0 } == 1)
        struct Failed: Error {}
        await #expect(throws: Failed.self) { try await cache.value(for: "b") { throw Failed() } }
        #expect(try await cache.value(for: "b") { 8 } == 8)
    }
}
