import Synchronization

/// Which filter indexes this node has made (or is making) on datastore tables, so each is made
/// once and no table gets more than `perTable`: a stranger's odd filters cannot fill the disk.
final class DatastoreIndexes: Sendable {
    /// Indexes per table at most.
    static let perTable = 12
    /// Smaller tables are read whole faster than an index is made.
    static let minimumRows = 20_000

    private let state = Mutex<(names: Set<String>, perTable: [String: Int])>(([], [:]))

    /// True if the caller should make index `name` on `table` (nobody has, and there is room).
    func claim(_ name: String, table: String) -> Bool {
        state.withLock { state in
            guard !state.names.contains(name), state.perTable[table, default: 0] < Self.perTable else { return false }
            state.names.insert(name)
            state.perTable[table, default: 0] += 1
            return true
        }
    }

    /// Forgets a claim whose index could not be made, so a later read tries again.
    func release(_ name: String, table: String) {
        state.withLock { state in
            if state.names.remove(name) != nil { state.perTable[table, default: 1] -= 1 }
        }
    }
}
