import Core

/// The one way pages show dates and times: in Bishkek time, one date and one date-time format per
/// language (`30.11.2026 14:05` in Kyrgyz and Russian, `30 Nov 2026, 14:05` in English). Machine
/// formats (UTC timestamps in APIs, CSV and JSON files) are not this.
enum DisplayTime {
    private static let englishMonths = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    /// A calendar day.
    static func date(_ day: CalendarDate, _ language: Language) -> String {
        switch language {
        case .en: "\(day.day) \(englishMonths[day.month - 1]) \(day.year)"
        case .ky, .ru: "\(two(day.day)).\(two(day.month)).\(day.year)"
        }
    }

    /// A day stored as `YYYY-MM-DD` (a birth or registration date), shown as `date`; other text as it is.
    static func date(iso text: String, _ language: Language) -> String {
        CalendarDate(iso: text).map { date($0, language) } ?? text
    }

    /// A moment, to the minute, in Bishkek.
    static func dateTime(_ seconds: Int, _ language: Language) -> String {
        let local = seconds + CalendarDate.bishkekOffsetSeconds
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let rest = local - days * 86_400
        let separator = language == .en ? ", " : " "
        return date(CalendarDate(dayNumber: days), language) + separator
            + "\(two(rest / 3600)):\(two(rest % 3600 / 60))"
    }

    /// A moment written as a UTC timestamp (`2026-11-30T08:05:00Z`, as documents hold it), shown
    /// the same way; text that is not such a timestamp is shown as it is.
    static func dateTime(utcTimestamp text: String, _ language: Language) -> String {
        CalendarDate.seconds(utcTimestamp: text).map { dateTime($0, language) } ?? text
    }

    /// A day as people type it: `30.11.2026` (as Kyrgyz and Russian pages show it) or `2026-11-30`.
    static func parseDate(_ text: String) -> CalendarDate? {
        let parts = text.split(separator: ".")
        guard parts.count == 3 else { return CalendarDate(iso: text) }
        guard parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4, let day = Int(parts[0]),
            let month = Int(parts[1]), let year = Int(parts[2])
        else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }
}
