import Core
import Foundation
import Hummingbird
import Identity
import Services

/// The public dashboard of service performance: applications by service and agency, median time
/// to decision, share decided within the legal deadline, backlog, ratings — as SVG charts and JSON.
struct PerformanceController: Sendable {
    let identity: IdentityService
    let applications: ApplicationService
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.performance.pattern, use: page)
        router.get(Route.performanceJSON.pattern, use: json)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let statistics = try await applications.statistics()
        let services = try await applications.catalogue.all()
        let agencies = try await identity.agencies()
        let language = context.language
        let t = { (key: String) in pages.text(key, language) }
        let name = { (id: String) in services.first { $0.id == id }?.title.text(language) ?? id }
        let byAgency = Dictionary(grouping: statistics, by: \.agency).map { code, rows in
            (agencies.first { $0.code == code }?.name.text(language) ?? code, rows.reduce(0) { $0 + $1.applications })
        }.sorted { ($0.1, $0.0) > ($1.1, $1.0) }
        let percent = { (value: Double?) in value.map { String(format: "%.0f%%", $0 * 100) } ?? "—" }
        let rows = statistics.map { s in
            PerformancePage.Row(
                service: name(s.serviceID), applications: s.applications, decided: s.decided, backlog: s.backlog,
                withdrawn: s.withdrawn,
                median: s.medianDaysToDecision.map { language.number($0, maximumFractionDigits: 1) } ?? "—",
                within: percent(s.withinDeadline),
                rating: s.averageRating.map {
                    language.number($0, maximumFractionDigits: 1) + " (" + language.number(s.ratings) + ")"
                } ?? "—")
        }
        let charts: [(String, String)] = [
            (
                t("performance_chart_applications"),
                BarChart.svg(
                    title: t("performance_chart_applications"),
                    rows: statistics.map { (name($0.serviceID), Double($0.applications), String($0.applications)) })
            ),
            (
                t("performance_chart_agencies"),
                BarChart.svg(
                    title: t("performance_chart_agencies"), rows: byAgency.map { ($0.0, Double($0.1), String($0.1)) })
            ),
            (
                t("performance_chart_deadline"),
                BarChart.svg(
                    title: t("performance_chart_deadline"),
                    rows: statistics.map { (name($0.serviceID), $0.withinDeadline ?? 0, percent($0.withinDeadline)) },
                    maximum: 1)
            ),
            (
                t("performance_chart_backlog"),
                BarChart.svg(
                    title: t("performance_chart_backlog"),
                    rows: statistics.map { (name($0.serviceID), Double($0.backlog), String($0.backlog)) })
            ),
        ]
        return pages.render(
            "performance", titleKey: "performance_heading", request: request, context: context,
            page: PerformancePage(rows: rows, charts: charts.map { PerformancePage.Chart(title: $0.0, svg: $0.1) }))
    }

    @Sendable func json(_ request: Request, context: AppRequestContext) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let body = try encoder.encode(["services": try await applications.statistics()])
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=60"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The public performance dashboard: figures per service and charts.
struct PerformancePage: Encodable, Sendable {
    /// One service's figures.
    struct Row: Encodable, Sendable {
        var service: String
        var applications: Int
        var decided: Int
        var backlog: Int
        var withdrawn: Int
        var median: String
        var within: String
        var rating: String
    }
    /// A server-rendered SVG chart.
    struct Chart: Encodable, Sendable {
        var title: String
        var svg: String
    }
    var rows: [Row]
    var charts: [Chart]
}
