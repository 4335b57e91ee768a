import Foundation

/// A petition: a text people sign, open until its deadline, with a threshold of signatures that
/// obliges the state to answer.
public struct Petition: Sendable, Equatable, Codable {
    /// National, or a city's.
    public enum Level: String, Sendable, Codable, CaseIterable {
        case national, city
    }

    /// Where a petition is in its life: gathering co-sponsors, then checked by a moderator against
    /// the published rules, then open for signatures until its deadline. A rejected or hidden
    /// petition keeps its text and the reason; nothing is deleted.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case sponsoring, moderation, open, closed, rejected, hidden
    }

    /// Co-sponsors a petition needs, besides its author, before a moderator checks it.
    public static let sponsorsNeeded = 2

    public var id: String
    public var level: Level
    /// The region or city code it concerns (`KG` for national).
    public var area: String
    public var title: String
    public var body: String
    /// The author as the ledger names them (a pseudonym).
    public var author: String
    public var status: Status
    public var createdAt: Int
    public var deadline: Int
    /// Signatures that oblige an official response.
    public var threshold: Int
    public var signatures: Int
    /// When the threshold was reached and the duty to respond began, once.
    public var dutyAt: Int?
    public var sponsors: Int = 0
    /// Why a moderator rejected or hid it.
    public var moderation: ModerationReason?

    public init(
        id: String, level: Level, area: String, title: String, body: String, author: String, status: Status,
        createdAt: Int, deadline: Int, threshold: Int, signatures: Int, dutyAt: Int?, sponsors: Int = 0,
        moderation: ModerationReason? = nil
    ) {
        self.sponsors = sponsors
        self.moderation = moderation
        self.id = id
        self.level = level
        self.area = area
        self.title = title
        self.body = body
        self.author = author
        self.status = status
        self.createdAt = createdAt
        self.deadline = deadline
        self.threshold = threshold
        self.signatures = signatures
        self.dutyAt = dutyAt
    }

    /// Thresholds by level unless a petition says otherwise: 10,000 nationally, 1,000 in a city.
    public static func defaultThreshold(_ level: Level) -> Int { level == .national ? 10_000 : 1_000 }
}

/// Why a participation call was refused.
public enum ParticipationError: Error, Sendable, Equatable {
    case notFound
    /// Signing and creating petitions need an account of substantial assurance.
    case assuranceTooLow
    /// Too many in a short time from one person (comments, petitions, reports).
    case tooMany
    /// The petition is closed, hidden or past its deadline.
    case closed
    /// Field → message.
    case invalid([String: String])
    /// Only an official of the owning authority may do this.
    case forbidden
    /// A ballot's projects cost more than the budget holds.
    case overBudget(cost: Int, total: Int)
}

/// The outcome of a signature.
public enum SignatureOutcome: Sendable, Equatable {
    /// Counted; the petition now has this many signatures.
    case signed(total: Int)
    /// This person had signed already; nothing changed.
    case alreadySigned(total: Int)
}

/// The published rules content is moderated against: a moderator hides or rejects content only
/// for one of these, and the reason is shown in its place and kept in the ledger.
public enum ModerationReason: String, Sendable, Codable, CaseIterable {
    /// Insults, threats or hate against people or groups.
    case offensive
    /// Someone's personal data (an address, a phone number, a PIN).
    case personalData = "personal_data"
    /// Advertising, or the same text again and again.
    case spam
    /// Not about the draft, or not something the state can do.
    case offTopic = "off_topic"
    /// Calls to break the law.
    case unlawful
    /// The same as an open petition.
    case duplicate
}
