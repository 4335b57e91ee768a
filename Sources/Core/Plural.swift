/// The CLDR plural categories that whole numbers take in the platform's languages.
public enum PluralCategory: String, CaseIterable, Sendable {
    case one, few, many, other
}

extension Language {
    /// The CLDR category of the whole number `n`: Russian has one (1, 21, 101), few (2–4, 22–24)
    /// and many (0, 5–20, 25); English one and other; Kyrgyz keeps a noun singular after a
    /// numeral ("5 жумуш күн"), so every number takes one form.
    public func pluralCategory(of n: Int) -> PluralCategory {
        let n = n.magnitude
        switch self {
        case .ru:
            if n % 10 == 1 && n % 100 != 11 { return .one }
            if (2...4).contains(n % 10) && !(12...14).contains(n % 100) { return .few }
            return .many
        case .en: return n == 1 ? .one : .other
        case .ky: return .other
        }
    }

    /// The categories the catalog of this language gives every counted phrase.
    public var pluralCategories: [PluralCategory] {
        switch self {
        case .ru: [.one, .few, .many]
        case .en: [.one, .other]
        case .ky: [.other]
        }
    }

    /// `n` with the language's digit grouping: `12 345` (a narrow no-break space) in Kyrgyz and
    /// Russian, `12,345` in English.
    public func number(_ n: Int) -> String {
        let digits = String(n.magnitude)
        let separator = self == .en ? "," : "\u{202F}"
        var grouped = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped += separator }
            grouped.append(digit)
        }
        return n < 0 ? "−" + grouped : grouped
    }

    /// `value` rounded to at most `maximumFractionDigits` decimals (0…6, trailing zeros dropped),
    /// grouped as `number(_:)` groups and with the language's decimal mark: `1,234.5` in English,
    /// `1 234,5` in Kyrgyz and Russian. A value too large for that is written plainly.
    public func number(_ value: Double, maximumFractionDigits: Int) -> String {
        let digits = max(0, min(maximumFractionDigits, 6))
        var factor = 1
        for _ in 0..<digits { factor *= 10 }
        let scaled = (value.magnitude * Double(factor)).rounded()
        guard scaled.isFinite, scaled < 1e15 else { return String(value) }
        let units = Int(scaled)
        var fraction = digits == 0 ? "" : String(units % factor)
        fraction = String(repeating: "0", count: max(0, digits - fraction.count)) + fraction
        while fraction.last == "0" { fraction.removeLast() }
        let text = number(units / factor) + (fraction.isEmpty ? "" : (self == .en ? "." : ",") + fraction)
        return value < 0 && units != 0 ? "−" + text : text
    }
}

extension Catalog {
    /// The counted phrase `key` for `n` in `language`: the entry `key#category` (see
    /// `Language.pluralCategory`) with `{n}` replaced by the grouped number.
    public func count(_ key: String, _ n: Int, _ language: Language) -> String {
        let category = language.pluralCategory(of: n)
        let text = strings[language]?["\(key)#\(category.rawValue)"] ?? text("\(key)#other", language)
        return text.replacingOccurrences(of: "{n}", with: language.number(n))
    }
}
