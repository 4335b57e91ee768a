import Foundation

/// A consultation on a draft legal act: an authority (the parliament, a ministry, a city hall)
/// publishes the draft in versions, people comment on its passages until the comment phase ends,
/// and the authority answers every comment in a public report.
public struct Consultation: Sendable, Equatable {
    /// Where a consultation is in its life.
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Comments are taken until `commentsUntil`.
        case comments
        /// The comment phase is over; the authority answers comments and publishes the final text.
        case closed
    }

    public var id: String
    /// The agency code of the authority that published the draft.
    public var authority: String
    public var title: String
    public var status: Status
    public var createdAt: Int
    public var commentsUntil: Int
    /// The number of the latest version.
    public var currentVersion: Int

    public init(
        id: String, authority: String, title: String, status: Status, createdAt: Int, commentsUntil: Int,
        currentVersion: Int
    ) {
        self.id = id
        self.authority = authority
        self.title = title
        self.status = status
        self.createdAt = createdAt
        self.commentsUntil = commentsUntil
        self.currentVersion = currentVersion
    }

    /// Whether comments are taken at `now`.
    public func takesComments(at now: Int) -> Bool { status == .comments && now < commentsUntil }
}

/// One version of a consultation's text. Passages are its paragraphs (separated by blank lines),
/// numbered from 0; comments are anchored to one of them.
public struct DraftVersion: Sendable, Equatable {
    public var number: Int
    public var text: String
    /// What changed, in the authority's words.
    public var note: String
    public var publishedAt: Int
    /// The final text, published when the consultation closed.
    public var isFinal: Bool

    public init(number: Int, text: String, note: String, publishedAt: Int, isFinal: Bool) {
        self.number = number
        self.text = text
        self.note = note
        self.publishedAt = publishedAt
        self.isFinal = isFinal
    }

    /// The passages people comment on.
    public var passages: [String] { Self.passages(of: text) }

    /// `text` split at blank lines, each passage trimmed, empty ones dropped.
    public static func passages(of text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}

/// A comment on a passage, or a reply to another comment (then `parentID` is set and the anchor is
/// the parent's).
public struct DraftComment: Sendable, Equatable {
    /// How the authority handled a comment, for the report.
    public enum Handling: String, Sendable, Codable, CaseIterable {
        case accepted
        case partlyAccepted = "partly_accepted"
        case rejected, noted
    }

    public var id: String
    public var consultationID: String
    public var version: Int
    public var passage: Int
    /// The words of the passage the comment is about, if the commenter marked some.
    public var quote: String
    public var parentID: String?
    /// The commenter's name as shown (comments are public and signed).
    public var authorName: String
    public var body: String
    public var createdAt: Int
    public var handling: Handling?
    /// The authority's reason, shown in the report.
    public var response: String
    public var respondedAt: Int?
    /// Why a moderator hid it; its text is then not shown.
    public var moderation: ModerationReason?

    public init(
        id: String, consultationID: String, version: Int, passage: Int, quote: String, parentID: String?,
        authorName: String, body: String, createdAt: Int, handling: Handling? = nil, response: String = "",
        respondedAt: Int? = nil, moderation: ModerationReason? = nil
    ) {
        self.moderation = moderation
        self.id = id
        self.consultationID = consultationID
        self.version = version
        self.passage = passage
        self.quote = quote
        self.parentID = parentID
        self.authorName = authorName
        self.body = body
        self.createdAt = createdAt
        self.handling = handling
        self.response = response
        self.respondedAt = respondedAt
    }
}
