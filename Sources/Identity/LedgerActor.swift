/// Who performs an identity action, as it will be written to the transparency ledger.
public enum LedgerActor: Sendable, Equatable {
    /// The person the action is about, acting for themselves (self-registration).
    case subjectThemself
    /// Another agency's system, by API client id.
    case system(String)
    /// A signed-in person (official or representative), by PIN; logged under a pseudonym.
    case person(String)
    /// An agency acting as an institution (a bulk load of its registry), by code.
    case agency(String)
}
