import Foundation

/// Keeps the registry catalogue for a few seconds per node; a name or version it does not know
/// makes it reload at once, so a schema published on another node is usable immediately.
actor CatalogueCache {
    private var cached: (value: RegistryCatalogue, at: Date)?
    private let lifetime: TimeInterval = 5

    func get(refresh: Bool = false, _ load: @Sendable () async throws -> RegistryCatalogue) async throws
        -> RegistryCatalogue
    {
        if !refresh, let cached, Date().timeIntervalSince(cached.at) < lifetime { return cached.value }
        let fresh = try await load()
        cached = (fresh, Date())
        return fresh
    }

    func invalidate() { cached = nil }
}
