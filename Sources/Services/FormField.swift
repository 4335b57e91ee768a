import Identity

/// One field of a service's form, defined as data: the portal renders it, the server checks it.
public struct FormField: Sendable, Codable, Equatable {
    /// The kinds of input a form may ask for.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case text, number, date, choice, pin, inn, address, file
        /// The key of a live record in a registry (a land parcel, a school).
        case registry
    }

    /// A value of a choice field and its label.
    public struct Choice: Sendable, Codable, Equatable {
        public var value: String
        public var label: LocalizedName
    }

    /// Where the state already holds the answer: a field of the applicant's record in a registry.
    public struct Prefill: Sendable, Codable, Equatable {
        public var registry: String
        public var field: String
    }

    public var id: String
    public var kind: Kind
    public var label: LocalizedName
    public var hint: LocalizedName?
    public var required: Bool
    public var choices: [Choice]
    /// Bounds of a number; for a date, days from today (`-36500` … `0` for a past date).
    public var minimum: Double?
    public var maximum: Double?
    public var maxLength: Int?
    /// The registry a `registry` field refers to.
    public var registry: String?
    /// For a `registry` field: the record's field that must hold the applicant's PIN (a building
    /// permit only for one's own parcel); the form then offers the applicant's own records.
    public var ownedBy: String?
    /// File types a `file` field accepts (`pdf`, `png`, `jpeg`), checked by content, not by name.
    public var accept: [String]
    /// The largest file a `file` field accepts, in bytes (default 5 MiB).
    public var maxBytes: Int?
    public var prefill: Prefill?

    enum CodingKeys: String, CodingKey {
        case id
        case kind = "type"
        case label, hint, required, choices, minimum, maximum, maxLength, registry, ownedBy, accept, maxBytes, prefill
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        kind = try c.decode(Kind.self, forKey: .kind)
        label = try c.decode(LocalizedName.self, forKey: .label)
        hint = try c.decodeIfPresent(LocalizedName.self, forKey: .hint)
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? true
        choices = try c.decodeIfPresent([Choice].self, forKey: .choices) ?? []
        minimum = try c.decodeIfPresent(Double.self, forKey: .minimum)
        maximum = try c.decodeIfPresent(Double.self, forKey: .maximum)
        maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength)
        registry = try c.decodeIfPresent(String.self, forKey: .registry)
        ownedBy = try c.decodeIfPresent(String.self, forKey: .ownedBy)
        accept = try c.decodeIfPresent([String].self, forKey: .accept) ?? ["pdf", "png", "jpeg"]
        maxBytes = try c.decodeIfPresent(Int.self, forKey: .maxBytes)
        prefill = try c.decodeIfPresent(Prefill.self, forKey: .prefill)
    }

    /// The largest file accepted (5 MiB unless the field says otherwise).
    public var fileLimit: Int { maxBytes ?? 5 * 1024 * 1024 }
}
