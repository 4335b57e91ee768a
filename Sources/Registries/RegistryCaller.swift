import Core
import Identity

/// Who is calling the registries: an official in the portal or another agency's system.
public enum RegistryCaller: Sendable {
    /// A signed-in official; their agency's rights apply.
    case official(Principal)
    /// An API client; `application` is the calling system as the Information Mediator names it
    /// (`INSTANCE/CLASS/MEMBER/SUBSYSTEM`).
    case system(APIClient, application: String)

    /// The agency whose rights apply, if any.
    public var agencyCode: String? {
        switch self {
        case .official(let principal): principal.post?.agencyCode
        case .system(let client, _): client.agencyCode
        }
    }

    /// How the caller is written in a record's history.
    public var reference: String {
        switch self {
        case .official(let principal): "official:\(principal.pin)"
        case .system(let client, _): "system:\(client.id)"
        }
    }
}
