import Foundation

/// Reads RFC 4180 CSV from a file in chunks, so a file of millions of rows never sits in memory.
/// Quoted fields may hold commas, doubled quotes and line breaks; a UTF-8 byte-order mark is skipped.
public struct CSVReader: RowSource {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    /// Bytes consumed so far, for progress.
    public private(set) var bytesRead = 0
    /// The line number of the row last returned (a quoted line break makes a row span lines).
    public private(set) var line = 0
    private var physicalLine = 1
    private var scratch = RawRow()

    public init(url: URL) throws {
        handle = try FileHandle(forReadingFrom: url)
        refill()
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    private mutating func refill() {
        let chunk = (try? handle.read(upToCount: 4 << 20)) ?? nil
        guard let chunk, !chunk.isEmpty else {
            atEnd = true
            return
        }
        buffer.removeFirst(position)
        position = 0
        buffer.append(contentsOf: chunk)
    }

    /// The next row's fields, or nil at the end of the file. Throws on an unterminated quote and on
    /// bytes that are not UTF-8 (a file saved as Windows-1251, say): such a file is refused, never
    /// stored with replacement characters.
    public mutating func row() throws -> [String]? {
        var raw = scratch
        scratch = RawRow()  // keeps one owner of the storage, so it is reused without copying
        defer { scratch = raw }
        guard try next(into: &raw) else { return nil }
        // `String(decoding:)` has the standard library's fast path (`String(validating:)` is generic
        // and showed in profiles of big loads); it repairs bad bytes, so a row that is not plain
        // ASCII must decode back to exactly its bytes.
        let ascii = !raw.bytes.contains(where: { $0 >= 0x80 })
        return try raw.bytes.withUnsafeBufferPointer { bytes in
            try (0..<raw.count).map { i in
                let field = UnsafeBufferPointer(rebasing: bytes[raw.range(of: i)])
                let text = String(decoding: field, as: UTF8.self)
                guard ascii || text.utf8.elementsEqual(field) else { throw CSVError.notUTF8(line: line) }
                return text
            }
        }
    }

    /// Reads the next row's bytes into `row` (reusing its storage), without making strings: for
    /// passes over big files that only look at the bytes. False at the end of the file.
    public mutating func next(into row: inout RawRow) throws -> Bool {
        row.bytes.removeAll(keepingCapacity: true)
        row.ends.removeAll(keepingCapacity: true)
        var quoted = false
        var quoteInQuoted = false  // a quote inside quotes: doubled ("") or the closing one
        var fieldStart = 0
        var sawAny = false
        var lines = physicalLine
        line = physicalLine
        while true {
            if position >= buffer.count {
                if atEnd { break }
                refill()
                if position >= buffer.count { break }
            }
            // One tight pass over the buffered bytes (this loop reads every byte of a big import).
            var i = position
            var ended = false
            buffer.withUnsafeBufferPointer { bytes in
                while i < bytes.count {
                    let byte = bytes[i]
                    i += 1
                    sawAny = true
                    if quoteInQuoted {
                        quoteInQuoted = false
                        if byte == 0x22 {
                            row.bytes.append(0x22)
                            continue
                        }
                        quoted = false
                    }
                    if quoted {
                        if byte == 0x22 {
                            quoteInQuoted = true
                            continue
                        }
                        if byte == 0x0A { lines += 1 }
                        row.bytes.append(byte)
                        continue
                    }
                    switch byte {
                    case 0x22 where row.bytes.count == fieldStart: quoted = true
                    case 0x2C:
                        row.ends.append(row.bytes.count)
                        fieldStart = row.bytes.count
                    case 0x0D: break
                    case 0x0A:
                        lines += 1
                        ended = true
                        return
                    default: row.bytes.append(byte)
                    }
                }
            }
            bytesRead += i - position
            position = i
            if ended {
                physicalLine = lines
                row.ends.append(row.bytes.count)
                return true
            }
        }
        physicalLine = lines
        if quoteInQuoted { quoted = false }
        if quoted { throw CSVError.unterminatedQuote(line: line) }
        guard sawAny else { return false }
        row.ends.append(row.bytes.count)
        return true
    }

    /// The file's size in bytes, for a progress bar.
    public static func size(of url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber)?.intValue ?? 0
    }
}

/// One CSV row as bytes: every field's bytes back to back, and where each field ends.
public struct RawRow: Sendable {
    public var bytes: [UInt8] = []
    public var ends: [Int] = []

    public init() {}

    /// How many fields the row has.
    public var count: Int { ends.count }

    /// Where field `i` lies in `bytes`.
    public func range(of i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }

    /// True for the empty line (one empty field).
    public var isBlank: Bool { ends.count == 1 && bytes.isEmpty }
}

/// A CSV file that cannot be read at all.
public enum CSVError: Error, Equatable {
    case unterminatedQuote(line: Int)
    /// The row holds bytes that are not UTF-8.
    case notUTF8(line: Int)
}

/// Writes CSV cells, quoting only where needed.
public enum CSVWriter {
    /// One CSV line (RFC 4180), the cells exactly as given: data meant to be imported again.
    public static func line(_ cells: [String]) -> String {
        cells.map(quoted).joined(separator: ",") + "\r\n"
    }

    /// One CSV line for people to open in a spreadsheet: a cell that a spreadsheet would take for a
    /// formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, so
    /// `=HYPERLINK(…)` in someone's data shows as text instead of running (OWASP's advice).
    public static func spreadsheetLine(_ cells: [String]) -> String {
        cells.map { cell in
            guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else {
                return quoted(cell)
            }
            return quoted("'" + cell)
        }.joined(separator: ",") + "\r\n"
    }

    static func quoted(_ cell: String) -> String {
        cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
    }
}

/// Rows of text cells, one after another: a CSV file or a list in memory.
public protocol RowSource {
    /// The next row, or nil at the end.
    mutating func row() throws -> [String]?
    /// The line the last row started on (the header is line 1).
    var line: Int { get }
    /// How far through the input, in bytes (or rows, for a list).
    var bytesRead: Int { get }
}

/// Rows already in memory.
struct RowList: RowSource {
    let rows: [[String]]
    var line = 0
    var bytesRead: Int { line }

    mutating func row() throws -> [String]? {
        guard line < rows.count else { return nil }
        line += 1
        return rows[line - 1]
    }
}
