/// One problem with one input field, named by a catalog key so it can be shown in any language.
public struct FieldError: Error, Sendable, Equatable, Codable {
    /// The form or JSON field the problem is about, e.g. `pin`.
    public var field: String
    /// The catalog key of the message, e.g. `error.pin.length`.
    public var messageKey: String

    public init(field: String, messageKey: String) {
        self.field = field
        self.messageKey = messageKey
    }
}

/// Input that cannot be accepted; carries every field problem found, not just the first.
public struct ValidationError: Error, Sendable, Equatable {
    /// The problems, in the order the fields were checked.
    public var fields: [FieldError]

    public init(_ fields: [FieldError]) {
        self.fields = fields
    }

    public init(field: String, messageKey: String) {
        self.fields = [FieldError(field: field, messageKey: messageKey)]
    }
}

/// Errors that the domain modules raise and the web layer maps onto HTTP statuses.
public enum DomainError: Error, Sendable, Equatable {
    /// The thing asked for does not exist (or the caller may not know that it does).
    case notFound
    /// The thing already exists; the payload says which field clashes.
    case conflict(field: String, messageKey: String)
    /// The caller is known but may not do this.
    case forbidden
    /// The caller has to sign in or present a token first.
    case unauthenticated
    /// Too many attempts; the caller should wait this many seconds.
    case throttled(retryAfterSeconds: Int)
}
