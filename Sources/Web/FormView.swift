import Core

/// Builds the view data of one form field for `field.mustache`: label, value, hint and error in the reader's language.
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
    ) -> [String: Any] {
        var data: [String: Any] = [
            "name": name, "label": t(label), "type": type, "value": keepValue ? values[name] : "",
        ]
        if optional { data["optional"] = true }
        if let hint { data["hint"] = t(hint) }
        if let autocomplete { data["autocomplete"] = autocomplete }
        if let inputmode { data["inputmode"] = inputmode }
        if let message = error(name) { data["error"] = message }
        return data
    }

    /// A `<select>`; `choices` are (value, label) pairs, the first usually "none".
    func select(_ name: String, label: String, optional: Bool = false, choices: [(String, String)]) -> [String: Any] {
        var data = field(name, label: label, optional: optional)
        let current = values[name]
        data["options"] = true
        data["choices"] = choices.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == current] as [String: Any] }
        return data
    }
}
