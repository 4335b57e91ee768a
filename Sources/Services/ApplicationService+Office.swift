import Core
import Foundation
import Identity
import Ledger
import Registries
import SQLKit
import Workflow

/// One line of an official's inbox.
public struct InboxItem: Sendable, Equatable {
    public var applicationID: String
    public var serviceID: String
    public var state: String
    public var assigneePIN: String?
    public var submittedAt: Int
    /// The last working day of the current step, and the legal deadline of the whole application.
    public var stepDueOn: CalendarDate?
    public var legalDueOn: CalendarDate
    public var sla: SLA

    /// How the deadline stands today.
    public enum SLA: String, Sendable {
        case overdue
        case dueSoon = "due_soon"
        case onTime = "on_time"
    }
}

/// Which cases an inbox shows.
public struct InboxFilter: Sendable {
    /// Only the official's own cases, or (for a head) every open case of the agency.
    public var wholeAgency: Bool
    public var serviceID: String?
    public var overdueOnly: Bool

    public init(wholeAgency: Bool = false, serviceID: String? = nil, overdueOnly: Bool = false) {
        self.wholeAgency = wholeAgency
        self.serviceID = serviceID
        self.overdueOnly = overdueOnly
    }
}

/// A case as the official sees it when they open it.
public struct CaseFile: Sendable {
    public var application: Application
    public var service: Service
    public var item: WorkflowCase
    public var applicant: Person?
    /// Uploaded files: field, filename, media type, size, SHA-256.
    public var files: [(field: String, filename: String, mediaType: String, size: Int, sha256: String)]
    /// Actions the definition allows this official now.
    public var actions: [String]
    public var timeline: [TimelineEvent]
}

/// The back office: inboxes, opening a case (a logged read of the applicant's data), decisions.
extension ApplicationService {
    /// The official's open cases, most urgent first.
    public func inbox(of official: Principal, filter: InboxFilter = InboxFilter()) async throws -> [InboxItem] {
        guard let post = official.post else { throw DomainError.forbidden }
        try AccessPolicy.require(.viewBackOffice, of: official)
        let whole = filter.wholeAgency && post.roles.contains(.head)
        let items = try await openCases(
            agency: post.agencyCode, assignee: whole ? nil : official.pin, service: filter.serviceID)
        return filter.overdueOnly ? items.filter { $0.sla == .overdue } : items
    }

    /// Every open case of an agency (the GovStack `tasks` of its systems).
    public func tasks(agency: String) async throws -> [InboxItem] {
        try await openCases(agency: agency, assignee: nil, service: nil)
    }

    private func openCases(agency: String, assignee: String?, service: String?) async throws -> [InboxItem] {
        let today = clock.today
        return try await database.withConnection { sql in
            var query: SQLQueryString = """
                SELECT a.id, a.service_id, a.submitted_at, a.due_on AS legal_due, c.state, c.due_on, c.assignee_pin
                FROM workflow_cases c JOIN applications a ON a.case_id = c.id
                WHERE c.terminal = 0 AND c.agency_code = \(bind: agency)
                """
            if let assignee { query = query + " AND c.assignee_pin = \(bind: assignee)" }
            if let service, !service.isEmpty { query = query + " AND a.service_id = \(bind: service)" }
            query = query + " ORDER BY c.due_on, a.submitted_at LIMIT 500"
            return try await sql.raw(query).all().map { row in
                let stepDue = try row.decode(column: "due_on", as: String?.self).flatMap(CalendarDate.init(iso:))
                let legalDue = CalendarDate(iso: try row.decode(column: "legal_due", as: String.self)) ?? today
                let due = [stepDue, legalDue].compactMap { $0 }.min { $0.dayNumber < $1.dayNumber } ?? legalDue
                let sla: InboxItem.SLA =
                    due.dayNumber < today.dayNumber
                    ? .overdue : due.dayNumber - today.dayNumber <= 2 ? .dueSoon : .onTime
                return InboxItem(
                    applicationID: try row.decode(column: "id", as: String.self),
                    serviceID: try row.decode(column: "service_id", as: String.self),
                    state: try row.decode(column: "state", as: String.self),
                    assigneePIN: try row.decode(column: "assignee_pin", as: String?.self),
                    submittedAt: try row.decode(column: "submitted_at", as: Int.self), stepDueOn: stepDue,
                    legalDueOn: legalDue, sla: sla)
            }
        }
    }

    /// An application that `agency` handles or handled, for its systems; "not found" otherwise.
    public func applicationForAgency(_ id: String, agency: String) async throws -> Application {
        try await database.withConnection { sql in
            let handled = try await sql.raw(
                "SELECT 1 AS one FROM application_cases WHERE application_id = \(bind: id) AND agency_code = \(bind: agency)"
            ).first()
            guard handled != nil else { throw DomainError.notFound }
            return try await self.load(sql, id)
        }
    }

    /// A person's applications that `agency` handles or handled.
    public func applications(of pin: String, handledBy agency: String) async throws -> [Application] {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT * FROM applications a WHERE a.applicant_pin = \(bind: pin)
                  AND EXISTS (SELECT 1 FROM application_cases s WHERE s.application_id = a.id AND s.agency_code = \(bind: agency))
                ORDER BY a.submitted_at DESC
                """
            ).all().map(Self.decode)
        }
    }

    /// Opens a case for an official of an agency that handles (or handled) it. The opening is a
    /// read of the applicant's data: it is logged for them and in the ledger before anything is shown.
    public func openCase(_ applicationID: String, by official: Principal) async throws -> CaseFile {
        guard let post = official.post else { throw DomainError.forbidden }
        try AccessPolicy.require(.viewBackOffice, of: official)
        let (application, agencies, files) = try await database.withConnection { sql in
            let application = try await self.load(sql, applicationID)
            let agencies = try await sql.raw(
                "SELECT agency_code FROM application_cases WHERE application_id = \(bind: applicationID)"
            ).all()
                .map { try $0.decode(column: "agency_code", as: String.self) }
            let files = try await sql.raw(
                "SELECT field, filename, media_type, size, sha256 FROM application_files WHERE application_id = \(bind: applicationID) ORDER BY field"
            ).all().map {
                (
                    field: try $0.decode(column: "field", as: String.self),
                    filename: try $0.decode(column: "filename", as: String.self),
                    mediaType: try $0.decode(column: "media_type", as: String.self),
                    size: try $0.decode(column: "size", as: Int.self),
                    sha256: try $0.decode(column: "sha256", as: String.self)
                )
            }
            return (application, agencies, files)
        }
        guard agencies.contains(post.agencyCode) else { throw DomainError.forbidden }
        let service = try await catalogue.service(application.serviceID)
        let item = try await workflow.find(application.caseID)
        _ = try await registries.log(
            [
                DataAccess(
                    id: Secrets.token(), personPIN: application.applicantPIN, registry: "applications",
                    recordKey: application.id, readerKind: "official",
                    readerID: official.pin, readerName: official.displayName, agencyCode: post.agencyCode,
                    application: "",
                    legalBasis: "examination of application \(application.id) (\(service.id))",
                    caseNumber: application.caseID, at: clock.seconds)
            ], by: .person(official.pin))
        let definition = try await workflow.definition(item.definitionID, version: item.version)
        let roles = Set(post.roles.map(\.rawValue))
        let actions =
            item.agencyCode == post.agencyCode && item.applicantPIN != official.pin
            ? definition.actions(from: item.state).filter { !Set($0.roles).isDisjoint(with: roles) }.map(\.id) : []
        return CaseFile(
            application: application, service: service, item: item,
            applicant: try await identity.person(pin: application.applicantPIN),
            files: files, actions: actions, timeline: try await timeline(application))
    }

    /// An official's decision on a case: the action must be one the definition allows their
    /// role, in their agency, and the reason is required. The application moves on in the same transaction.
    public func decide(_ applicationID: String, action: String, by official: Principal, reason: String) async throws
        -> Application
    {
        guard official.post != nil else { throw DomainError.forbidden }
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ValidationError(field: "reason", messageKey: "error_reason_required") }
        guard text.count <= 2000 else { throw ValidationError(field: "reason", messageKey: "error_too_long") }
        let application = try await database.withConnection { sql in try await self.load(sql, applicationID) }
        return try await progress(application, reason: text) { sql in
            try await self.workflow.act(application.caseID, action: action, by: official, reason: text, on: sql)
        }
    }

    /// A file of an application, for the applicant or an official of an agency that handles it.
    public func file(_ applicationID: String, field: String, for viewer: Principal) async throws -> (
        filename: String, mediaType: String, bytes: Data
    ) {
        try await database.withConnection { sql in
            let application = try await self.load(sql, applicationID)
            if application.applicantPIN != viewer.pin {
                let agencies = try await sql.raw(
                    "SELECT agency_code FROM application_cases WHERE application_id = \(bind: applicationID)"
                ).all()
                    .map { try $0.decode(column: "agency_code", as: String.self) }
                guard let agency = viewer.post?.agencyCode, agencies.contains(agency) else {
                    throw DomainError.notFound
                }
            }
            guard
                let row = try await sql.raw(
                    "SELECT filename, media_type, content FROM application_files WHERE application_id = \(bind: applicationID) AND field = \(bind: field)"
                ).first(),
                let bytes = Data(base64Encoded: try row.decode(column: "content", as: String.self))
            else { throw DomainError.notFound }
            return (
                try row.decode(column: "filename", as: String.self),
                try row.decode(column: "media_type", as: String.self), bytes
            )
        }
    }
}
