import Core
import Foundation
import Testing
import Workflow

@testable import Services

/// Every field type of a form, with good and bad values: the facts the process sees, or the
/// message key beside the field.
@Suite struct FormValidatorTests {
    struct Lookups: FormLookups {
        var districts: Set<String> = ["BIS-LEN"]
        func liveKeys(_ registry: String, among keys: [String]) async throws -> Set<String> {
            Set(keys.filter { $0 == "P-1" })
        }
    }

    static func field(_ json: String) throws -> FormField {
        try JSONDecoder().decode(FormField.self, from: Data(json.utf8))
    }

    static let today = CalendarDate(year: 2026, month: 11, day: 29)!

    static let form: [FormField] = {
        let label = #""label": {"ky": "a", "ru": "b", "en": "c"}"#
        return try! [
            field(#"{"id": "name", "type": "text", "maxLength": 10, \#(label)}"#),
            field(#"{"id": "n", "type": "number", "minimum": 1, "maximum": 9, \#(label)}"#),
            field(#"{"id": "d", "type": "date", "minimum": -30, "maximum": 0, \#(label)}"#),
            field(#"{"id": "c", "type": "choice", "choices": [{"value": "x", \#(label)}], \#(label)}"#),
            field(#"{"id": "pin", "type": "pin", \#(label)}"#),
            field(#"{"id": "inn", "type": "inn", "required": false, \#(label)}"#),
            field(#"{"id": "addr", "type": "address", \#(label)}"#),
            field(#"{"id": "f", "type": "file", "accept": ["pdf"], "maxBytes": 100, \#(label)}"#),
            field(#"{"id": "r", "type": "registry", "registry": "land_parcels", \#(label)}"#),
        ]
    }()

    static let good: [String: String] = [
        "name": " Aigul ", "n": "3,5", "d": "2026-11-20", "c": "x", "pin": "11207 199000417",
        "addr.district": "BIS-LEN", "addr.street": "Chui 120", "r": "P-1",
    ]
    static let pdf = UploadedFile(filename: "a.pdf", bytes: Array("%PDF-1.4 x".utf8))

    @Test func goodAnswersBecomeNormalizedAnswersAndTypedFacts() async throws {
        let result = try await FormValidator(fields: Self.form, today: Self.today).validate(
            Self.good, files: ["f": Self.pdf], lookups: Lookups())
        #expect(
            result.answers["name"] == "Aigul" && result.answers["n"] == "3.5"
                && result.answers["pin"] == "11207199000417")
        #expect(
            result.facts["n"] == .number(3.5)
                && result.facts["d"] == .date(CalendarDate(year: 2026, month: 11, day: 20)!))
        #expect(
            result.facts["addr.district"] == "BIS-LEN" && result.files["f"] == Self.pdf && result.answers["inn"] == nil)
    }

    @Test(arguments: [
        ("name", "12345678901", "error_too_long"), ("name", "a\u{0}b", "error_control_characters"),
        ("n", "ten", "error_type_number"), ("n", "0", "error_too_small"), ("n", "10", "error_too_large"),
        ("n", "nan", "error_type_number"),
        ("d", "29.11.2026", "error_date"), ("d", "2026-02-29", "error_date"),
        ("d", "2026-12-01", "error_date_too_late"), ("d", "2026-01-01", "error_date_too_early"),
        ("c", "y", "error_not_a_choice"), ("pin", "1120719900041", "error_pin_length"),
        ("pin", "31207199000417", "error_pin_sex"),
        ("pin", "13213199000417", "error_pin_date"), ("inn", "01203201510", "error_inn_length"),
        ("inn", "31203201510005", "error_inn_kind"),
        ("addr.district", "MARS", "error_district"), ("addr.street", "x", "error_too_short"),
        ("r", "P-2", "error_reference"),
        ("name", "", "error_required"),
    ])
    func badAnswersAreReportedBesideTheirField(field: String, value: String, key: String) async throws {
        var answers = Self.good
        answers[field] = value
        let error = await #expect(throws: ValidationError.self) {
            try await FormValidator(fields: Self.form, today: Self.today).validate(
                answers, files: ["f": Self.pdf], lookups: Lookups())
        }
        #expect(error?.fields == [FieldError(field: field, messageKey: key)])
    }

    @Test func filesAreCheckedByContentAndSize() async throws {
        let validator = FormValidator(fields: Self.form, today: Self.today)
        for (file, key) in [
            (
                UploadedFile(filename: "a.pdf", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
                "error_file_type"
            ),
            (
                UploadedFile(filename: "a.pdf", bytes: Array("%PDF-".utf8) + Array(repeating: 0, count: 100)),
                "error_file_too_large"
            ),
            (UploadedFile(filename: "a.pdf", bytes: []), "error_file_required"),
        ] {
            let error = await #expect(throws: ValidationError.self) {
                try await validator.validate(Self.good, files: ["f": file], lookups: Lookups())
            }
            #expect(error?.fields == [FieldError(field: "f", messageKey: key)])
        }
    }

    @Test func theAPIRefusesFieldsTheFormDoesNotHaveAndPrefilledAnswersComeFromTheRegister() async throws {
        let validator = FormValidator(fields: Self.form, today: Self.today)
        var answers = Self.good
        answers["colour"] = "red"
        let error = await #expect(throws: ValidationError.self) {
            try await validator.validate(answers, files: ["f": Self.pdf], lookups: Lookups(), strict: true)
        }
        #expect(error?.fields == [FieldError(field: "colour", messageKey: "error_unknown_field")])
        _ = try await validator.validate(answers, files: ["f": Self.pdf], lookups: Lookups(), strict: false)
    }
}
