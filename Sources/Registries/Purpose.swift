import Core
import Identity

/// Why someone reads a person's data: the law that allows it and, usually, the case it serves.
public struct Purpose: Sendable, Equatable, Codable {
    /// The legal basis, e.g. "Law on State Registration, art. 12".
    public var legalBasis: String
    /// The case or application number the read serves, if any.
    public var caseNumber: String

    /// Trims and checks both; a missing legal basis is refused with `error_purpose_required`.
    public init(legalBasis: String, caseNumber: String = "") throws(ValidationError) {
        let basis = legalBasis.trimmingCharacters(in: .whitespacesAndNewlines)
        let number = caseNumber.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [FieldError] = []
        if basis.count < 3 { problems.append(FieldError(field: "purpose", messageKey: "error_purpose_required")) }
        if basis.count > 300 { problems.append(FieldError(field: "purpose", messageKey: "error_too_long")) }
        if number.count > 100 { problems.append(FieldError(field: "caseNumber", messageKey: "error_too_long")) }
        guard problems.isEmpty else { throw ValidationError(problems) }
        self.legalBasis = basis
        self.caseNumber = number
    }
}
