import Core

/// What was wrong with a form that came back, as GOV.UK's error summary shows it at the top of the
/// page: a heading that counts the problems and takes focus (without JavaScript: `autofocus`), and
/// one link per problem to its field; the page's title then starts with "Error:".
struct ErrorSummary: Sendable {
    /// One problem: its message and the id of the field it is about (nil: the form as a whole).
    struct Item: Encodable, Sendable {
        var message: String
        var target: String?
    }

    var items: [Item]

    /// A form without problems.
    static let none = ErrorSummary(items: [])

    init(items: [Item]) { self.items = items }

    /// `errors` in `language`, each linked to the field of the same name (`address.street` is the
    /// element `address-street`; `targets` names others, such as a radio group's first button),
    /// unless `linked` says the page has no such field.
    init(
        _ errors: [FieldError], _ language: Language, targets: [String: String] = [:],
        linked: (FieldError) -> Bool = { _ in true }
    ) {
        items = errors.map { error in
            Item(
                message: Catalog.shipped.text(error.messageKey, language),
                target: linked(error)
                    ? targets[error.field] ?? error.field.replacingOccurrences(of: ".", with: "-") : nil)
        }
    }

    /// One message about the field `target` (or the whole form).
    init(message: String, target: String?) {
        items = [Item(message: message, target: target)]
    }
}
