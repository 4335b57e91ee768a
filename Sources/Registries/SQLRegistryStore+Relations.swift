import Core
import Identity
import SQLKit
import Storage

/// The civil registry's relations between people (`person_relations`).
extension SQLRegistryStore: Kinship {
    public func relatives(of pins: [String], on sql: any SQLDatabase) async throws -> [String: Set<String>] {
        let wanted = Array(Set(pins)).sorted()
        var relatives: [String: Set<String>] = [:]
        for pin in wanted { relatives[pin] = [] }
        for start in stride(from: 0, to: wanted.count, by: 200) {
            let list = SQLQueryString.list(Array(wanted[start..<min(start + 200, wanted.count)]))
            for row in try await sql.raw(
                "SELECT pin_a, pin_b FROM person_relations WHERE pin_a IN (" + list + ") OR pin_b IN (" + list + ")"
            ).all() {
                let a = try row.decode(column: "pin_a", as: String.self)
                let b = try row.decode(column: "pin_b", as: String.self)
                relatives[a]?.insert(b)
                relatives[b]?.insert(a)
            }
        }
        return relatives
    }

    public func isParent(_ parent: String, of child: String, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw(
            """
            SELECT 1 AS one FROM person_relations WHERE pin_a = \(bind: parent) AND pin_b = \(bind: child) AND kind = 'parent'
            """
        ).first() != nil
    }

    public func recordParent(_ parent: String, of child: String, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO person_relations (pin_a, pin_b, kind) VALUES (\(bind: parent), \(bind: child), 'parent')
            ON CONFLICT (pin_a, pin_b) DO NOTHING
            """
        ).run()
    }
}

/// The population register as account confirmation reads it.
extension SQLRegistryStore: PopulationRegister {
    public func entry(
        of pin: String, purpose: String, agency: String, system: String, on sql: any SQLDatabase, now: Int
    ) async throws -> RegisterEntry? {
        let content: RecordContent?
        do {
            content = try await systemRead(
                "population", key: pin, agency: agency, system: system, purpose: try Purpose(legalBasis: purpose),
                on: sql, now: now)
        } catch DomainError.notFound {
            return nil  // no population register on this platform
        }
        guard let content else { return nil }
        func text(_ field: String) -> String {
            if case .string(let value)? = content[field] { return value }
            return ""
        }
        return RegisterEntry(
            familyName: text("familyName"), givenName: text("givenName"), phone: text("phone"),
            districtCode: text("districtCode"))
    }
}
