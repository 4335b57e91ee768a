import Foundation
import Logging
import ServiceLifecycle
import Workflow

/// Every node polls the SLA timers stored in the database every 30 seconds; claiming a timer and
/// acting on it are one transaction, so an escalation fires exactly once however many nodes run.
struct WorkflowTimerPoller: Service {
    let workflow: WorkflowService
    let logger: Logger
    let node = ProcessInfo.processInfo.hostName + ":" + String(ProcessInfo.processInfo.processIdentifier)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(30))
                if Task.isCancelled { break }
                do {
                    let fired = try await workflow.fireDueTimers(node: node)
                    if fired > 0 { logger.info("workflow escalations fired", metadata: ["count": "\(fired)"]) }
                } catch  where Task.isCancelled || error is CancellationError {
                    break  // shutting down
                } catch {
                    logger.error("workflow timers failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
