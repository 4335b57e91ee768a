import Core
import Foundation
import Storage

/// The published services, kept in memory (they change rarely; a change reaches every node
/// within 30 seconds), with search over their titles and descriptions in all three languages.
public actor ServiceCatalogue {
    private let database: Database
    private let store: any ServicesStore
    private let cache = TTLCache<String, [Service]>(lifetime: .seconds(30))

    /// The catalogue of services stored in `database`.
    public init(database: Database, store: any ServicesStore = SQLServicesStore()) {
        self.database = database
        self.store = store
    }

    /// Every service, in a stable order (life event, then id).
    public func all() async throws -> [Service] {
        try await cache.value(for: "services") { try await self.load() }
    }

    private func load() async throws -> [Service] {
        try await database.withConnection { sql in try await self.store.services(on: sql) }.sorted {
            ($0.lifeEvent, $0.id) < ($1.lifeEvent, $1.id)
        }
    }

    /// One service, or `DomainError.notFound`.
    public func service(_ id: String) async throws -> Service {
        guard let service = try await all().first(where: { $0.id == id }) else { throw DomainError.notFound }
        return service
    }

    /// Publishes (or replaces) a service; its process definitions must be published first.
    public func publish(_ service: Service, at: Int) async throws {
        try await database.withConnection { sql in try await self.store.publish(service, at: at, on: sql) }
        await cache.removeAll()
    }

    /// Services matching every word of `query` in any language, by word form (case, `ё` and
    /// endings ignored: "несудимость" finds "несудимости"), title, summary, description or
    /// keywords, optionally within one life event or agency.
    public func search(_ query: String, lifeEvent: String? = nil, agency: String? = nil) async throws -> [Service] {
        let words = Self.words(query)
        return try await all().filter { service in
            if let lifeEvent, !lifeEvent.isEmpty, service.lifeEvent != lifeEvent { return false }
            if let agency, !agency.isEmpty, service.agency != agency { return false }
            let text = Self.searchWords(service)
            return words.allSatisfy { word in text.contains { Self.sameWord(word, $0) } }
        }
    }

    /// When `query` found nothing: services matching any of its words, the most matched first, so
    /// the page can suggest something instead of an empty list.
    public func suggestions(_ query: String, limit: Int = 3) async throws -> [Service] {
        let words = Self.words(query)
        guard !words.isEmpty else { return [] }
        let scored = try await all().map { service in
            let text = Self.searchWords(service)
            return (service, words.filter { word in text.contains { Self.sameWord(word, $0) } }.count)
        }
        return scored.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }.prefix(limit).map(\.0)
    }

    /// The words of a query that carry meaning: prepositions and other words of one or two
    /// letters ("о", "на", "of") are dropped.
    static func words(_ text: String) -> [String] {
        fold(text).split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init).filter {
            $0.count >= 3 || $0.allSatisfy(\.isNumber)
        }
    }

    static func searchWords(_ service: Service) -> [String] {
        let names = [service.title, service.summary, service.description] + (service.keywords.map { [$0] } ?? [])
        return words(names.flatMap { [$0.ky, $0.ru, $0.en] }.joined(separator: " ") + " " + service.id)
    }

    /// Whether a query word and a word of the text are forms of one word: they share all but the
    /// last two letters of the shorter (at least three), which covers Russian and Kyrgyz endings
    /// ("справка", "справку"; "мектеп", "мектепке") and a word typed in part ("регистр").
    static func sameWord(_ query: String, _ word: String) -> Bool {
        if word.hasPrefix(query) { return true }
        let stem = max(3, min(query.count, word.count) - 2)
        guard query.count >= stem, word.count >= stem else { return false }
        return query.prefix(stem) == word.prefix(stem)
    }

    /// Lower case without diacritics; Kyrgyz letters ө, ү, ң keep their identity (they are not o, y, н with marks).
    static func fold(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: "ё", with: "е")
    }
}
