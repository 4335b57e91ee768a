import Core
import Foundation
import Registries
import Workflow

/// Connects workflow lookup steps to the registries: the case's agency must have the right to the
/// registry, and a read of a person's record is logged for them ("the workflow of case X read
/// it") in the same transaction as the case's step.
enum WorkflowRegistryBridge {
    static func lookup(_ store: SQLRegistryStore, clock: Clock) -> WorkflowService.Lookup {
        { sql, registry, key, item in
            let purpose = try Purpose(
                legalBasis: PlatformPurpose.automaticStep(process: item.definitionID).legalBasis, caseNumber: item.id)
            let content = try await store.systemRead(
                registry, key: key, agency: item.agencyCode, system: "workflow", purpose: purpose,
                on: sql, now: clock.seconds)
            return content.map { $0.mapValues(value) }
        }
    }

    /// A registry value as a workflow fact (dates stay text; definitions compare them with date()).
    static func value(_ json: JSONValue) -> Value {
        switch json {
        case .null: .null
        case .bool(let value): .bool(value)
        case .number(let value): .number(value)
        case .string(let value): .string(value)
        case .array(let values): .list(values.map(value))
        case .object: .string(json.canonicalJSON)
        }
    }
}
