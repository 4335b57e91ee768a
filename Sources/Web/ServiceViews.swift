import Core
import Foundation
import Identity
import Services

/// View data shared by the service pages: labels of states, actions and statuses in the reader's
/// language, times in Bishkek, the fields of a service's form.
struct ServiceViews {
    let pages: PageRenderer
    let language: Language

    func t(_ key: String) -> String { pages.text(key, language) }

    /// A catalog label, or the identifier made readable when the catalog has none.
    func label(_ prefix: String, _ id: String) -> String {
        let text = t("\(prefix)_\(id)")
        return text == "\(prefix)_\(id)" ? id.replacingOccurrences(of: "_", with: " ") : text
    }

    func status(_ status: Application.Status) -> String { t("status_\(status.rawValue)") }

    static func time(_ seconds: Int) -> String { RegistryPortalController.localTime(seconds) }

    /// The timeline as table rows, proof links included.
    func timeline(_ events: [TimelineEvent], agencies: [Agency]) -> [[String: Any]] {
        events.map { event in
            var what = label("event", event.kind)
            if event.kind == "transition" || event.kind == "started" || event.kind == "escalated",
                let state = event.state
            {
                what += ": " + label("state", state)
            }
            var row: [String: Any] = [
                "time": Self.time(event.at), "what": what, "reason": event.reason,
                "agency": agencies.first { $0.code == event.agencyCode }?.name.text(language) ?? event.agencyCode,
            ]
            if let index = event.ledgerIndex { row["ledgerIndex"] = index }
            return row
        }
    }

    /// One form field for `service_field.mustache`.
    func field(
        _ field: FormField, values: [String: String], errors: [FieldError], prefilled: [String: String],
        districts: [(String, String)]
    ) -> [String: Any] {
        var data: [String: Any] = ["name": field.id, "label": field.label.text(language)]
        if !field.required { data["optional"] = true }
        if let hint = field.hint { data["hint"] = hint.text(language) }
        let ownErrors = errors.filter { $0.field == field.id || $0.field.hasPrefix(field.id + ".") }
        if let error = ownErrors.first { data["error"] = t(error.messageKey) }
        if let value = prefilled[field.id], field.prefill != nil {
            data["prefilled"] = true
            data["value"] = value
            data["source"] = field.prefill?.registry ?? ""
            return data
        }
        switch field.kind {
        case .choice:
            data["select"] = true
            let current = values[field.id] ?? ""
            data["choices"] =
                [["value": "", "label": t("field_choose"), "selected": current.isEmpty] as [String: Any]]
                + field.choices.map {
                    ["value": $0.value, "label": $0.label.text(language), "selected": $0.value == current]
                        as [String: Any]
                }
        case .address:
            data["address"] = true
            let current = values["\(field.id).district"] ?? ""
            data["street"] = values["\(field.id).street"] ?? ""
            data["districts"] =
                [["value": "", "label": t("field_choose"), "selected": current.isEmpty] as [String: Any]]
                + districts.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == current] as [String: Any] }
            if let error = ownErrors.first(where: { $0.field.hasSuffix(".district") }) {
                data["districtError"] = t(error.messageKey)
            }
            if let error = ownErrors.first(where: { $0.field.hasSuffix(".street") }) {
                data["streetError"] = t(error.messageKey)
            }
        case .file:
            data["file"] = true
            data["accept"] = field.accept.map {
                $0 == "pdf" ? ".pdf,application/pdf" : $0 == "png" ? ".png,image/png" : ".jpg,.jpeg,image/jpeg"
            }.joined(separator: ",")
        case .text:
            data["input"] = true
            data["type"] = "text"
            data["value"] = values[field.id] ?? ""
            if (field.maxLength ?? 500) > 200 {
                data["textarea"] = true
                data.removeValue(forKey: "input")
            }
        case .number, .date, .pin, .inn, .registry:
            data["input"] = true
            data["type"] = field.kind == .date ? "date" : "text"
            data["value"] = values[field.id] ?? ""
            if field.kind == .number { data["inputmode"] = "decimal" }
            if field.kind == .pin || field.kind == .inn {
                data["inputmode"] = "numeric"
                data["autocomplete"] = "off"
            }
        }
        return data
    }

    /// The answers of a form post, by field (an address is two inputs).
    static func answers(_ form: RequestForm, service: Service) -> [String: String] {
        var answers: [String: String] = [:]
        for field in service.form where field.kind != .file {
            if field.kind == .address {
                answers["\(field.id).district"] = form["\(field.id).district"]
                answers["\(field.id).street"] = form["\(field.id).street"]
            } else {
                answers[field.id] = form[field.id]
            }
        }
        return answers
    }

    /// A service's answers as (label, value) rows in the reader's language.
    func answerRows(_ application: Application, service: Service) -> [[String: Any]] {
        service.form.compactMap { field in
            let value: String
            switch field.kind {
            case .address:
                guard let street = application.answers["\(field.id).street"] else { return nil }
                value = (application.answers["\(field.id).district"] ?? "") + ", " + street
            case .choice:
                guard let raw = application.answers[field.id] else { return nil }
                value = field.choices.first { $0.value == raw }?.label.text(language) ?? raw
            default:
                guard let raw = application.answers[field.id] else { return nil }
                value = field.kind == .file ? "SHA-256 " + raw.prefix(16) + "…" : raw
            }
            return ["label": field.label.text(language), "value": value]
        }
    }
}
