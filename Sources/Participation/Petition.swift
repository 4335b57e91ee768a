import Foundation

/// A petition: a text people sign, open until its deadline, with a threshold of signatures that
/// obliges the state to answer.
public struct Petition: Sendable, Equatable, Codable {
    /// National, or a city's.
    public enum Level: String, Sendable, Codable, CaseIterable {
        case national, city
    }

    /// Where a petition is in its life.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case open, closed, hidden
    }

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

    public init(
        id: String, level: Level, area: String, title: String, body: String, author: String, status: Status,
        createdAt: Int, deadline: Int, threshold: Int, signatures: Int, dutyAt: Int?
    ) {
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
