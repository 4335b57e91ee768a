import Core

/// The one way pages show dates and times: in Bishkek time, one format per kind and language
/// (the same digits in all three languages today; a language that wants its own order changes it
/// here, and every page follows). Machine formats (UTC timestamps in APIs and CSV) are not this.
enum DisplayTime {
    /// A calendar day: `2026-11-30`.
    static func date(_ day: CalendarDate, _ language: Language) -> String { day.description }

    /// A moment, to the minute, in Bishkek: `2026-11-30 14:05`.
    static func dateTime(_ seconds: Int, _ language: Language) -> String {
        let local = seconds + CalendarDate.bishkekOffsetSeconds
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let rest = local - days * 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(date(CalendarDate(dayNumber: days), language)) \(two(rest / 3600)):\(two(rest % 3600 / 60))"
    }
}
