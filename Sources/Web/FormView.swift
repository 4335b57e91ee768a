import Core

/// One form field as `field.mustache` shows it: label, value, hint and error in the reader's
/// language. Exactly one of `input`, `textarea`, `select`, `file`, `address` and `prefilled` is set.
struct FieldModel: Encodable, Sendable {
    /// One option of a `<select>`.
    struct Choice: Encodable, Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    var name: String
    var label: String
    var optional = false
    /// Whether the browser should insist on a value (the platform's own forms; service forms
    /// leave the check to the server, which names every missing field at once).
    var required = false
    var hint: String?
    var error: String?

    var input = false
    var type = "text"
    var value = ""
    var autocomplete: String?
    var inputmode: String?

    var textarea = false
    var select = false
    var choices: [Choice] = []
    var file = false
    /// The file types accepted, as the `accept` attribute lists them.
    var accept = ""

    /// An address: a district to choose and a street to type, each with its own error.
    var address = false
    var districts: [Choice] = []
    var street = ""
    var districtError: String?
    var streetError: String?

    /// A value the state already holds, shown instead of an input, and the registry it came from.
    var prefilled = false
    var source = ""

    init(name: String, label: String) {
        self.name = name
        self.label = label
    }
}

/// Builds the fields of the platform's own forms (registration, sign-in helpers, administration).
struct FormView {
    let language: Language
    let values: FormData
    let errors: [FieldError]

    private func t(_ key: String) -> String { Catalog.shipped.text(key, language) }

    /// The message for `name`, if validation failed there.
    func error(_ name: String) -> String? {
        errors.first { $0.field == name }.map { t($0.messageKey) }
    }

    func field(
        _ name: String, label: String, type: String = "text", optional: Bool = false, hint: String? = nil,
        autocomplete: String? = nil, inputmode: String? = nil, keepValue: Bool = true
    ) -> FieldModel {
        var model = FieldModel(name: name, label: t(label))
        model.input = true
        model.type = type
        model.value = keepValue ? values[name] : ""
        model.optional = optional
        model.required = !optional
        model.hint = hint.map(t)
        model.autocomplete = autocomplete
        model.inputmode = inputmode
        model.error = error(name)
        return model
    }

    /// A `<select>`; `choices` are (value, label) pairs, the first usually "none".
    func select(_ name: String, label: String, optional: Bool = false, choices: [(String, String)]) -> FieldModel {
        var model = field(name, label: label, optional: optional)
        let current = values[name]
        model.input = false
        model.select = true
        model.choices = choices.map { FieldModel.Choice(value: $0.0, label: $0.1, selected: $0.0 == current) }
        return model
    }
}
