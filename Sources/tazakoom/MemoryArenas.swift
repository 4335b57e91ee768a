import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// glibc gives a thread that meets contention an arena of its own, up to eight per core, and keeps
/// what an arena once held. Under the soak's load of every module a node on PostgreSQL grew by a
/// fifth in ten minutes; with one arena per core (at least two) it stayed within 3% at the same
/// throughput (docs/performance.md, "The soak"). `MALLOC_ARENA_MAX` in the environment wins.
enum MemoryArenas {
    /// Caps the arenas before the server's threads start.
    static func limit() {
        #if canImport(Glibc)
            guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil,
                let symbol = dlsym(nil, "mallopt")  // malloc.h is not in Swift's Glibc module
            else { return }
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            let arenaMaximum: Int32 = -8  // M_ARENA_MAX in malloc.h
            _ = unsafeBitCast(symbol, to: Mallopt.self)(
                arenaMaximum, Int32(max(2, min(ProcessInfo.processInfo.activeProcessorCount, 64))))
        #endif
    }
}
