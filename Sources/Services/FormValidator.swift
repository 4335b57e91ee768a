import Core
import Foundation
import Workflow

/// What checking a form needs from outside: the districts that exist and which registry keys are live.
public protocol FormLookups: Sendable {
    /// District codes an address may name.
    var districts: Set<String> { get }
    /// Those of `keys` that are live records of `registry`.
    func liveKeys(_ registry: String, among keys: [String]) async throws -> Set<String>
}

/// A form that passed every check: the answers as stored, the facts the process sees, the files.
public struct ValidatedForm: Sendable, Equatable {
    /// Answers as text, normalized (trimmed, PINs without spaces, numbers in plain notation).
    public var answers: [String: String]
    public var facts: [String: Value]
    public var files: [String: UploadedFile]
}

/// Checks answers against a service's form. Every problem is reported at once, beside its field.
public struct FormValidator: Sendable {
    public let fields: [FormField]
    public let today: CalendarDate

    public init(fields: [FormField], today: CalendarDate) {
        self.fields = fields
        self.today = today
    }

    /// Checks `answers` (an address is `<id>.district` and `<id>.street`) and `files`; answers for
    /// prefilled fields come from `prefilled`, never from the applicant. With `strict`, answers
    /// to fields the form does not have are refused too (the JSON API).
    public func validate(
        _ answers: [String: String], files: [String: UploadedFile], prefilled: [String: String] = [:],
        lookups: any FormLookups, strict: Bool = false
    ) async throws -> ValidatedForm {
        var errors: [FieldError] = []
        var result = ValidatedForm(answers: [:], facts: [:], files: [:])
        var references: [(field: FormField, key: String)] = []
        if strict {
            let known = Set(
                fields.flatMap { $0.kind == .address ? ["\($0.id).district", "\($0.id).street"] : [$0.id] })
            for name in answers.keys.sorted() where !known.contains(name) {
                errors.append(FieldError(field: name, messageKey: "error_unknown_field"))
            }
        }
        for field in fields {
            if field.prefill != nil, let value = prefilled[field.id] {
                result.answers[field.id] = value
                result.facts[field.id] = .string(value)
                continue
            }
            if field.kind == .file {
                if let problem = check(file: files[field.id], field) {
                    errors.append(FieldError(field: field.id, messageKey: problem))
                } else if let file = files[field.id], !file.bytes.isEmpty {
                    result.files[field.id] = file
                    result.answers[field.id] = file.sha256
                    result.facts[field.id] = .string(file.sha256)
                }
                continue
            }
            if field.kind == .address {
                let district = (answers["\(field.id).district"] ?? "").trimmingCharacters(in: .whitespaces)
                let street = (answers["\(field.id).street"] ?? "").trimmingWhitespace()
                if district.isEmpty && street.isEmpty {
                    if field.required {
                        errors.append(FieldError(field: "\(field.id).street", messageKey: "error_required"))
                    }
                    continue
                }
                var ok = true
                if !lookups.districts.contains(district) {
                    errors.append(FieldError(field: "\(field.id).district", messageKey: "error_district"))
                    ok = false
                }
                if let problem = textProblem(street, minimum: 3, maximum: 200) {
                    errors.append(FieldError(field: "\(field.id).street", messageKey: problem))
                    ok = false
                }
                if ok {
                    result.answers["\(field.id).district"] = district
                    result.answers["\(field.id).street"] = street
                    result.facts["\(field.id).district"] = .string(district)
                    result.facts[field.id] = .string(street)
                }
                continue
            }
            let raw = (answers[field.id] ?? "").trimmingWhitespace()
            if raw.isEmpty {
                if field.required { errors.append(FieldError(field: field.id, messageKey: "error_required")) }
                continue
            }
            switch check(raw, field) {
            case .failure(let error): errors.append(contentsOf: error.fields)
            case .success(let (text, value)):
                result.answers[field.id] = text
                result.facts[field.id] = value
                if field.kind == .registry { references.append((field, text)) }
            }
        }
        // References are checked together, one query per registry, once everything else is known.
        for (registry, group) in Dictionary(grouping: references, by: { $0.field.registry ?? "" }) {
            let live = try await lookups.liveKeys(registry, among: group.map(\.key))
            for (field, key) in group where !live.contains(key) {
                errors.append(FieldError(field: field.id, messageKey: "error_reference"))
            }
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
        return result
    }

    private func check(_ raw: String, _ field: FormField) -> Result<(String, Value), ValidationError> {
        func fail(_ key: String) -> Result<(String, Value), ValidationError> {
            .failure(ValidationError(field: field.id, messageKey: key))
        }
        switch field.kind {
        case .text:
            if let problem = textProblem(raw, minimum: 1, maximum: field.maxLength ?? 500) { return fail(problem) }
            return .success((raw, .string(raw)))
        case .number:
            guard
                let number = Double(
                    raw.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: " ", with: "")),
                number.isFinite
            else { return fail("error_type_number") }
            if let minimum = field.minimum, number < minimum { return fail("error_too_small") }
            if let maximum = field.maximum, number > maximum { return fail("error_too_large") }
            return .success((Value.number(number).description, .number(number)))
        case .date:
            guard let date = CalendarDate(iso: raw) else { return fail("error_date") }
            if let minimum = field.minimum, date.dayNumber < today.dayNumber + Int(minimum) {
                return fail("error_date_too_early")
            }
            if let maximum = field.maximum, date.dayNumber > today.dayNumber + Int(maximum) {
                return fail("error_date_too_late")
            }
            return .success((date.description, .date(date)))
        case .choice:
            guard field.choices.contains(where: { $0.value == raw }) else { return fail("error_not_a_choice") }
            return .success((raw, .string(raw)))
        case .pin:
            do {
                let pin = try PIN(raw, field: field.id, today: today)
                return .success((pin.description, .string(pin.description)))
            } catch { return .failure(error) }
        case .inn:
            do {
                let inn = try INN(raw, field: field.id, today: today)
                return .success((inn.description, .string(inn.description)))
            } catch { return .failure(error) }
        case .registry:
            if let problem = textProblem(raw, minimum: 1, maximum: 100) { return fail(problem) }
            return .success((raw, .string(raw)))
        case .address, .file:
            return fail("error_required")
        }
    }

    private func textProblem(_ text: String, minimum: Int, maximum: Int) -> String? {
        if text.count < minimum { return text.isEmpty ? "error_required" : "error_too_short" }
        if text.count > maximum { return "error_too_long" }
        if text.unicodeScalars.contains(where: {
            $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\r" && $0 != "\t"
        }) {
            return "error_control_characters"
        }
        return nil
    }

    private func check(file: UploadedFile?, _ field: FormField) -> String? {
        guard let file, !file.bytes.isEmpty else { return field.required ? "error_file_required" : nil }
        if file.bytes.count > field.fileLimit { return "error_file_too_large" }
        guard let type = file.sniffedType, field.accept.contains(type) else { return "error_file_type" }
        return nil
    }
}
