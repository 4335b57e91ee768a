import Core

/// The ledger's kinds of entry and actors in words, in the reader's language: the log keeps codes
/// (`workflow.case.started`, `system:portal`), people read "Case opened", "Automatic: the portal".
enum LedgerKinds {
    /// The kinds the explorer offers to search by; a kind also finds the kinds below it
    /// (`workflow.case` finds every step of every case).
    static let searchable = [
        "workflow.case", "document.issued", "document.revoked", "payment.confirmed", "registry.read",
        "registry.record", "registry.imported", "registry.schema.published", "identity.person.registered",
        "identity.organisation.registered", "identity.account.assurance", "identity.client.issued",
        "identity.client.revoked", "workflow.definition.published", "exchange.message", "exchange.member",
        "opendata.dataset", "opendata.resource",
    ]

    /// `kind` in words: its own catalog entry, else its family's (`registry.record.x` is a registry
    /// change), else "other entry".
    static func words(_ kind: String, _ language: Language) -> String {
        let table = Catalog.shipped.table(language)
        if kind.hasSuffix(".records.sealed") { return table["lkind_records_sealed"] ?? kind }
        var parts = kind.split(separator: ".")
        while !parts.isEmpty {
            if let text = table["lkind_" + parts.joined(separator: "_")] { return text }
            parts.removeLast()
        }
        return table["lkind_other"] ?? kind
    }

    /// An actor in words: an automatic system by its name, an agency by its code, a person only
    /// as "a person" (the log names people by pseudonym, shown beside as a code).
    static func actor(_ actor: String, _ language: Language) -> String {
        let catalog = Catalog.shipped
        if actor.hasPrefix("system:") {
            let id = String(actor.dropFirst("system:".count))
            let name = catalog.table(language)["system_" + id] ?? id
            return catalog.text("actor_system", language).replacingOccurrences(of: "{name}", with: name)
        }
        if actor.hasPrefix("agency:") {
            return catalog.text("actor_agency", language).replacingOccurrences(
                of: "{name}", with: String(actor.dropFirst("agency:".count)))
        }
        return catalog.text("actor_person", language)
    }
}
