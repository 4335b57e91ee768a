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

    /// One line of an application's timeline, with the ledger entry that proves it.
    struct TimelineRow: Encodable, Sendable {
        var time: String
        var what: String
        var reason: String
        var agency: String
        var ledgerIndex: Int?
        var entryURL: String?
        var receiptURL: String?
    }

    /// The timeline as table rows, proof links included.
    func timeline(_ events: [TimelineEvent], agencies: [Agency]) -> [TimelineRow] {
        events.map { event in
            var what = label("event", event.kind)
            if event.kind == "transition" || event.kind == "started" || event.kind == "escalated",
                let state = event.state
            {
                what += ": " + label("state", state)
            }
            return TimelineRow(
                time: DisplayTime.dateTime(event.at, language), what: what, reason: event.reason,
                agency: agencies.first { $0.code == event.agencyCode }?.name.text(language) ?? event.agencyCode,
                ledgerIndex: event.ledgerIndex,
                entryURL: event.ledgerIndex.map { Route.ledgerEntry.path(String($0)) },
                receiptURL: event.ledgerIndex.map { Route.receipt.path(String($0)) })
        }
    }

    /// One field of a service's form.
    func field(
        _ field: FormField, values: [String: String], errors: [FieldError], prefilled: [String: String],
        districts: [(String, String)], own: [String: [(key: String, label: String)]] = [:],
        sources: [String: String] = [:]
    ) -> FieldModel {
        var model = FieldModel(name: field.id, label: field.label.text(language))
        model.optional = !field.required
        model.hint = field.hint?.text(language)
        let ownErrors = errors.filter { $0.field == field.id || $0.field.hasPrefix(field.id + ".") }
        model.error = ownErrors.first.map { t($0.messageKey) }
        if let value = prefilled[field.id], field.prefill != nil {
            model.prefilled = true
            model.value = value
            model.source = field.prefill.map { sources[$0.registry] ?? $0.registry } ?? ""
            return model
        }
        let choose = { (current: String) in
            FieldModel.Choice(value: "", label: self.t("field_choose"), selected: current.isEmpty)
        }
        if let records = own[field.id] {
            // One of the applicant's own records (a parcel in their name), to choose.
            let current = values[field.id] ?? ""
            model.select = true
            model.choices =
                [choose(current)]
                + records.map { FieldModel.Choice(value: $0.key, label: $0.label, selected: $0.key == current) }
            if records.isEmpty { model.hint = t("field_none_of_yours") }
            return model
        }
        switch field.kind {
        case .choice:
            model.select = true
            let current = values[field.id] ?? ""
            model.choices =
                [choose(current)]
                + field.choices.map {
                    FieldModel.Choice(value: $0.value, label: $0.label.text(language), selected: $0.value == current)
                }
        case .address:
            model.address = true
            let current = values["\(field.id).district"] ?? ""
            model.street = values["\(field.id).street"] ?? ""
            model.districts =
                [choose(current)]
                + districts.map { FieldModel.Choice(value: $0.0, label: $0.1, selected: $0.0 == current) }
            model.districtError = ownErrors.first(where: { $0.field.hasSuffix(".district") }).map { t($0.messageKey) }
            model.streetError = ownErrors.first(where: { $0.field.hasSuffix(".street") }).map { t($0.messageKey) }
        case .file:
            model.file = true
            model.accept = field.accept.map {
                $0 == "pdf" ? ".pdf,application/pdf" : $0 == "png" ? ".png,image/png" : ".jpg,.jpeg,image/jpeg"
            }.joined(separator: ",")
        case .text:
            model.value = values[field.id] ?? ""
            if (field.maxLength ?? 500) > 200 { model.textarea = true } else { model.input = true }
        case .number, .date, .pin, .inn, .registry:
            model.input = true
            model.type = field.kind == .date ? "date" : "text"
            model.value = values[field.id] ?? ""
            if field.kind == .number { model.inputmode = "decimal" }
            if field.kind == .pin || field.kind == .inn {
                model.inputmode = "numeric"
                model.autocomplete = "off"
            }
        }
        return model
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

    /// A label and its value, for the rows of a definition list.
    struct LabelledValue: Encodable, Sendable {
        var label: String
        var value: String
    }

    /// A service's answers as (label, value) rows in the reader's language.
    func answerRows(_ application: Application, service: Service) -> [LabelledValue] {
        service.form.compactMap { field in
            value(of: field, in: application.answers).map {
                LabelledValue(label: field.label.text(language), value: $0)
            }
        }
    }

    /// A field's answer as a person reads it: a choice by its label, a date in the language's
    /// format, a file by its digest; nil when the field was not answered.
    func value(of field: FormField, in answers: [String: String]) -> String? {
        switch field.kind {
        case .address:
            guard let street = answers["\(field.id).street"] else { return nil }
            return (answers["\(field.id).district"] ?? "") + ", " + street
        case .choice:
            guard let raw = answers[field.id] else { return nil }
            return field.choices.first { $0.value == raw }?.label.text(language) ?? raw
        case .date:
            return answers[field.id].map { DisplayTime.date(iso: $0, language) }
        case .file:
            return answers[field.id].map { "SHA-256 " + $0.prefix(16) + "…" }
        default:
            return answers[field.id]
        }
    }
}
