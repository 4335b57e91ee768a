import Core

/// An applicant's appeal against a refusal: a case of the `appeal` process at the agency that
/// refused (or the one the service names), decided by its head, with its own deadline.
public struct Appeal: Sendable, Equatable {
    public var applicationID: String
    /// The appeal's own workflow case.
    public var caseID: String
    /// The applicant's grounds, as they wrote them.
    public var reason: String
    public var filedAt: Int

    /// The process every appeal follows (Sources/Services/Demo/appeal.yaml).
    public static let process = "appeal"
    /// The head upheld the refusal: it stands, and the application ends refused.
    public static let upheld = "upheld"
    /// The head set the refusal aside: the stage that refused examines the application again.
    public static let overturned = "overturned"
    /// Days after a refusal within which it can be appealed, unless the service says otherwise.
    public static let defaultDays = 30
    /// The row of `application_cases` that records the appeal's case, and the one of the new
    /// examination after a refusal was set aside (service stages are numbered from 0).
    static let appealStage = 100
    static let reexaminationStage = 101

    public init(applicationID: String, caseID: String, reason: String, filedAt: Int) {
        self.applicationID = applicationID
        self.caseID = caseID
        self.reason = reason
        self.filedAt = filedAt
    }
}

/// Where a service's refusals are appealed, and within how many days.
public struct AppealRoute: Sendable, Codable, Equatable {
    /// The agency whose head decides appeals; nil: the agency that refused.
    public var agency: String?
    /// Days after the refusal; nil: `Appeal.defaultDays`.
    public var days: Int?

    public init(agency: String? = nil, days: Int? = nil) {
        self.agency = agency
        self.days = days
    }
}

/// What a refused applicant may do: appeal until `until`, to the head of `agency`.
public struct AppealRight: Sendable, Equatable {
    public var agency: String
    public var until: CalendarDate
}
