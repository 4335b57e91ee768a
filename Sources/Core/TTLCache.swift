/// Values kept in a node's memory for a short while: reference data read on nearly every request
/// that changes rarely, and whose change must still reach every node within `lifetime`.
///
/// The one time-limited cache of the platform. Ages are measured on the monotonic clock, so a
/// wall-clock step (NTP, a test's fixed clock) neither keeps a value forever nor drops it early.
public actor TTLCache<Key: Hashable & Sendable, Value: Sendable> {
    private var items: [Key: (value: Value, storedAt: ContinuousClock.Instant)] = [:]
    /// Loads under way: a miss that finds one waits for it instead of loading the same again.
    private var loading: [Key: Task<Value, any Error>] = [:]
    private let lifetime: Duration
    private let capacity: Int

    /// A cache whose values live `lifetime`; past `capacity` entries it starts afresh (bounded memory).
    public init(lifetime: Duration, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The value under `key` if it is still fresh.
    public func value(for key: Key) -> Value? {
        guard let item = items[key], item.storedAt.duration(to: .now) < lifetime else { return nil }
        return item.value
    }

    /// Keeps `value` under `key` from now on.
    public func store(_ value: Value, for key: Key) {
        if items.count >= capacity { items = [:] }
        items[key] = (value, .now)
    }

    /// The fresh value under `key`, or what `load` gives (then kept). `refresh` skips the kept one.
    /// Callers that miss together share one load: when a value that is costly to make (one that
    /// reads every row of a table) goes stale under load, it is made once, not once per request.
    public func value(
        for key: Key, refresh: Bool = false, _ load: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        if !refresh, let kept = value(for: key) { return kept }
        let task: Task<Value, any Error>
        if !refresh, let pending = loading[key] {
            task = pending
        } else {
            task = Task { try await load() }
            loading[key] = task
        }
        do {
            let fresh = try await task.value
            if loading[key] == task {
                loading[key] = nil
                store(fresh, for: key)
            }
            return fresh
        } catch {
            if loading[key] == task { loading[key] = nil }
            throw error
        }
    }

    /// Forgets `key`, so the next read loads afresh.
    public func remove(_ key: Key) { items[key] = nil }

    /// Forgets everything.
    public func removeAll() { items = [:] }
}
