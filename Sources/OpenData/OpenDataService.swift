import Core
import Foundation
import Ledger
import Registries

/// The open-data portal's operations: publishing datasets and resources, loading data into the
/// datastore, and searching both. Every write is a new dataset version and a ledger entry.
public struct OpenDataService: Sendable {
    public let store: any OpenDataStore
    public let loader: DatastoreLoader
    let clock: Clock

    public init(store: any OpenDataStore, maximumUploadBytes: Int = 512 << 20, clock: Clock = .system) {
        self.store = store
        self.loader = DatastoreLoader(maximumBytes: maximumUploadBytes)
        self.clock = clock
    }

    /// Makes sure each agency has its organization (name, titles); run at start-up.
    public func ensure(_ organizations: [DataOrganization]) async throws {
        let now = clock.seconds
        for organization in organizations { try await store.putOrganization(organization, now: now) }
    }

    public func dataset(_ idOrName: String) async throws(OpenDataError) -> Dataset {
        guard let dataset = try? await store.dataset(idOrName) else { throw .notFound("Dataset not found") }
        return dataset
    }

    public func dataset(_ idOrName: String, version: Int) async throws(OpenDataError) -> Dataset {
        guard (1...1_000_000).contains(version), let dataset = try? await store.dataset(idOrName, version: version)
        else {
            throw .notFound("Dataset version not found")
        }
        return dataset
    }

    /// The resource `id` and its dataset.
    public func resource(_ id: String) async throws(OpenDataError) -> (DataResource, Dataset) {
        guard let datasetID = try? await store.datasetID(ofResource: id),
            let dataset = try? await store.dataset(datasetID),
            let resource = dataset.resources.first(where: { $0.id == id })
        else { throw .notFound("Resource not found") }
        return (resource, dataset)
    }

    /// Publishes a new dataset in `input.organization`, which must be the publisher's agency's.
    public func create(_ input: DatasetInput, by publisher: Publisher) async throws -> Dataset {
        let now = clock.seconds
        var dataset = Dataset(
            id: UUID().uuidString.lowercased(), name: input.name ?? "", organization: input.organization ?? "",
            title: input.title ?? TranslatedText([:]), notes: input.notes ?? TranslatedText([:]),
            licenseID: input.licenseID ?? "", themes: input.themes ?? [], tags: input.tags ?? [],
            maintainerEmail: input.maintainerEmail ?? "", frequency: input.frequency ?? "", createdAt: now,
            modifiedAt: now)
        dataset.organization = try await authorizedOrganization(dataset.organization, publisher)
        try validate(dataset)
        if try await store.dataset(dataset.name) != nil {
            throw OpenDataError.validation(["name": ["That URL is already in use."]])
        }
        // Saving fails only if someone took the name meanwhile.
        try await save(dataset, "opendata.dataset.created", publisher, or: ["name": ["That URL is already in use."]])
        return dataset
    }

    /// Changes the fields `input` gives, as a new version; the publisher's agency must own the
    /// dataset (and the organization it moves to).
    public func update(_ idOrName: String, _ input: DatasetInput, by publisher: Publisher) async throws -> Dataset {
        var dataset = try await dataset(idOrName)
        _ = try await authorizedOrganization(dataset.organization, publisher)
        if let name = input.name, name != dataset.name {
            if try await store.dataset(name) != nil {
                throw OpenDataError.validation(["name": ["That URL is already in use."]])
            }
            dataset.name = name
        }
        if let organization = input.organization {
            dataset.organization = try await authorizedOrganization(organization, publisher)
        }
        if let title = input.title { dataset.title = title }
        if let notes = input.notes { dataset.notes = notes }
        if let license = input.licenseID { dataset.licenseID = license }
        if let tags = input.tags { dataset.tags = tags }
        if let themes = input.themes { dataset.themes = themes }
        if let email = input.maintainerEmail { dataset.maintainerEmail = email }
        if let frequency = input.frequency { dataset.frequency = frequency }
        try validate(dataset)
        dataset.version += 1
        dataset.modifiedAt = clock.seconds
        try await save(dataset, "opendata.dataset.updated", publisher)
        return dataset
    }

    /// Adds a link resource, or a CSV file loaded into the datastore (with `schema`, or a schema
    /// inferred from the file), as the dataset's next version. A bad file stores nothing.
    public func addResource(
        to idOrName: String, _ input: ResourceInput, file: URL?, schema: TableSchema? = nil, replacing: Bool = false,
        by publisher: Publisher, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> (Dataset, DataResource) {
        var dataset = try await dataset(idOrName)
        _ = try await authorizedOrganization(dataset.organization, publisher)
        let problems = input.problems(hasFile: file != nil)
        guard problems.isEmpty else { throw OpenDataError.validation(problems) }
        let now = clock.seconds
        var resource = DataResource(
            id: UUID().uuidString.lowercased(), name: input.name, description: input.description,
            format: file == nil ? input.format.uppercased() : "CSV", url: input.url, createdAt: now, modifiedAt: now)
        dataset.version += 1
        dataset.modifiedAt = now
        guard let file else {
            dataset.resources.append(resource)
            try await save(dataset, "opendata.resource.linked", publisher)
            return (dataset, resource)
        }
        let survey = try await loader.survey(file, given: schema, progress: progress)
        let table = DatastoreTableName(resourceID: resource.id, version: 1)
        let info = DatastoreTable(
            version: 1, schema: survey.schema, rows: survey.rows, bytes: survey.bytes, sha256: survey.sha256)
        resource.datastore = info
        // A replaced table stays in the dataset's earlier versions (and their downloads).
        if replacing { dataset.resources.removeAll() }
        dataset.resources.append(resource)
        try await store.createTable(table, schema: survey.schema)
        do {
            try await loader.load(file, survey: survey, into: table, store: store, progress: progress)
            let loaded = try await store.publish(
                table, info, dataset: dataset, searchText: Self.searchText(dataset),
                event: event("opendata.resource.loaded", dataset, publisher, digest: survey.sha256))
            guard loaded else { throw OpenDataError.validation(Self.changedMeanwhile) }
        } catch {
            // Nothing half-loaded: the table was never visible, and goes.
            try? await store.dropTable(table)
            throw error
        }
        return (dataset, resource)
    }

    /// Publishes `table` as the one table of its dataset in `organization`, making the dataset the
    /// first time; a new version only when the rows changed. Returns whether it published.
    public func publish(_ table: PublishedTable, in organization: String, by publisher: Publisher) async throws -> Bool
    {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tk-publish-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        let text = ([CSVWriter.line(table.columns.map(\.name))] + table.rows.map(CSVWriter.line)).joined()
        try Data(text.utf8).write(to: file)
        let existing = try await store.dataset(table.name)
        if let current = existing?.resources.first?.datastore,
            current.sha256 == (try DatastoreLoader.digest(file))
        {
            return false
        }
        if existing == nil {
            _ = try await create(
                DatasetInput(
                    name: table.name, title: table.title, notes: table.notes, organization: organization,
                    licenseID: "CC-BY-4.0", tags: table.tags, themes: table.themes, frequency: table.frequency),
                by: publisher)
        }
        _ = try await addResource(
            to: table.name, ResourceInput(name: table.title, format: "CSV"), file: file,
            schema: TableSchema(fields: table.columns), replacing: true, by: publisher)
        return true
    }

    /// Datasets matching a search.
    public func search(_ search: DatasetSearch) async throws -> DatasetSearchResult {
        try await store.search(search)
    }

    public func organizations() async throws -> [DataOrganization] { try await store.organizations() }

    public func organization(_ name: String) async throws(OpenDataError) -> DataOrganization {
        guard let organization = try? await store.organization(named: name) else {
            throw .notFound("Organization not found")
        }
        return organization
    }

    func authorizedOrganization(_ name: String, _ publisher: Publisher) async throws -> String {
        guard !name.isEmpty else { throw OpenDataError.validation(["owner_org": ["Missing value"]]) }
        guard let organization = try await store.organization(named: name) else {
            throw OpenDataError.validation(["owner_org": ["Organization does not exist"]])
        }
        guard organization.agencyCode == publisher.agencyCode else {
            throw OpenDataError.notAuthorized("Only \(organization.name)'s own agency may publish there.")
        }
        return organization.name
    }

    /// Checks that `publisher` may change `dataset`.
    func authorized(_ dataset: Dataset, _ publisher: Publisher) async throws -> String {
        try await authorizedOrganization(dataset.organization, publisher)
    }

    /// What a write says when the dataset got a new version between reading and saving it.
    static let changedMeanwhile = ["version": ["The dataset was changed meanwhile; read it again and retry."]]

    /// Saves `dataset` as its version with a ledger entry of `kind`; `problems` if the stored
    /// version moved on meanwhile.
    private func save(
        _ dataset: Dataset, _ kind: String, _ publisher: Publisher, or problems: [String: [String]] = changedMeanwhile
    ) async throws {
        guard
            try await store.save(dataset, searchText: Self.searchText(dataset), event: event(kind, dataset, publisher))
        else { throw OpenDataError.validation(problems) }
    }

    private func validate(_ dataset: Dataset) throws {
        let problems = DatasetInput.problems(of: dataset)
        guard problems.isEmpty else { throw OpenDataError.validation(problems) }
    }

    func event(_ kind: String, _ dataset: Dataset, _ publisher: Publisher, digest: String? = nil) throws
        -> LedgerEvent
    {
        var details = ["dataset": dataset.id, "name": dataset.name, "version": String(dataset.version)]
        details["sha256"] = digest
        return try LedgerEvent(
            kind: kind, actor: publisher.actor, subject: "dataset:\(dataset.id)", time: dataset.modifiedAt,
            details: details)
    }

    /// What full-text search looks in: titles, descriptions and tags in every language, resource names.
    static func searchText(_ dataset: Dataset) -> String {
        ([dataset.name, dataset.title.allText, dataset.notes.allText] + dataset.tags
            + dataset.resources.map(\.name.allText))
            .joined(separator: " ")
    }
}
