import Core
import Foundation
import Registries
import SQLKit
import Workflow

/// What a granted application writes into the registries, on the decision's transaction.
extension ApplicationService {
    /// Creates the service's records for a granted application; returns the new keys by the name
    /// the document prints them under. A record the registry refuses refuses the decision too.
    func writeRecords(
        _ sql: any SQLDatabase, _ application: Application, service: Service, case item: WorkflowCase, at: Int
    ) async throws -> [String: String] {
        var made: [String: String] = [:]
        for entry in service.records ?? [] {
            let text = { (name: String) -> String? in
                switch item.facts[name] {
                case .string(let value)?: value
                case .date(let value)?: value.description
                case .number(let value)?: Value.number(value).description
                case .bool(let value)?: value ? "true" : "false"
                default: application.answers[name]
                }
            }
            let today = CalendarDate(bishkekDayOf: at)
            let key: String
            switch entry.key {
            case "newPin":
                guard let born = entry.keyFacts?["birthDate"].flatMap(text).flatMap(CalendarDate.init(iso:)),
                    let sex = entry.keyFacts?["sex"].flatMap(text)
                else { throw ValidationError(field: "birthDate", messageKey: "error_required") }
                key = try await freeKey(sql, registry: entry.registry) { sequence in
                    (sex == "female" ? "1" : "2") + Self.ddmmyyyy(born) + sequence
                }
            case "newInn":
                key = try await freeKey(sql, registry: entry.registry) { sequence in
                    "0" + Self.ddmmyyyy(today) + sequence
                }
            default:
                throw ValidationError(field: "key", messageKey: "error_not_a_choice")
            }
            var content: RecordContent = [:]
            for (field, source) in entry.fields {
                if source == "@key" {
                    content[field] = .string(key)
                } else if source == "@today" {
                    content[field] = .string(today.description)
                } else if source.hasPrefix("'"), source.hasSuffix("'"), source.count >= 2 {
                    content[field] = .string(String(source.dropFirst().dropLast()))
                } else if let value = text(source), !value.isEmpty {
                    content[field] = .string(value)
                }
            }
            _ = try await registries.systemCreate(
                entry.registry, content: content, agency: item.agencyCode,
                reason: "decision on application \(application.id)", on: sql, now: at)
            for parent in entry.parents ?? [] {
                guard let pin = text(parent), pin != key else { continue }
                try await registries.recordParent(pin, of: key, on: sql)
            }
            made[entry.fact] = key
        }
        return made
    }

    static func ddmmyyyy(_ date: CalendarDate) -> String {
        String(format: "%02d%02d%04d", date.day, date.month, date.year)
    }

    /// A key with a random five-digit sequence number that no live record of `registry` has.
    private func freeKey(_ sql: any SQLDatabase, registry: String, _ make: (String) -> String) async throws -> String {
        for _ in 0..<20 {
            let candidate = make(String(format: "%05d", Int.random(in: 1...99_999)))
            if try await registries.liveKeys(registry, among: [candidate], on: sql).isEmpty { return candidate }
        }
        throw DomainError.conflict(field: "key", messageKey: "error_record_exists")
    }
}
