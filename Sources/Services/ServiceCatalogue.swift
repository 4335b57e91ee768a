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

    /// Services matching every word of `query` in any language (case and diacritics ignored),
    /// optionally within one life event or agency.
    public func search(_ query: String, lifeEvent: String? = nil, agency: String? = nil) async throws -> [Service] {
        let words = Self.fold(query).split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        return try await all().filter { service in
            if let lifeEvent, !lifeEvent.isEmpty, service.lifeEvent != lifeEvent { return false }
            if let agency, !agency.isEmpty, service.agency != agency { return false }
            guard !words.isEmpty else { return true }
            let text = Self.fold(
                [service.title, service.summary, service.description].flatMap { [$0.ky, $0.ru, $0.en] }.joined(
                    separator: " ") + " " + service.id)
            return words.allSatisfy { text.contains($0) }
        }
    }

    /// Lower case without diacritics; Kyrgyz letters ө, ү, ң keep their identity (they are not o, y, н with marks).
    static func fold(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: "ё", with: "е")
    }
}
