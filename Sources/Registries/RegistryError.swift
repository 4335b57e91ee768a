import Core
import Identity

/// What can go wrong with a registry request, beyond field validation (`ValidationError`) and
/// access (`DomainError`).
public enum RegistryError: Error, Sendable, Equatable {
    /// A schema document was refused; each problem names its JSON path.
    case invalidSchema([RegistrySchema.Problem])
    /// A new schema version would make records of an earlier version invalid.
    case incompatibleSchema([RegistrySchema.Problem])
    /// A search or match on a field that is not indexed (it would scan the whole registry).
    case notSearchable(String)
    /// A CSV file could not be imported; nothing was stored.
    case importRejected(ImportReport)
}
