import Core
import Identity

/// What an indicator's figures count. A measurement given in another unit is refused.
public enum IndicatorUnit: String, Sendable, CaseIterable, Codable {
    case count, percent, days
    /// Subscriptions per 100 inhabitants (ITU).
    case perHundred = "per100"
}

/// Where an indicator's figures come from.
public enum IndicatorSource: String, Sendable, Codable {
    /// Computed from the platform's own records on a schedule (`ComputedIndicator`).
    case computed
    /// Entered by an official of the responsible agency, with evidence.
    case entered
}

/// One indicator of the action plan: what is measured, from where to where, and how.
public struct Indicator: Sendable, Equatable {
    public var code: String
    /// The task or subtask it measures (`3.1`).
    public var task: String
    public var title: LocalizedName
    public var unit: IndicatorUnit
    public var baseline: Double
    public var target: Double
    public var source: IndicatorSource
    /// The agency that answers for it (and enters its figures when they are not computed).
    public var agency: String
    /// How the figure is computed or where it comes from, for "how is this computed".
    public var method: LocalizedName

    public init(
        code: String, task: String, title: LocalizedName, unit: IndicatorUnit, baseline: Double, target: Double,
        source: IndicatorSource, agency: String, method: LocalizedName
    ) {
        self.code = code
        self.task = task
        self.title = title
        self.unit = unit
        self.baseline = baseline
        self.target = target
        self.source = source
        self.agency = agency
        self.method = method
    }

    /// How far from the baseline towards the target `value` is, from 0 to 1.
    public func progress(_ value: Double) -> Double {
        guard target != baseline else { return value >= target ? 1 : 0 }
        return max(0, min(1, (value - baseline) / (target - baseline)))
    }
}

/// One figure of an indicator for one period (`2026` or `2026-11`).
public struct Measurement: Sendable, Equatable {
    public var indicator: String
    public var period: String
    public var value: Double
    /// A link or document reference that backs an entered figure (empty for computed ones).
    public var evidence: String
    public var recordedBy: String
    public var recordedAt: Int

    public init(
        indicator: String, period: String, value: Double, evidence: String, recordedBy: String, recordedAt: Int
    ) {
        self.indicator = indicator
        self.period = period
        self.value = value
        self.evidence = evidence
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }

    /// `YYYY` or `YYYY-MM` with a plausible year and month.
    public static func isPeriod(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts[0].count == 4, let year = Int(parts[0]), (2000...2100).contains(year)
        else { return false }
        guard parts.count == 2 else { return true }
        return parts[1].count == 2 && Int(parts[1]).map { (1...12).contains($0) } == true
    }
}

/// An action-plan item: who does what by when, under which task.
public struct ActionItem: Sendable, Equatable {
    /// Where an action-plan item stands.
    public enum Status: String, Sendable, CaseIterable {
        case planned, underway, done, late
    }

    public var id: String
    public var task: String
    public var title: LocalizedName
    public var agency: String
    /// `YYYY-MM-DD`.
    public var deadline: String
    public var status: Status
}

/// An ITU core ICT indicator the platform keeps as a time series by region.
public struct ICTIndicator: Sendable, Equatable {
    /// The ITU code (`HH6`, `i271mw`).
    public var code: String
    public var title: LocalizedName
    public var unit: IndicatorUnit

    /// The ITU core indicators kept (Manual for Measuring ICT Access and Use by Households and
    /// Individuals; World Telecommunication/ICT Indicators).
    public static let all: [ICTIndicator] = [
        .init(
            code: "HH6",
            title: .init(
                ky: "Интернети бар үй чарбалары", ru: "Домохозяйства с доступом в интернет",
                en: "Households with internet access"),
            unit: .percent),
        .init(
            code: "HH7",
            title: .init(
                ky: "Интернетти колдонгон адамдар", ru: "Лица, пользующиеся интернетом",
                en: "Individuals using the internet"),
            unit: .percent),
        .init(
            code: "HH18",
            title: .init(
                ky: "Мобилдик телефону бар адамдар", ru: "Лица, владеющие мобильным телефоном",
                en: "Individuals owning a mobile phone"),
            unit: .percent),
        .init(
            code: "i271mw",
            title: .init(
                ky: "Мобилдик кеңири тилкелүү жазылуулар (100 тургунга)",
                ru: "Подписки на мобильный широкополосный доступ (на 100 жителей)",
                en: "Active mobile-broadband subscriptions per 100 inhabitants"), unit: .perHundred),
        .init(
            code: "i4213tfbb",
            title: .init(
                ky: "Туруктуу кеңири тилкелүү жазылуулар (100 тургунга)",
                ru: "Подписки на фиксированный широкополосный доступ (на 100 жителей)",
                en: "Fixed-broadband subscriptions per 100 inhabitants"), unit: .perHundred),
    ]
}

/// One figure of an ICT indicator for one region and year.
public struct ICTObservation: Sendable, Equatable {
    public var indicator: String
    public var region: String
    public var year: Int
    public var value: Double

    public init(indicator: String, region: String, year: Int, value: Double) {
        self.indicator = indicator
        self.region = region
        self.year = year
        self.value = value
    }
}

/// Why programme data was refused: field name to problem (a catalog key), as forms show them.
public enum ProgrammeError: Error, Equatable {
    case invalid([String: String])
    case forbidden
    case notFound
    /// A CSV file's first bad line, what is wrong with it (a catalog key) and the value in question.
    case csv(line: Int, problem: String, value: String)
}
