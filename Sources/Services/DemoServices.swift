import Foundation
import Identity
import Logging
import Workflow

/// The demonstration catalogue: nine services across the branches of government, each with its
/// form, process definition and decision rules (Sources/Services/Demo). Published on every start
/// when missing; an administrator's newer versions are left alone.
public enum DemoServices {
    /// Process definitions first (services name them), then the services.
    public static func ensure(_ applications: ApplicationService, workflow: WorkflowService, logger: Logger)
        async throws
    {
        guard let directory = Bundle.module.url(forResource: "Demo", withExtension: nil) else { return }
        let published = Set(try await workflow.published().map(\.id))
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let definition = try ProcessDefinition(text: text)
            guard !published.contains(definition.id) else { continue }
            do {
                try await workflow.publish(text, by: .agency("MDD"))
            } catch {
                // Another node published it at the same moment.
                if !(try await workflow.published().contains { $0.id == definition.id }) { throw error }
            }
        }
        let services = try JSONDecoder().decode(
            [Service].self, from: Data(contentsOf: directory.appendingPathComponent("services.json")))
        let existing = Set(try await applications.catalogue.all().map(\.id))
        for service in services where !existing.contains(service.id) {
            try await applications.catalogue.publish(service, at: applications.clock.seconds)
        }
        logger.debug("demo services ready", metadata: ["services": "\(services.count)"])
    }
}
