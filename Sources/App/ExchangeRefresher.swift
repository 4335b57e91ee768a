import Exchange
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
