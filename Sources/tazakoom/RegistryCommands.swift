import App
import ArgumentParser
import Core
import Foundation
import Identity
import Logging
import Registries
import Web

/// `tazakoom import registry NAME FILE.csv`: bulk load, all or nothing.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Bulk-load data.", subcommands: [ImportRegistry.self, ImportDataset.self])

    struct ImportRegistry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "registry",
            abstract: "Import a CSV file (header row = field names) into a registry.",
            discussion: """
                Every row is checked against the registry's newest schema, for duplicate keys and for references. \
                If any row is refused nothing is stored, and the refused rows are listed (and written to FILE.rejected.csv). \
                A successful import is one ledger entry naming the file's SHA-256.
                """)

        @Argument(help: "Registry name, e.g. population.") var name: String
        @Argument(help: "CSV file, UTF-8, comma-separated, RFC 4180 quoting.") var file: String
        @Option(help: "Why the data is loaded; kept in each record's history.") var reason = "bulk import"
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let platform = try await RegistryCommands.open(database.resolved)
            let url = URL(fileURLWithPath: file)
            guard FileManager.default.isReadableFile(atPath: url.path) else {
                await platform.database.shutdown()
                throw ValidationError("cannot read \(file)")
            }
            let progress = Progress()
            let started = ContinuousClock.now
            do {
                let owner = try await platform.registries.registry(name).ownerAgency
                let report = try await platform.importer.importCSV(name, from: url, reason: reason, by: .agency(owner))
                { bytes, size, rows in
                    let rate = Int(Double(rows) / max(started.duration(to: .now).inSeconds, 0.001))
                    progress.draw(bytes, size, "\(rows) rows, \(rate) rows/s")
                }
                progress.finish()
                say(
                    "Imported \(report.imported) rows into \(name) in \(String(format: "%.1f", report.seconds)) s (\(Int(Double(report.imported) / max(report.seconds, 0.001))) rows/s); ledger entry \(report.ledgerIndex.map(String.init) ?? "-")."
                )
                await platform.database.shutdown()
            } catch RegistryError.importRejected(let report) {
                progress.finish()
                await platform.database.shutdown()
                let rejectedFile = file + ".rejected.csv"
                let lines =
                    [CSVWriter.line(["line", "field", "problem"])]
                    + report.rejected.map {
                        CSVWriter.line([String($0.line), $0.field, Catalog.shipped.text($0.messageKey, .en)])
                    }
                FileManager.default.createFile(atPath: rejectedFile, contents: Data(lines.joined().utf8))
                say(
                    "Nothing imported: \(report.rejectedCount) problem(s) in \(report.rows) rows. Refused rows are listed in \(rejectedFile):"
                )
                for rejection in report.rejected.prefix(20) {
                    say(
                        "  line \(rejection.line)\(rejection.field.isEmpty ? "" : ", \(rejection.field)"): \(Catalog.shipped.text(rejection.messageKey, .en))"
                    )
                }
                throw ExitCode(2)
            } catch DomainError.notFound {
                await platform.database.shutdown()
                throw ValidationError("no registry called \(name)")
            } catch {
                progress.finish()
                await platform.database.shutdown()
                throw error
            }
        }
    }
}

/// `tazakoom export registry NAME FILE.csv`: every live record, columns in schema order.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Dump data.", subcommands: [ExportRegistry.self])

    struct ExportRegistry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "registry", abstract: "Export a registry's live records as CSV.")

        @Argument(help: "Registry name.") var name: String
        @Argument(help: "CSV file to write.") var file: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let platform = try await RegistryCommands.open(database.resolved)
            do {
                let count = try await platform.importer.exportCSV(name, to: URL(fileURLWithPath: file)) { count in
                    FileHandle.standardError.write(Data("\r\(count) records".utf8))
                }
                FileHandle.standardError.write(Data("\n".utf8))
                say("Exported \(count) records of \(name) to \(file).")
                await platform.database.shutdown()
            } catch {
                await platform.database.shutdown()
                throw error
            }
        }
    }
}

enum RegistryCommands {
    /// The platform's services on `databaseURL`, migrated, without demo data or a web server.
    static func open(_ databaseURL: String) async throws -> Platform {
        var logger = Logger(label: "tazakoom.registry")
        logger.logLevel = .warning
        return try await Platform.start(AppConfiguration(databaseURL: databaseURL, seedDemoData: false), logger: logger)
    }
}
