import App
import ArgumentParser
import Core
import Foundation
import OpenData

extension ImportCommand {
    /// `tazakoom import dataset FILE.csv --name NAME --organization ORG --title TITLE`: loads a CSV
    /// into the open-data datastore as a new resource of a dataset (made first if it does not exist).
    struct ImportDataset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dataset",
            abstract: "Load a CSV file into the open-data portal as a table of a dataset.",
            discussion: """
                The file is read twice, streaming: first to check every row and infer column types (or check them \
                against --schema, a Frictionless Table Schema), then to load. A bad file loads nothing. \
                The dataset is made if it does not exist yet; each load is a new dataset version and a ledger entry.
                """)

        @Argument(help: "CSV file, UTF-8, comma-separated, header row first.") var file: String
        @Option(help: "The dataset's URL name (a–z, 0–9, - and _).") var name: String
        @Option(help: "Publishing organization (an agency code in lower case, e.g. moh).") var organization: String
        @Option(help: "Title of a new dataset (English; use the portal or the API for other languages).")
        var title: String?
        @Option(help: "Licence of a new dataset.") var license = "CC-BY-4.0"
        @Option(help: "Name of the resource (the table).") var resourceName: String?
        @Option(help: "A Table Schema JSON file with the columns' types; inferred when absent.") var schema: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let url = URL(fileURLWithPath: file)
            guard FileManager.default.isReadableFile(atPath: url.path) else {
                throw ValidationError("cannot read \(file)")
            }
            let given = try schema.map { path in
                do {
                    return try JSONDecoder().decode(
                        TableSchema.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
                } catch {
                    throw ValidationError("\(path) is not a Table Schema: {\"fields\": [{\"name\": …, \"type\": …}]}")
                }
            }
            let platform = try await RegistryCommands.open(database.resolved)
            let openData = platform.web.openData
            let progress = Progress()
            do {
                let owner = try await openData.organization(organization)
                let publisher = Publisher(agencyCode: owner.agencyCode, actor: "agency:\(owner.agencyCode)")
                if (try? await openData.dataset(name)) == nil {
                    _ = try await openData.create(
                        DatasetInput(
                            name: name, title: TranslatedText(["en": title ?? name]), organization: owner.name,
                            licenseID: license),
                        by: publisher)
                }
                let started = ContinuousClock.now
                let (dataset, resource) = try await openData.addResource(
                    to: name,
                    ResourceInput(
                        name: TranslatedText(["en": resourceName ?? url.deletingPathExtension().lastPathComponent]),
                        format: "CSV"),
                    file: url, schema: given, by: publisher
                ) { done, total in
                    progress.draw(done, total, done * 2 < total ? "checking" : "loading")
                }
                progress.finish()
                let seconds = started.duration(to: .now).inSeconds
                let rows = resource.datastore?.rows ?? 0
                say(
                    "Loaded \(rows) rows into \(dataset.name) (version \(dataset.version), resource \(resource.id)) in \(String(format: "%.1f", seconds)) s (\(Int(Double(rows) / max(seconds, 0.001))) rows/s)."
                )
                say(
                    "Columns: "
                        + (resource.datastore?.schema.fields.map { "\($0.name) (\($0.type.rawValue))" }.joined(
                            separator: ", ") ?? ""))
                await platform.database.shutdown()
            } catch let error as OpenDataError {
                progress.finish()
                await platform.database.shutdown()
                say("Nothing loaded: " + Self.describe(error))
                throw ExitCode(2)
            } catch {
                progress.finish()
                await platform.database.shutdown()
                throw error
            }
        }

        static func describe(_ error: OpenDataError) -> String {
            switch error {
            case .notFound(let message), .notAuthorized(let message), .searchQuery(let message),
                .badRequest(let message):
                return message
            case .validation(let problems):
                return problems.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.joined(separator: " "))" }
                    .joined(separator: "; ")
            }
        }
    }
}
