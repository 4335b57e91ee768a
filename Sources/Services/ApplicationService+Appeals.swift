import Core
import Foundation
import Identity
import SQLKit
import Workflow

/// Appeals: a refused applicant asks the head of the agency (or the agency the service names) to
/// examine the refusal, within a number of days; the head upholds it or sets it aside, and then the
/// stage that refused examines the application again. Each step is a workflow case step with its
/// deadline and ledger entry.
extension ApplicationService {
    /// Where and until when `application` can be appealed, or nil: it is not refused, it was
    /// appealed already, or the time is over.
    public func appealRight(of application: Application) async throws -> AppealRight? {
        guard application.status == .refused, let decided = application.decidedAt else { return nil }
        let service = try await catalogue.service(application.serviceID)
        let until = CalendarDate(bishkekDayOf: decided).adding(days: service.appeal?.days ?? Appeal.defaultDays)
        guard clock.today.dayNumber <= until.dayNumber else { return nil }
        let appealed = try await database.withConnection { sql in
            try await self.store.appeal(of: application.id, on: sql)
        }
        guard appealed == nil else { return nil }
        return AppealRight(agency: service.appeal?.agency ?? application.agencyCode, until: until)
    }

    /// The appeal filed against `application`'s refusal, if any.
    public func appeal(of application: Application) async throws -> Appeal? {
        try await database.withConnection { sql in try await self.store.appeal(of: application.id, on: sql) }
    }

    /// Files the applicant's appeal with their grounds: the appeal's case starts at the head of the
    /// agency, the application is "under appeal", all in one transaction with its ledger entries.
    public func fileAppeal(_ applicationID: String, by applicant: Principal, reason: String) async throws
        -> Application
    {
        let application = try await application(applicationID, of: applicant)
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ValidationError(field: "appeal", messageKey: "error_required") }
        guard text.count <= 2000 else { throw ValidationError(field: "appeal", messageKey: "error_too_long") }
        guard let right = try await appealRight(of: application) else {
            throw DomainError.conflict(field: "appeal", messageKey: "error_cannot_appeal")
        }
        let service = try await catalogue.service(application.serviceID)
        let at = clock.seconds
        return try await database.transaction { sql in
            var current = try await self.load(sql, application.id)
            guard current.status == .refused else {
                throw DomainError.conflict(field: "appeal", messageKey: "error_cannot_appeal")
            }
            let started = try await self.workflow.start(
                [
                    CaseStart(
                        definitionID: Appeal.process, agency: right.agency, applicant: current.applicantPIN,
                        facts: ["appeal.reason": .string(text)], actor: .subjectThemself)
                ], on: sql)[0]
            // The primary key keeps it to one appeal, whatever another request does meanwhile.
            try await self.store.insertAppeal(
                Appeal(applicationID: current.id, caseID: started.id, reason: text, filedAt: at), on: sql)
            var row = current
            row.stage = Appeal.appealStage
            row.caseID = started.id
            row.agencyCode = right.agency
            try await self.store.recordStages([row], on: sql)
            let previous = current.status
            current.caseID = started.id
            current.agencyCode = right.agency
            current.decidedAt = nil
            let notes = Notifier()
            try await self.advance(
                sql, &current, case: started, service: service, previous: previous, reason: text, at: at, notes: notes)
            try await self.store.save(current, on: sql)
            try await ServiceRecords.seal(applications: [current.id], ledger: self.ledger, on: sql)
            try await notes.flush(self.store, on: sql)
            return current
        }
    }

    /// After the head set a refusal aside: a new case of the stage that refused, started from the
    /// facts of the refused one, takes over the application.
    func reexamine(_ sql: any SQLDatabase, _ application: inout Application, service: Service) async throws
        -> WorkflowCase
    {
        let stage = service.stages[min(application.stage, service.stages.count - 1)]
        // The case that refused: the stage's first row (the appeal's rows come after the service's stages).
        var refused: WorkflowCase?
        if let row = try await store.stages(of: application.id, on: sql).first(where: { $0.agency == stage.agency }) {
            refused = try await workflow.find(row.caseID, on: sql)
        }
        let started = try await workflow.start(
            [
                CaseStart(
                    definitionID: stage.process, agency: stage.agency, applicant: application.applicantPIN,
                    facts: refused?.facts ?? [:], documents: refused?.documents ?? [], actor: .agency(stage.agency))
            ], on: sql)[0]
        var row = application
        row.stage = Appeal.reexaminationStage
        row.caseID = started.id
        row.agencyCode = stage.agency
        try await store.recordStages([row], on: sql)
        application.caseID = started.id
        application.agencyCode = stage.agency
        return started
    }
}
