import Core
import Foundation
import Identity
import Programme

/// `/programme`: the programme's purposes, tasks with their indicators (progress against target)
/// and action-plan items, and ICT statistics by region.
struct ProgrammePage: Encodable, Sendable {
    /// One indicator on the dashboard.
    struct IndicatorRow: Encodable, Sendable {
        var title: String
        var href: String
        var latest: String?
        var period: String?
        var target: String
        var baseline: String
        var source: String
        var progressSVG: String
    }

    /// One action-plan item.
    struct ActionRow: Encodable, Sendable {
        var title: String
        var agency: String
        var deadline: String
        var status: String
    }

    /// A strategic task with its subtasks, indicators and actions.
    struct TaskView: Encodable, Sendable {
        var code: String
        var title: String
        var subtasks: [String]
        var indicators: [IndicatorRow]
        var hasIndicators: Bool
        var actions: [ActionRow]
        var hasActions: Bool
    }

    /// One ITU indicator's latest year by region, as a chart.
    struct ICTChart: Encodable, Sendable {
        var heading: String
        var svg: String
    }

    var purposes: [String]
    var principles: [String]
    var tasks: [TaskView]
    var ict: [ICTChart]
    var hasICT: Bool
    var indicatorsDataset: String
    var ictDataset: String

    static func make(_ overview: ProgrammeService.Overview, regions: [Region], language: Language) -> ProgrammePage {
        let catalog = Catalog.shipped
        let tasks = ProgrammeStructure.tasks.map { task in
            let inTask = { (code: String) in code == task.code || code.hasPrefix(task.code + ".") }
            let indicators = overview.indicators.filter { inTask($0.task) }.map {
                row($0, overview.measurements[$0.code] ?? [], language: language)
            }
            let actions = overview.actions.filter { inTask($0.task) }.map {
                ActionRow(
                    title: "\($0.task) · " + $0.title.text(language), agency: $0.agency,
                    deadline: DisplayTime.date(iso: $0.deadline, language),
                    status: catalog.text("programme_action_\($0.status.rawValue)", language))
            }
            return TaskView(
                code: task.code, title: task.title.text(language),
                subtasks: task.subtasks.map { "\($0.code) " + $0.title.text(language) }, indicators: indicators,
                hasIndicators: !indicators.isEmpty, actions: actions, hasActions: !actions.isEmpty)
        }
        let names = Dictionary(uniqueKeysWithValues: regions.map { ($0.code, $0.name.text(language)) })
        var charts: [ICTChart] = []
        for indicator in ICTIndicator.all {
            let rows = overview.ict.filter { $0.indicator == indicator.code }
            guard let year = rows.map(\.year).max() else { continue }
            let heading = "\(indicator.title.text(language)), \(year)"
            let bars = rows.filter { $0.year == year }.sorted { $0.region < $1.region }.map {
                (
                    label: names[$0.region] ?? $0.region, value: $0.value,
                    text: figure($0.value, indicator.unit, language)
                )
            }
            charts.append(
                ICTChart(
                    heading: heading,
                    svg: BarChart.svg(title: heading, rows: bars, maximum: indicator.unit == .percent ? 100 : nil)))
        }
        return ProgrammePage(
            purposes: ProgrammeStructure.purposes.map { $0.text(language) },
            principles: ProgrammeStructure.principles.map { $0.text(language) }, tasks: tasks, ict: charts,
            hasICT: !charts.isEmpty, indicatorsDataset: Route.dataset.path("programme-indicators"),
            ictDataset: Route.dataset.path("ict-statistics"))
    }

    static func row(_ indicator: Indicator, _ measurements: [Programme.Measurement], language: Language) -> IndicatorRow
    {
        let latest = measurements.max { $0.period < $1.period }
        let title = indicator.title.text(language)
        let progress = latest.map { indicator.progress($0.value) } ?? 0
        return IndicatorRow(
            title: title, href: Route.programmeIndicator.path(indicator.code),
            latest: latest.map { figure($0.value, indicator.unit, language) }, period: latest?.period,
            target: figure(indicator.target, indicator.unit, language),
            baseline: figure(indicator.baseline, indicator.unit, language),
            source: Catalog.shipped.text("programme_source_\(indicator.source.rawValue)", language),
            progressSVG: ProgressBar.svg(
                fraction: progress,
                label: Catalog.shipped.text("programme_progress", language) + " "
                    + String(Int((progress * 100).rounded())) + "%"))
    }

    /// A figure in its unit, in the reader's number format.
    static func figure(_ value: Double, _ unit: IndicatorUnit, _ language: Language) -> String {
        Catalog.shipped.text("programme_unit_\(unit.rawValue)", language).replacingOccurrences(
            of: "{n}", with: language.number(value, maximumFractionDigits: unit == .count ? 0 : 1))
    }
}

/// `/programme/indicators/{code}`: one indicator, how it is computed, its figures over time.
struct IndicatorPage: Encodable, Sendable {
    /// One figure of the history.
    struct Figure: Encodable, Sendable {
        var period: String
        var value: String
        var evidence: String?
    }

    var heading: String
    var task: String
    var method: String
    var source: String
    var agency: String
    var summary: ProgrammePage.IndicatorRow
    var figures: [Figure]
    var hasFigures: Bool
    var chartSVG: String?
    var dataset: String

    static func make(_ indicator: Indicator, _ measurements: [Programme.Measurement], language: Language)
        -> IndicatorPage
    {
        let sorted = measurements.sorted { $0.period < $1.period }
        let title = indicator.title.text(language)
        let task = ProgrammeStructure.tasks.flatMap { [$0] + $0.subtasks }.first { $0.code == indicator.task }
        return IndicatorPage(
            heading: title, task: "\(indicator.task) " + (task?.title.text(language) ?? ""),
            method: indicator.method.text(language),
            source: Catalog.shipped.text("programme_source_\(indicator.source.rawValue)", language),
            agency: indicator.agency, summary: ProgrammePage.row(indicator, measurements, language: language),
            figures: sorted.reversed().map {
                Figure(
                    period: $0.period, value: ProgrammePage.figure($0.value, indicator.unit, language),
                    evidence: $0.evidence.isEmpty ? nil : $0.evidence)
            },
            hasFigures: !sorted.isEmpty,
            chartSVG: sorted.isEmpty
                ? nil
                : BarChart.svg(
                    title: title,
                    rows: sorted.suffix(24).map {
                        (
                            label: $0.period, value: $0.value,
                            text: ProgrammePage.figure($0.value, indicator.unit, language)
                        )
                    }, maximum: max(indicator.target, sorted.map(\.value).max() ?? 0)),
            dataset: Route.dataset.path("programme-indicators"))
    }
}

/// A progress bar as inline SVG, with its figure written beside it (readable without the picture).
enum ProgressBar {
    static func svg(fraction: Double, label: String) -> String {
        let width = 200.0 * max(0, min(1, fraction))
        return """
            <svg class="progress" role="img" aria-label="\(HTML.escape(label))" viewBox="0 0 320 20" width="320" height="20" xmlns="http://www.w3.org/2000/svg"><title>\(HTML.escape(label))</title><rect x="0" y="2" width="200" height="16" fill="#e8eaed" stroke="#1b1f24"></rect><rect x="0" y="2" width="\(String(format: "%.1f", width))" height="16" fill="#0b5394"></rect><text x="208" y="15" font-size="13" fill="#1b1f24">\(HTML.escape(label))</text></svg>
            """
    }
}

/// `/alerts`: alerts in force and of the last 30 days, and those sent to the reader (their inbox).
struct AlertsPage: Encodable, Sendable {
    /// One alert as people read it.
    struct Item: Encodable, Sendable {
        var headline: String
        var instruction: String
        var severity: String
        var category: String
        var regions: String
        var sent: String
        var expires: String
        var active: Bool
        var cap: String
    }

    var items: [Item]
    var hasItems: Bool
    var mine: [Item]
    var hasMine: Bool
    var feed: String

    static func make(
        _ alerts: [EmergencyAlert], mine: [EmergencyAlert], regions: [Region], now: Int, language: Language
    ) -> AlertsPage {
        let items = alerts.map { item($0, regions: regions, now: now, language: language) }
        let own = mine.map { item($0, regions: regions, now: now, language: language) }
        return AlertsPage(
            items: items, hasItems: !items.isEmpty, mine: own, hasMine: !own.isEmpty, feed: Route.alertsAPI.rawValue)
    }

    static func item(_ alert: EmergencyAlert, regions: [Region], now: Int, language: Language) -> Item {
        let names = Dictionary(uniqueKeysWithValues: regions.map { ($0.code, $0.name.text(language)) })
        let text = alert.text(language)
        return Item(
            headline: text.headline, instruction: text.instruction,
            severity: Catalog.shipped.text("alert_severity_\(alert.severity.rawValue.lowercased())", language),
            category: Catalog.shipped.text("alert_category_\(alert.category.rawValue.lowercased())", language),
            regions: alert.regions.map { names[$0] ?? $0 }.joined(separator: ", "),
            sent: DisplayTime.dateTime(alert.sentAt, language),
            expires: DisplayTime.dateTime(alert.expiresAt, language),
            active: alert.isActive(at: now), cap: Route.alertCAP.path(alert.id))
    }
}

/// The banner every page shows while alerts are in force for the reader.
struct AlertBanner: Encodable, Sendable {
    var headline: String
    var instruction: String
    var severity: String
    var regions: String
}
