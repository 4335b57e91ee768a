import Identity

/// A public service as the catalogue describes it and the platform runs it: who provides it,
/// who may apply, what it costs, how long it may take by law, the form and the process.
public struct Service: Sendable, Codable, Equatable {
    /// Stable identifier used in addresses, e.g. `no-criminal-record`.
    public var id: String
    /// The agency that answers for the service (the first stage's agency may differ).
    public var agency: String
    public var title: LocalizedName
    /// One sentence for the catalogue list.
    public var summary: LocalizedName
    /// What a person needs to know before applying.
    public var description: LocalizedName
    /// Other words people search for it by, comma-separated per language ("справка о несудимости").
    public var keywords: LocalizedName?
    /// The life event the service belongs to (`documents`, `family`, `business`, …).
    public var lifeEvent: String
    public var category: String
    /// Who may apply.
    public var applicants: [ApplicantKind]
    /// State fee in som; 0 when the service is free.
    public var fee: Int
    /// Legal deadline for a decision, in working days of the Kyrgyz calendar.
    public var deadlineDays: Int
    /// Documents the applicant uploads; the form has a file field for each.
    public var documents: [RequiredDocument]
    public var form: [FormField]
    /// The processes that handle an application, one after another, each in its agency.
    public var stages: [Stage]
    /// The document a positive decision issues, if any.
    public var issues: DocumentKind?
    /// For services a parent may use for their child: the form field holding the PIN of the person
    /// applied for. The applicant must be that person or their parent in `person_relations`.
    /// The level of assurance an applicant's account needs (low when not given).
    public var assurance: Assurance?
    public var representing: String?
    /// Where and until when a refusal can be appealed; nil: to the head of the agency that refused,
    /// within `Appeal.defaultDays` days.
    public var appeal: AppealRoute?
    /// Records a positive decision writes into registries: from then on the state knows it and
    /// nobody is asked for it again (a birth, a company).
    public var records: [RegistryEntry]?

    /// Who may submit an application.
    public enum ApplicantKind: String, Sendable, Codable, Equatable {
        /// A person for themselves.
        case person
        /// A company, through a person who represents it.
        case company
        /// A person acting for another person (a parent, a guardian).
        case representative
    }

    /// One agency's part of the service: a process definition and the end states that pass
    /// the application on to the next stage.
    public struct Stage: Sendable, Codable, Equatable {
        public var agency: String
        public var process: String
        /// Terminal states of this stage's process after which the next stage starts.
        public var passOn: [String]
    }

    /// A document to attach, named in three languages.
    public struct RequiredDocument: Sendable, Codable, Equatable {
        public var id: String
        public var title: LocalizedName
    }

    /// What a positive decision issues: a certificate, a permit, a registration.
    public struct DocumentKind: Sendable, Codable, Equatable {
        /// `certificate`, `permit`, `registration`, `decision`, `appointment`.
        public var kind: String
        public var title: LocalizedName
        /// Terminal states of the last stage that issue it.
        public var on: [String]
        /// Case facts printed on the document (besides holder, service and dates).
        public var facts: [String]
    }

    /// A record written into a registry when the application is granted.
    public struct RegistryEntry: Sendable, Codable, Equatable {
        public var registry: String
        /// How the key is made: `newPin` (from the facts `keyFacts["birthDate"]`, `keyFacts["sex"]`)
        /// or `newInn` (a legal entity registered today).
        public var key: String
        public var keyFacts: [String: String]?
        /// Record field → the fact that fills it; `@key` is the new key, `@today` today's date,
        /// `'text'` a literal.
        public var fields: [String: String]
        /// Facts holding the PINs of the new person's parents (written to `person_relations`).
        public var parents: [String]?
        /// The name the new key is known by on the document.
        public var fact: String
    }

    /// The stage after `index`, if there is one.
    public func stage(after index: Int) -> Stage? { index + 1 < stages.count ? stages[index + 1] : nil }
}
