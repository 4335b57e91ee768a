import Core
import Foundation

/// What a reader asks of the ledger explorer: a page of entries, newest first, optionally of one
/// kind or one day.
public struct LedgerQuery: Sendable, Equatable {
    /// Show entries below this index (the next page starts where the last one ended); nil: the newest.
    public var before: Int?
    /// Only entries of this kind (`document.issued`), or of kinds starting with it and a dot (`workflow.case`).
    public var kind: String?
    /// Only entries written on this day in Bishkek.
    public var day: CalendarDate?
    /// How many entries a page shows.
    public var limit: Int

    public init(before: Int? = nil, kind: String? = nil, day: CalendarDate? = nil, limit: Int = 25) {
        self.before = before
        self.kind = kind
        self.day = day
        self.limit = limit
    }
}

/// One page of the explorer: the entries found, newest first, and where the next (older) page starts.
public struct LedgerBrowsePage: Sendable {
    /// The entries found, newest first.
    public var entries: [(index: Int, event: LedgerEvent)]
    /// The `before` of the next page, or nil when nothing older matches the query.
    public var older: Int?
    /// The lowest index looked at: a kind filter reads a bounded stretch of the log per page, so a
    /// page may hold fewer entries than asked and still have older ones to come.
    public var searchedDownTo: Int
}

extension LedgerService {
    /// Entries read per page at most when filtering by kind: the cost of a page stays bounded
    /// however rare the kind is; the reader goes on with "older".
    static let browseWindow = 5_000

    /// A page of entries for the explorer (see `LedgerQuery`).
    public func browse(_ query: LedgerQuery) async throws -> LedgerBrowsePage {
        let size = try await head().size
        var lower = 0
        var upper = min(query.before ?? size, size)
        if let day = query.day {
            let start = (day.dayNumber * 86_400) - CalendarDate.bishkekOffsetSeconds
            lower = try await firstIndex(writtenAtOrAfter: start, size: size)
            upper = min(upper, try await firstIndex(writtenAtOrAfter: start + 86_400, size: size))
        }
        var found: [(index: Int, event: LedgerEvent)] = []
        var cursor = upper
        let floor = query.kind == nil ? lower : max(lower, upper - Self.browseWindow)
        while cursor > floor && found.count < query.limit {
            let chunk = query.kind == nil ? query.limit - found.count : 500
            let from = max(floor, cursor - chunk)
            let count = cursor - from
            let rows = try await database.withConnection { sql in
                try await self.store.entries(sql, from: from, limit: count)
            }
            for row in rows.reversed() {
                cursor = row.index
                guard let event = try? LedgerEvent(canonical: row.body) else { continue }
                if let kind = query.kind, event.kind != kind && !event.kind.hasPrefix(kind + ".") { continue }
                found.append((row.index, event))
                if found.count == query.limit { break }
            }
            if rows.isEmpty { cursor = from }
        }
        return LedgerBrowsePage(entries: found, older: cursor > lower ? cursor : nil, searchedDownTo: cursor)
    }

    /// The first index whose entry was written at or after `time` (entries are appended in time
    /// order), by binary search: about 25 reads on a log of ten million entries.
    func firstIndex(writtenAtOrAfter time: Int, size: Int) async throws -> Int {
        var low = 0
        var high = size
        while low < high {
            let middle = low + (high - low) / 2
            if try await entry(at: middle).event.time < time { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
