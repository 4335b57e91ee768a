import Core
import Foundation

/// An emergency alert an authorised agency publishes (task 1.3), in CAP 1.2's terms.
public struct EmergencyAlert: Sendable, Equatable {
    /// CAP's event categories.
    public enum Category: String, Sendable, CaseIterable {
        case geo = "Geo"
        case met = "Met"
        case safety = "Safety"
        case security = "Security"
        case rescue = "Rescue"
        case fire = "Fire"
        case health = "Health"
        case env = "Env"
        case transport = "Transport"
        case infra = "Infra"
        case cbrne = "CBRNE"
        case other = "Other"
    }

    /// CAP's severities.
    public enum Severity: String, Sendable, CaseIterable {
        case extreme = "Extreme"
        case severe = "Severe"
        case moderate = "Moderate"
        case minor = "Minor"
    }

    /// CAP's urgencies.
    public enum Urgency: String, Sendable, CaseIterable {
        case immediate = "Immediate"
        case expected = "Expected"
        case future = "Future"
    }

    /// CAP's certainties.
    public enum Certainty: String, Sendable, CaseIterable {
        case observed = "Observed"
        case likely = "Likely"
        case possible = "Possible"
    }

    /// What people read in one language.
    public struct Text: Sendable, Equatable, Codable {
        public var headline: String
        public var instruction: String

        public init(headline: String, instruction: String) {
            self.headline = headline
            self.instruction = instruction
        }
    }

    public var id: String
    public var agency: String
    public var category: Category
    public var severity: Severity
    public var urgency: Urgency
    public var certainty: Certainty
    /// Region codes (`CHU`, `BIS`).
    public var regions: [String]
    /// By language: every alert has all three.
    public var texts: [Language: Text]
    public var sentAt: Int
    public var expiresAt: Int

    public init(
        id: String, agency: String, category: Category, severity: Severity, urgency: Urgency, certainty: Certainty,
        regions: [String], texts: [Language: Text], sentAt: Int, expiresAt: Int
    ) {
        self.id = id
        self.agency = agency
        self.category = category
        self.severity = severity
        self.urgency = urgency
        self.certainty = certainty
        self.regions = regions
        self.texts = texts
        self.sentAt = sentAt
        self.expiresAt = expiresAt
    }

    /// The text in `language`.
    public func text(_ language: Language) -> Text {
        texts[language] ?? texts[.ky] ?? Text(headline: "", instruction: "")
    }

    /// In force at `now`.
    public func isActive(at now: Int) -> Bool { sentAt <= now && now < expiresAt }
}

/// What an official fills in to publish an alert.
public struct AlertInput: Sendable {
    public var category: String
    public var severity: String
    public var urgency: String
    public var certainty: String
    public var regions: [String]
    public var texts: [Language: EmergencyAlert.Text]
    /// Hours from now until it expires.
    public var hours: String

    public init(
        category: String, severity: String, urgency: String, certainty: String, regions: [String],
        texts: [Language: EmergencyAlert.Text], hours: String
    ) {
        self.category = category
        self.severity = severity
        self.urgency = urgency
        self.certainty = certainty
        self.regions = regions
        self.texts = texts
        self.hours = hours
    }

    /// How long an alert may stay in force: from an hour to two weeks.
    public static let hoursAllowed = 1...336
    public static let headlineLength = 1...160
    public static let instructionLength = 1...2_000
}
