import Core

/// Working days of the Kyrgyz Republic: Monday to Friday, except public holidays. SLAs are
/// counted in these days. The holidays of a year are data (an administrator edits them; the
/// Muslim holidays move every year), `kyrgyzDefault` holds the ones fixed by law plus the
/// announced dates of Orozo Ait and Kurman Ait for 2026–2027.
public struct WorkingCalendar: Sendable, Equatable {
    public var holidays: Set<CalendarDate>

    public init(holidays: Set<CalendarDate>) { self.holidays = holidays }

    /// Fixed holidays (Labour Code art. 113) for `years`, and the movable ones known so far.
    public static func kyrgyzDefault(years: ClosedRange<Int> = 2025...2028) -> WorkingCalendar {
        let fixed = [
            (1, 1), (1, 7), (2, 23), (3, 8), (3, 21), (4, 7), (5, 1), (5, 5), (5, 9), (8, 31), (11, 7), (11, 8),
        ]
        var days = Set<CalendarDate>()
        for year in years {
            for (month, day) in fixed {
                if let date = CalendarDate(year: year, month: month, day: day) { days.insert(date) }
            }
        }
        for iso in ["2025-03-30", "2025-06-06", "2026-03-20", "2026-05-27", "2027-03-10", "2027-05-16"] {
            if let date = CalendarDate(iso: iso) { days.insert(date) }
        }
        return WorkingCalendar(holidays: days)
    }

    public func isWorkingDay(_ date: CalendarDate) -> Bool {
        date.weekday <= 5 && !holidays.contains(date)
    }

    /// The day by which something started on `start` must be done, `days` working days later
    /// (the start day itself does not count, as a deadline "within 5 working days" means).
    public func adding(workingDays days: Int, to start: CalendarDate) -> CalendarDate {
        var date = start
        var left = days
        while left > 0 {
            date = date.adding(days: 1)
            if isWorkingDay(date) { left -= 1 }
        }
        return date
    }
}
