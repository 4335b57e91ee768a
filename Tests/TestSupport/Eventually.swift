/// Waits until `condition` holds or `limit` has passed, looking every `interval`: for tests that
/// wait on an event another task brings about, on a machine whose speed they cannot know. True
/// when the condition held.
@discardableResult
public func waitUntil(
    within limit: Duration = .seconds(60), every interval: Duration = .milliseconds(10),
    _ condition: () -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try await Task.sleep(for: interval)
    }
    return true
}
