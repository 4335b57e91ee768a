import ServiceLifecycle

/// Runs `body` every `seconds` until the service group shuts down: first after one interval, or at
/// once when `startNow`. With 0 seconds it only waits for shutdown, since a service that returns
/// early ends the whole group.
func repeatUntilShutdown(
    everySeconds seconds: Int, startNow: Bool = false, _ body: @escaping @Sendable () async -> Void
)
    async
{
    guard seconds > 0 else {
        try? await gracefulShutdown()
        return
    }
    await cancelWhenGracefulShutdown {
        var first = true
        while !Task.isCancelled {
            if !(first && startNow) {
                try? await Task.sleep(for: .seconds(seconds))
                if Task.isCancelled { break }
            }
            first = false
            await body()
        }
    }
}
