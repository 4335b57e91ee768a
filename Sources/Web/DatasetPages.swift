import Core
import Foundation
import OpenData
import Registries

/// The list of datasets: the search form, one page of results, paging.
struct DatasetListPage: Encodable, Sendable {
    struct Item: Encodable, Sendable {
        var title: String
        var link: String
        var publisher: String
        var modified: String
        var formats: String
        var summary: String
    }

    /// A choice of a select box.
    struct Option: Encodable, Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    var q: String
    var countText: String
    var hasResults: Bool
    var results: [Item]
    var organizations: [Option]
    var themes: [Option]
    var previous: String?
    var next: String?

    static func make(
        result: DatasetSearchResult, q: String, organization: String, theme: String, page: Int, pageSize: Int,
        organizations: [DataOrganization], language: Language
    ) -> DatasetListPage {
        let catalog = Catalog.shipped
        let names = Dictionary(organizations.map { ($0.name, $0.title.text(language)) }) { a, _ in a }
        func link(_ page: Int) -> String {
            Route.datasets.path(query: [
                ("q", q), ("organization", organization), ("theme", theme), ("page", String(page)),
            ])
        }
        return DatasetListPage(
            q: q, countText: catalog.count("opendata_count", result.count, language),
            hasResults: !result.datasets.isEmpty,
            results: result.datasets.map { dataset in
                Item(
                    title: dataset.title.text(language), link: Route.dataset.path(dataset.name),
                    publisher: names[dataset.organization] ?? dataset.organization,
                    modified: DisplayTime.dateTime(dataset.modifiedAt, language),
                    formats: Set(dataset.resources.map(\.format)).sorted().joined(separator: ", "),
                    summary: String(dataset.notes.text(language).prefix(240)))
            },
            organizations: organizations.map {
                Option(value: $0.name, label: $0.title.text(language), selected: $0.name == organization)
            },
            themes: DataTheme.codes.map {
                Option(value: $0, label: catalog.text("theme_\($0)", language), selected: $0 == theme)
            },
            previous: page > 1 ? link(page - 1) : nil,
            next: page * pageSize < result.count ? link(page + 1) : nil)
    }
}

/// One dataset (current or a past version): metadata, files, and for loaded tables a preview,
/// a chart, the columns and downloads.
struct DatasetPage: Encodable, Sendable {
    struct ResourceView: Encodable, Sendable {
        var name: String
        var description: String
        var format: String
        var isTable: Bool
        var rows: String
        var csv: String
        var json: String
        var link: String
        var sha256: String
        var columns: [Column]
        var header: [String]
        var preview: [PreviewRow]
        var chartTitle: String
        var chart: String?
    }

    struct Column: Encodable, Sendable {
        var name: String
        var type: String
    }

    struct PreviewRow: Encodable, Sendable {
        var cells: [String]
    }

    struct VersionLink: Encodable, Sendable {
        var number: Int
        var link: String
        var isThis: Bool
    }

    var title: String
    var notes: String
    var publisher: String
    var license: String
    var licenseURL: String
    var tags: [String]
    var themes: [String]
    var modified: String
    var version: Int
    var isOld: Bool
    var oldVersionText: String
    var currentLink: String
    var versionLink: String
    var versions: [VersionLink]
    var maintainer: String
    var frequency: String
    var resources: [ResourceView]
    var apiLink: String
    var dcatJSONLD: String
    var dcatTurtle: String
    var dataPackage: String

    static func make(
        _ dataset: Dataset, organization: DataOrganization?, current: Int, previews: [String: DatastoreRows],
        language: Language
    ) -> DatasetPage {
        let catalog = Catalog.shipped
        let license = DataLicense.named(dataset.licenseID)
        return DatasetPage(
            title: dataset.title.text(language), notes: dataset.notes.text(language),
            publisher: organization?.title.text(language) ?? dataset.organization,
            license: license?.title ?? dataset.licenseID,
            licenseURL: license?.url ?? "", tags: dataset.tags,
            themes: dataset.themes.map { catalog.text("theme_\($0)", language) },
            modified: DisplayTime.dateTime(dataset.modifiedAt, language), version: dataset.version,
            isOld: dataset.version != current,
            oldVersionText: catalog.text("opendata_old_version", language)
                .replacingOccurrences(of: "{version}", with: String(dataset.version))
                .replacingOccurrences(of: "{current}", with: String(current)),
            currentLink: Route.dataset.path(dataset.name),
            versionLink: Route.datasetVersion.path(dataset.name, String(dataset.version)),
            versions: (1...max(1, current)).reversed().map {
                VersionLink(
                    number: $0, link: Route.datasetVersion.path(dataset.name, String($0)), isThis: $0 == dataset.version
                )
            },
            maintainer: dataset.maintainerEmail,
            frequency: dataset.frequency.isEmpty ? "" : catalog.text("frequency_\(dataset.frequency)", language),
            resources: dataset.resources.map { resource(language, $0, previews[$0.id]) },
            apiLink: Route.ckanAction.path("package_show") + "?id=" + dataset.name,
            dcatJSONLD: Route.datasetJSONLD.path(dataset.name), dcatTurtle: Route.datasetTurtle.path(dataset.name),
            dataPackage: Route.dataPackage.path(dataset.name))
    }

    static func resource(_ language: Language, _ resource: DataResource, _ preview: DatastoreRows?) -> ResourceView {
        let catalog = Catalog.shipped
        let fields = resource.datastore?.schema.fields ?? []
        let rows = (preview?.records ?? []).map { PreviewRow(cells: $0.dropFirst().map(OpenDataService.cellText)) }
        var chartTitle = ""
        var chart: String?
        if let label = fields.firstIndex(where: { $0.type == .string }),
            let value = fields.firstIndex(where: { $0.type == .integer || $0.type == .number }), !rows.isEmpty
        {
            chartTitle = catalog.text("opendata_chart", language)
                .replacingOccurrences(of: "{value}", with: fields[value].name)
                .replacingOccurrences(of: "{label}", with: fields[label].name)
            chart = BarChart.svg(
                title: chartTitle,
                rows: rows.map { row in (row.cells[label], Double(row.cells[value]) ?? 0, row.cells[value]) })
        }
        return ResourceView(
            name: resource.name.text(language), description: resource.description.text(language),
            format: resource.format,
            isTable: resource.datastore != nil,
            rows: resource.datastore.map { catalog.count("opendata_rows", $0.rows, language) } ?? "",
            csv: Route.resourceCSV.path(resource.id), json: Route.resourceJSON.path(resource.id), link: resource.url,
            sha256: resource.datastore?.sha256 ?? "",
            columns: fields.map {
                Column(name: $0.name, type: catalog.text("opendata_type_\($0.type.rawValue)", language))
            },
            header: fields.map(\.name), preview: rows, chartTitle: chartTitle, chart: chart)
    }
}
