import Foundation

/// Where the platform reads the time: the system's clock in production, a fixed or stepped one in
/// tests. Every part of the platform that needs "now" is handed one of these; this file holds the
/// only read of the wall clock (`scripts/check-house-rules` fails the build on another).
public struct Clock: Sendable {
    private let read: @Sendable () -> Date

    /// A clock that answers with whatever `read` returns (a test's stepped time, say).
    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    /// The system's wall clock.
    public static let system = Clock { Date() }

    /// A clock stopped at `seconds` since 1970 (UTC).
    public static func fixed(seconds: Int) -> Clock {
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        return Clock { date }
    }

    /// The current moment in whole seconds since 1970 (UTC), as the platform stores times.
    public var seconds: Int { Int(read().timeIntervalSince1970.rounded(.down)) }

    /// Today's date in Bishkek (Asia/Bishkek, UTC+6 all year), the day that deadlines count in.
    public var today: CalendarDate { CalendarDate(bishkekDayOf: seconds) }
}

extension CalendarDate {
    /// Asia/Bishkek's offset from UTC: six hours, without daylight saving since 2005.
    public static let bishkekOffsetSeconds = 6 * 3600

    /// The date in Bishkek at `seconds` since 1970 (UTC): the one way the platform turns a stored
    /// time into a day.
    public init(bishkekDayOf seconds: Int) {
        let local = seconds + Self.bishkekOffsetSeconds
        // Floor division, so times before 1970 fall on the right day too.
        self.init(dayNumber: local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
    }
}

extension Duration {
    /// The duration in seconds, with fractions, for rates and reports.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
