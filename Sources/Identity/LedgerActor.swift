import Ledger
import SQLKit

/// Who performs an action, as it will be written to the transparency ledger.
public enum LedgerActor: Sendable, Equatable {
    /// The person the action is about, acting for themselves (self-registration, an application).
    case subjectThemself
    /// Another agency's system, by API client id.
    case system(String)
    /// A signed-in person (official or representative), by PIN; logged under a pseudonym.
    case person(String)
    /// An agency acting as an institution (a bulk load of its registry), by code.
    case agency(String)

    /// How the public ledger names the actor: people only by pseudonym, never by PIN;
    /// `themself` is the name to use when the subject acts for themselves.
    public func ledgerName(_ ledger: LedgerService, on sql: any SQLDatabase, themself: String) async throws -> String {
        switch self {
        case .subjectThemself: themself
        case .system(let id): "system:\(id)"
        case .person(let pin): try await ledger.pseudonym(for: pin, on: sql)
        case .agency(let code): "agency:\(code)"
        }
    }

    /// How a record's own history (not public) names the actor, in clear.
    public func historyName(themself: String) -> String {
        switch self {
        case .subjectThemself: themself
        case .system(let id): "system:\(id)"
        case .person(let pin): "official:\(pin)"
        case .agency(let code): "agency:\(code)"
        }
    }
}
