import Crypto
import Foundation
import Registries

/// Reads a CSV file for the datastore in two streaming passes: the first checks every row and
/// infers (or checks against a given) Table Schema, the second converts and stores. Nothing is
/// stored unless the whole file is good, and the file is never held in memory.
public struct DatastoreLoader: Sendable {
    /// The largest file accepted, in bytes.
    public var maximumBytes: Int
    /// At most this many columns.
    public static let maximumColumns = 200
    /// Rows per store call.
    static let chunkRows = 30_000

    public init(maximumBytes: Int) { self.maximumBytes = maximumBytes }

    /// What the first pass learned.
    public struct Survey: Sendable {
        public var schema: TableSchema
        public var rows: Int
        public var bytes: Int
        public var sha256: String
    }

    /// Checks the file and gives its schema: `given` if set (every value must fit it), else inferred.
    public func survey(
        _ file: URL, given: TableSchema?, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws(OpenDataError) -> Survey {
        let bytes = CSVReader.size(of: file)
        guard bytes <= maximumBytes else {
            throw .validation(["upload": ["The file is larger than \(maximumBytes / 1_048_576) MiB."]])
        }
        // The file's digest is computed on another core while this one checks the rows.
        let digest = Task.detached { try Self.digest(file) }
        defer { digest.cancel() }
        do {
            var reader = try CSVReader(url: file)
            guard let header = try reader.row(), !(header.count == 1 && header[0].isEmpty) else {
                throw OpenDataError.validation(["upload": ["The file is empty: the first line must name the columns."]])
            }
            try Self.check(header: header, against: given)
            var inference = SchemaInference(header: header)
            var rows = 0
            var row = RawRow()
            while try reader.next(into: &row) {
                if row.isBlank { continue }
                guard row.count == header.count else {
                    throw OpenDataError.validation([
                        "upload": [
                            "Line \(reader.line): \(row.count) values where the header names \(header.count) columns."
                        ]
                    ])
                }
                // Plain ASCII is UTF-8; anything else is checked (the load checks each field again).
                if row.bytes.contains(where: { $0 >= 0x80 }) && String(validating: row.bytes, as: UTF8.self) == nil {
                    throw CSVError.notUTF8(line: reader.line)
                }
                if let given {
                    for (i, field) in given.fields.enumerated() where !field.type.accepts(row.bytes[row.range(of: i)]) {
                        let value = String(decoding: row.bytes[row.range(of: i)].prefix(40), as: UTF8.self)
                        throw OpenDataError.validation([
                            "upload": [
                                "Line \(reader.line), column \"\(field.name)\": \"\(value)\" is not a \(field.type.rawValue)."
                            ]
                        ])
                    }
                } else {
                    inference.observe(row)
                }
                rows += 1
                if rows % 50_000 == 0 { progress?(reader.bytesRead, bytes * 2) }
            }
            return Survey(schema: given ?? inference.schema, rows: rows, bytes: bytes, sha256: try await digest.value)
        } catch let error as OpenDataError {
            throw error
        } catch CSVError.unterminatedQuote(let line) {
            throw .validation(["upload": ["Line \(line): a quoted value is not closed."]])
        } catch CSVError.notUTF8(let line) {
            throw .validation([
                "upload": ["Line \(line): the file is not UTF-8 text. Save it as CSV UTF-8 and try again."]
            ])
        } catch {
            throw .validation(["upload": ["The file cannot be read."]])
        }
    }

    static func check(header: [String], against given: TableSchema?) throws(OpenDataError) {
        guard header.count <= maximumColumns else {
            throw .validation(["upload": ["More than \(maximumColumns) columns."]])
        }
        for (i, name) in header.enumerated() {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 100 else {
                throw .validation(["upload": ["Column \(i + 1) needs a name of 1–100 characters in the first line."]])
            }
            guard name != "_id", header.firstIndex(of: name) == i else {
                throw .validation(["upload": ["The column name \"\(name)\" is used twice or reserved."]])
            }
        }
        if let given, given.fields.map(\.name) != header {
            throw .validation(["schema": ["The schema's fields must be the file's columns, in the same order."]])
        }
    }

    /// Streams the file's rows to `store` in chunks (the second pass; the survey has checked them).
    public func load(
        _ file: URL, survey: Survey, into table: DatastoreTableName, store: any OpenDataStore,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws {
        var reader = try CSVReader(url: file)
        _ = try reader.row()
        let types = survey.schema.fields.map(\.type)
        var chunk: [[DatastoreCell]] = []
        chunk.reserveCapacity(Self.chunkRows)
        var stored = 0
        var row = RawRow()
        // Parsing the next chunk overlaps storing the last one: the parser and the database each
        // keep a core busy.
        var storing: Task<Void, any Error>?
        do {
            while try reader.next(into: &row) {
                if row.isBlank { continue }
                // The survey counted every row's cells; a file changed since is refused, not trusted.
                guard row.count == types.count else {
                    throw OpenDataError.validation([
                        "upload": ["Line \(reader.line): the file changed while it was loaded."]
                    ])
                }
                // Cells are typed straight from their bytes: no string is made for a number.
                let ascii = !row.bytes.contains { $0 >= 0x80 }
                let cells = row.bytes.withUnsafeBufferPointer { bytes in
                    types.indices.map { i in
                        DatastoreCell.parse(
                            UnsafeBufferPointer(rebasing: bytes[row.range(of: i)]), types[i], ascii: ascii)
                    }
                }
                // The survey checked whole rows; a field that is UTF-8 only together with its
                // neighbour (a character split by a comma) is caught here, as a bad file.
                guard !cells.contains(nil) else {
                    throw OpenDataError.validation(["upload": ["Line \(reader.line): the file is not UTF-8 text."]])
                }
                chunk.append(cells.map { $0 ?? .null })
                if chunk.count == Self.chunkRows {
                    try await storing?.value
                    storing = Self.store(chunk, table: table, columns: types.count, store: store, firstID: stored + 1)
                    stored += chunk.count
                    chunk = []
                    chunk.reserveCapacity(Self.chunkRows)
                    progress?(survey.bytes + reader.bytesRead, survey.bytes * 2)
                }
            }
            try await storing?.value
        } catch {
            // Never leave a write running on the table the caller is about to drop.
            _ = try? await storing?.value
            throw error
        }
        try await store.append(chunk, to: table, columns: types.count, firstID: stored + 1)
        progress?(survey.bytes * 2, survey.bytes * 2)
    }

    private static func store(
        _ rows: [[DatastoreCell]], table: DatastoreTableName, columns: Int, store: any OpenDataStore, firstID: Int
    ) -> Task<Void, any Error> {
        Task { try await store.append(rows, to: table, columns: columns, firstID: firstID) }
    }

    static func digest(_ file: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hash = SHA256()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { hash.update(data: chunk) }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
