import Foundation

/// Regions and agencies change once in a long while but are read on nearly every page; this
/// keeps them for a minute per node, so a change reaches every node within that minute.
actor ReferenceCache {
    private var regions: (value: [Region], at: Date)?
    private var agencies: (value: [Agency], at: Date)?
    private let lifetime: TimeInterval = 60

    func regions(_ load: @Sendable () async throws -> [Region]) async throws -> [Region] {
        if let regions, Date().timeIntervalSince(regions.at) < lifetime { return regions.value }
        let fresh = try await load()
        regions = (fresh, Date())
        return fresh
    }

    func agencies(_ load: @Sendable () async throws -> [Agency]) async throws -> [Agency] {
        if let agencies, Date().timeIntervalSince(agencies.at) < lifetime { return agencies.value }
        let fresh = try await load()
        agencies = (fresh, Date())
        return fresh
    }
}
