import Core
import Foundation

/// What a person gives to register: raw text from a form or JSON, validated by `IdentityService`.
public struct PersonRegistration: Sendable, Codable {
    public var pin: String
    public var familyName: String
    public var givenName: String
    public var patronymic: String?
    public var districtCode: String?
    public var address: String?
    public var phone: String?
    public var email: String?
    /// Optional: when present an account is opened with this password.
    public var password: String?

    public init(
        pin: String, familyName: String, givenName: String, patronymic: String? = nil, districtCode: String? = nil,
        address: String? = nil, phone: String? = nil, email: String? = nil, password: String? = nil
    ) {
        self.pin = pin
        self.familyName = familyName
        self.givenName = givenName
        self.patronymic = patronymic
        self.districtCode = districtCode
        self.address = address
        self.phone = phone
        self.email = email
        self.password = password
    }
}

/// What is given to register an organisation.
public struct OrganisationRegistration: Sendable, Codable {
    public var inn: String
    public var name: String
    public var legalForm: String
    public var districtCode: String?
    public var address: String?

    public init(inn: String, name: String, legalForm: String, districtCode: String? = nil, address: String? = nil) {
        self.inn = inn
        self.name = name
        self.legalForm = legalForm
        self.districtCode = districtCode
        self.address = address
    }
}

/// Field checks shared by the registrations; each returns the catalog key of the problem.
enum FieldRules {
    static let legalForms = ["LLC", "JSC", "IE", "NGO", "state"]
    static let minimumPasswordLength = 10

    static func requiredName(_ value: String, field: String, into errors: inout [FieldError]) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            errors.append(FieldError(field: field, messageKey: "error_required"))
        } else if trimmed.count > 100 {
            errors.append(FieldError(field: field, messageKey: "error_too_long"))
        }
        return trimmed
    }

    static func optionalText(_ value: String?, field: String, limit: Int, into errors: inout [FieldError]) -> String {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count > limit { errors.append(FieldError(field: field, messageKey: "error_too_long")) }
        return trimmed
    }

    static func email(_ value: String?, into errors: inout [FieldError]) -> String {
        let trimmed = optionalText(value, field: "email", limit: 200, into: &errors)
        if !trimmed.isEmpty {
            let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
            if parts.count != 2 || parts[0].isEmpty || !parts[1].contains(".") || trimmed.contains(" ") {
                errors.append(FieldError(field: "email", messageKey: "error_email"))
            }
        }
        return trimmed
    }
}
