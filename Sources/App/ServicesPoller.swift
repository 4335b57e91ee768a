import Foundation
import Logging
import ServiceLifecycle
import Services

/// Every node, every few seconds: sends waiting email and SMS, settles payments the gateway left
/// pending, and brings applications up to date after SLA escalations moved their cases.
struct ServicesPoller: ServiceLifecycle.Service {
    let applications: ApplicationService
    let outbox: Outbox
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var round = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(5))
                if Task.isCancelled { break }
                round += 1
                do {
                    let sent = try await outbox.dispatch()
                    if sent > 0 { logger.info("messages sent", metadata: ["count": "\(sent)"]) }
                    if round % 6 == 0 {
                        let settled = try await applications.reconcile()
                        if settled > 0 { logger.info("applications reconciled", metadata: ["count": "\(settled)"]) }
                    }
                } catch  where Task.isCancelled || error is CancellationError {
                    break  // shutting down
                } catch {
                    logger.error("services poller failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
