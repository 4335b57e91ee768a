import Exchange
import Logging
import ServiceLifecycle

/// Keeps this node's global configuration fresh: fetched from the operator at start and then on
/// a schedule (asking to join whenever the member's entry in it is missing or out of date), and
/// closes the exchange's HTTP connections at shutdown.
struct ExchangeRefresher: Service {
    let node: ExchangeNode?
    let transport: LiveExchangeTransport?

    func run() async throws {
        guard let node else {
            try? await gracefulShutdown()
            return
        }
        await repeatUntilShutdown(everySeconds: max(1, node.settings.refreshSeconds), startNow: true) {
            await node.refresh()
        }
        try? await transport?.shutdown()
    }
}

/// Publishes registry changes to subscribers and delivers queued events, every second.
struct ExchangePublisher: Service {
    let node: ExchangeNode?
    let logger: Logger

    func run() async throws {
        guard let node else {
            try? await gracefulShutdown()
            return
        }
        await repeatUntilShutdown(everySeconds: 1) {
            do {
                try await node.publishChanges()
                try await node.deliverEvents()
            } catch {
                logger.warning("exchange events not published", metadata: ["error": "\(error)"])
            }
        }
    }
}
