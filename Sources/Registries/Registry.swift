import Core
import Identity

/// A registry: owned by one agency, described by numbered schema versions.
public struct Registry: Sendable, Equatable {
    /// Lower-case name used in URLs and table names, e.g. `population`.
    public var name: String
    /// Code of the agency that keeps it.
    public var ownerAgency: String
    public var title: LocalizedName
    /// Schemas by version number, 1 first.
    public var versions: [Int: RegistrySchema]

    public init(name: String, ownerAgency: String, title: LocalizedName, versions: [Int: RegistrySchema]) {
        self.name = name
        self.ownerAgency = ownerAgency
        self.title = title
        self.versions = versions
    }

    /// The newest version number.
    public var latestVersion: Int { versions.keys.max() ?? 1 }
    /// The newest schema.
    public var latest: RegistrySchema? { versions[latestVersion] }

    /// 2–24 of a–z, 0–9 and `_`, starting with a letter: safe inside SQL identifiers.
    public static func isName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (2...24).contains(bytes.count), (0x61...0x7a).contains(first) else {
            return false
        }
        return bytes.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5f }
    }
}
