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
    public var files: [FileSummary]
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

    /// Open cases of the agency (of one official, when given) joined with their applications, soonest
    /// due first, at most 500. Cases are read a page at a time from the workflow until 500
    /// applications of the wanted service are found.
    private func openCases(agency: String, assignee: String?, service: String?) async throws -> [InboxItem] {
        let today = clock.today
        let page = 500
        let items = try await database.withConnection { sql in
            var items: [InboxItem] = []
            var offset = 0
            while items.count < page {
                let cases = try await workflow.openCases(
                    agency: agency, assignee: assignee, offset: offset, limit: page, on: sql)
                offset += cases.count
                let applications = Dictionary(
                    try await store.applications(withCases: cases.map(\.id), on: sql).map { ($0.caseID, $0) },
                    uniquingKeysWith: { first, _ in first })
                for item in cases {
                    guard let application = applications[item.id] else { continue }
                    if let service, !service.isEmpty, application.serviceID != service { continue }
                    items.append(Self.inboxItem(application, item, today: today))
                }
                if cases.count < page { break }
            }
            return items
        }
        return Array(
            items.enumerated().sorted {
                ($0.element.stepDueOn?.dayNumber ?? Int.min, $0.element.submittedAt, $0.offset)
                    < ($1.element.stepDueOn?.dayNumber ?? Int.min, $1.element.submittedAt, $1.offset)
            }.map(\.element).prefix(page))
    }

    static func inboxItem(_ application: Application, _ item: WorkflowCase, today: CalendarDate) -> InboxItem {
        let legalDue = application.dueOn
        let due = [item.dueOn, legalDue].compactMap { $0 }.min { $0.dayNumber < $1.dayNumber } ?? legalDue
        let sla: InboxItem.SLA =
            due.dayNumber < today.dayNumber ? .overdue : due.dayNumber - today.dayNumber <= 2 ? .dueSoon : .onTime
        return InboxItem(
            applicationID: application.id, serviceID: application.serviceID, state: item.state,
            assigneePIN: item.assigneePIN, submittedAt: application.submittedAt, stepDueOn: item.dueOn,
            legalDueOn: legalDue, sla: sla)
    }

    /// An application that `agency` handles or handled, for its systems; "not found" otherwise.
    public func applicationForAgency(_ id: String, agency: String) async throws -> Application {
        try await database.withConnection { sql in
            guard try await store.stages(of: id, on: sql).contains(where: { $0.agency == agency }) else {
                throw DomainError.notFound
            }
            return try await self.load(sql, id)
        }
    }

    /// A person's applications that `agency` handles or handled.
    public func applications(of pin: String, handledBy agency: String) async throws -> [Application] {
        try await database.withConnection { sql in try await store.applications(of: pin, handledBy: agency, on: sql) }
    }

    /// Opens a case for an official of an agency that handles (or handled) it. The opening is a
    /// read of the applicant's data: it is logged for them and in the ledger before anything is shown.
    public func openCase(_ applicationID: String, by official: Principal) async throws -> CaseFile {
        guard let post = official.post else { throw DomainError.forbidden }
        try AccessPolicy.require(.viewBackOffice, of: official)
        let (application, agencies, files) = try await database.withConnection { sql in
            let application = try await self.load(sql, applicationID)
            let agencies = try await store.stages(of: applicationID, on: sql).map(\.agency)
            let files = try await store.files(of: applicationID, on: sql)
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
                    legalBasis: PlatformPurpose.examination(application: application.id, service: service.id)
                        .legalBasis,
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
                let agencies = try await store.stages(of: applicationID, on: sql).map(\.agency)
                guard let agency = viewer.post?.agencyCode, agencies.contains(agency) else {
                    throw DomainError.notFound
                }
            }
            guard let file = try await store.file(field, of: applicationID, on: sql) else { throw DomainError.notFound }
            return file
        }
    }
}
