import Core

/// Fictitious but plausible residents, generated from a number so any size can be made again
/// exactly: the demo's population registry and the 7,000,000-person benchmark use the same rows.
public enum SyntheticPopulation {
    /// The CSV header of `row(_:)`, in the population schema's field order.
    public static let header = [
        "pin", "familyName", "givenName", "patronymic", "birthDate", "sex", "districtCode", "address", "phone",
    ]

    static let families = [
        "Асанов", "Токтогулов", "Жумабаев", "Садыков", "Осмонов", "Абдыкадыров", "Бекмуратов", "Мамытов",
        "Исаков", "Турдубаев", "Алиев", "Назаров", "Эсенгулов", "Сыдыков", "Кадыров", "Омуралиев",
    ]
    static let men = [
        "Бакыт", "Нурлан", "Азамат", "Эрмек", "Мирлан", "Данияр", "Бекзат", "Улан", "Тимур", "Жаныбек", "Айбек",
        "Канат",
    ]
    static let women = [
        "Айгүл", "Гүлнара", "Чолпон", "Жылдыз", "Нургүл", "Айпери", "Бермет", "Динара", "Асель", "Назгүл", "Айжан",
        "Мээрим",
    ]
    static let fathers = [
        "Бакыт", "Нурлан", "Азамат", "Эрмек", "Мирлан", "Данияр", "Марат", "Эркин", "Таалай", "Садык",
    ]
    /// District codes as in the reference data.
    public static let districts = [
        "BTK-BAT", "BTK-KAD", "CHU-ALA", "CHU-CHU", "CHU-SOK", "CHU-YSA", "ISK-ISK", "ISK-TUP", "JAL-BAZ",
        "JAL-SUZ", "NAR-NAR", "OSH-ARA", "OSH-KSU", "OSH-UZG", "TAL-TAL", "BIS-LEN", "BIS-OKT", "BIS-PER",
        "BIS-SVE", "OSC-OSH",
    ]
    static let streets = [
        "Ленин к.", "Манас пр.", "Токтогул к.", "Чүй пр.", "Советская к.", "Байтик Баатыр к.", "Ахунбаев к.",
    ]

    /// Days from 1940-01-01 that give birth dates up to the end of 2007 (adults in 2026).
    static let dayRange = 24_837

    /// The person number `i` (0-based) as CSV cells; PINs are unique for i below 2.4 billion.
    public static func row(_ i: Int) -> [String] {
        let female = i % 2 == 0
        let day = (i &* 7919) % dayRange
        let sequence = i / dayRange + 1
        let date = date(fromDay: day)
        let pin = "\(female ? 1 : 2)\(two(date.day))\(two(date.month))\(date.year)\(five(sequence))"
        let iso = "\(date.year)-\(two(date.month))-\(two(date.day))"
        let family = families[(i / 3) % families.count] + (female ? "а" : "")
        let given = female ? women[(i / 7) % women.count] : men[(i / 7) % men.count]
        let father = fathers[(i / 11) % fathers.count]
        let patronymic = father + (female ? "овна" : "ович")
        let district = districts[(i / 13) % districts.count]
        let address = "\(streets[i % streets.count]) \(i % 250 + 1), кв. \(i % 90 + 1)"
        // Every resident has a mobile number: activation codes go to it.
        let phone = "+996 70\(i % 10) \(three(i / 1000 % 1000)) \(three(i % 1000))"
        return [pin, family, given, patronymic, iso, female ? "female" : "male", district, address, phone]
    }

    static func date(fromDay day: Int) -> (year: Int, month: Int, day: Int) {
        var year = 1940
        var remaining = day
        while true {
            let length = (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 366 : 365
            if remaining < length { break }
            remaining -= length
            year += 1
        }
        var month = 1
        while true {
            let length = CalendarDate.daysIn(month: month, year: year)
            if remaining < length { break }
            remaining -= length
            month += 1
        }
        return (year, month, remaining + 1)
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
    private static func three(_ n: Int) -> String { n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : String(n) }
    private static func five(_ n: Int) -> String {
        String(repeating: "0", count: max(0, 5 - String(n).count)) + String(n)
    }
}
