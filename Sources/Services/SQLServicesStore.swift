import Core
import Foundation
import Registries
import SQLKit
import Storage

/// `ServicesStore` on the platform database (the tables of `ServiceMigrations`). This file holds
/// the catalogue, drafts and applications; bills, documents and notifications have files of their own.
public struct SQLServicesStore: ServicesStore {
    /// A store; it holds nothing but is handed each caller's connection.
    public init() {}

    // MARK: catalogue

    public func services(on sql: any SQLDatabase) async throws -> [Service] {
        let decoder = JSONDecoder()
        return try await sql.raw("SELECT document FROM services ORDER BY id").all().map { row in
            try decoder.decode(Service.self, from: Data(try row.decode(column: "document", as: String.self).utf8))
        }
    }

    public func publish(_ service: Service, at: Int, on sql: any SQLDatabase) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let document = String(decoding: try encoder.encode(service), as: UTF8.self)
        try await sql.raw(
            """
            INSERT INTO services (id, agency_code, document, updated_at) VALUES (\(bind: service.id), \(bind: service.agency), \(bind: document), \(bind: at))
            ON CONFLICT (id) DO UPDATE SET agency_code = \(bind: service.agency), document = \(bind: document), updated_at = \(bind: at)
            """
        ).run()
    }

    // MARK: drafts

    public func saveDraft(
        _ answers: [String: String], service: String, applicant: String, at: Int, on sql: any SQLDatabase
    ) async throws {
        let text = Self.encodeAnswers(answers)
        try await sql.raw(
            """
            INSERT INTO application_drafts (applicant_pin, service_id, answers, saved_at) VALUES (\(bind: applicant), \(bind: service), \(bind: text), \(bind: at))
            ON CONFLICT (applicant_pin, service_id) DO UPDATE SET answers = \(bind: text), saved_at = \(bind: at)
            """
        ).run()
    }

    public func draft(service: String, applicant: String, on sql: any SQLDatabase) async throws -> [String: String]? {
        try await sql.raw(
            "SELECT answers FROM application_drafts WHERE applicant_pin = \(bind: applicant) AND service_id = \(bind: service)"
        ).first(decodingColumn: "answers", as: String.self).map(Self.decodeAnswers)
    }

    /// Ends the drafts of these (applicant, service) pairs: once an application is submitted, the
    /// next form for the service opens empty.
    public func deleteDrafts(_ pairs: [(applicant: String, service: String)], on sql: any SQLDatabase) async throws {
        for start in stride(from: 0, to: pairs.count, by: 100) {
            try await sql.raw(
                .rows(
                    "DELETE FROM application_drafts WHERE (applicant_pin, service_id) IN (VALUES ",
                    pairs[start..<min(start + 100, pairs.count)].map { [$0.applicant, $0.service] }, ")")
            ).run()
        }
    }

    // MARK: appeals

    public func insertAppeal(_ appeal: Appeal, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO application_appeals (application_id, case_id, reason, filed_at)
            VALUES (\(bind: appeal.applicationID), \(bind: appeal.caseID), \(bind: appeal.reason), \(bind: appeal.filedAt))
            """
        ).run()
    }

    public func appeal(of applicationID: String, on sql: any SQLDatabase) async throws -> Appeal? {
        try await sql.raw(
            "SELECT application_id, case_id, reason, filed_at FROM application_appeals WHERE application_id = \(bind: applicationID)"
        ).first().map { row in
            Appeal(
                applicationID: try row.decode(column: "application_id", as: String.self),
                caseID: try row.decode(column: "case_id", as: String.self),
                reason: try row.decode(column: "reason", as: String.self),
                filedAt: try row.decode(column: "filed_at", as: Int.self))
        }
    }

    // MARK: applications

    public func insert(_ applications: [NewApplication], at: Int, on sql: any SQLDatabase) async throws {
        for start in stride(from: 0, to: applications.count, by: 50) {
            try await sql.raw(
                .rows(
                    """
                    INSERT INTO applications (id, service_id, applicant_pin, organisation_inn, language, answers, status, final, stage, case_id, case_revision,
                      agency_code, submitted_at, due_on, decided_at, idempotency_key, request_hash) VALUES
                    """,
                    applications[start..<min(start + 50, applications.count)].map { new in
                        let a = new.application
                        return [
                            a.id, a.serviceID, a.applicantPIN, a.organisationINN, a.language.rawValue,
                            Self.encodeAnswers(a.answers), a.status.rawValue, a.status.isFinal ? 1 : 0, a.stage,
                            a.caseID, a.caseRevision, a.agencyCode, at, a.dueOn.description, a.decidedAt,
                            new.idempotencyKey, new.requestHash,
                        ] as [any Encodable & Sendable]
                    })
            ).run()
        }
    }

    public func takenApplicationIDs(_ ids: [String], on sql: any SQLDatabase) async throws -> Set<String> {
        var taken: Set<String> = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            for row in try await sql.raw("SELECT id FROM applications WHERE id IN (" + .list(chunk) + ")").all() {
                taken.insert(try row.decode(column: "id", as: String.self))
            }
        }
        return taken
    }

    public func recordStages(_ applications: [Application], on sql: any SQLDatabase) async throws {
        for start in stride(from: 0, to: applications.count, by: 100) {
            try await sql.raw(
                .rows(
                    "INSERT INTO application_cases (application_id, stage, case_id, agency_code) VALUES ",
                    applications[start..<min(start + 100, applications.count)].map {
                        [$0.id, $0.stage, $0.caseID, $0.agencyCode]
                    })
            ).run()
        }
    }

    public func save(_ application: Application, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            UPDATE applications SET status = \(bind: application.status.rawValue), final = \(bind: application.status.isFinal ? 1 : 0),
              stage = \(bind: application.stage), case_id = \(bind: application.caseID), case_revision = \(bind: application.caseRevision),
              agency_code = \(bind: application.agencyCode), decided_at = \(bind: application.decidedAt)
            WHERE id = \(bind: application.id)
            """
        ).run()
    }

    public func application(_ id: String, on sql: any SQLDatabase) async throws -> Application? {
        try await sql.raw("SELECT * FROM applications WHERE id = \(bind: id)").first().map(Self.decode)
    }

    public func applications(of pin: String, on sql: any SQLDatabase) async throws -> [Application] {
        try await sql.raw(
            "SELECT * FROM applications WHERE applicant_pin = \(bind: pin) ORDER BY submitted_at DESC, id"
        ).all().map(Self.decode)
    }

    public func applications(of pin: String, handledBy agency: String, on sql: any SQLDatabase) async throws
        -> [Application]
    {
        try await sql.raw(
            """
            SELECT * FROM applications a WHERE a.applicant_pin = \(bind: pin)
              AND EXISTS (SELECT 1 FROM application_cases s WHERE s.application_id = a.id AND s.agency_code = \(bind: agency))
            ORDER BY a.submitted_at DESC
            """
        ).all().map(Self.decode)
    }

    public func applications(withCases caseIDs: [String], on sql: any SQLDatabase) async throws -> [Application] {
        var found: [Application] = []
        for start in stride(from: 0, to: caseIDs.count, by: 500) {
            let chunk = caseIDs[start..<min(start + 500, caseIDs.count)].map { $0 as any Encodable & Sendable }
            found += try await sql.raw("SELECT * FROM applications WHERE case_id IN (" + .list(chunk) + ")").all()
                .map(Self.decode)
        }
        return found
    }

    public func openApplicationRevisions(withCases caseIDs: [String], on sql: any SQLDatabase) async throws -> [(
        id: String, caseID: String, caseRevision: Int
    )] {
        var found: [(id: String, caseID: String, caseRevision: Int)] = []
        for start in stride(from: 0, to: caseIDs.count, by: 500) {
            let chunk = caseIDs[start..<min(start + 500, caseIDs.count)].map { $0 as any Encodable & Sendable }
            // `final` is checked here, not in SQL: given `final = 0`, SQLite walked the index of
            // open applications (all of them, a number that grows with the backlog) instead of
            // looking up the few cases by `applications_by_case`.
            found += try await sql.raw(
                "SELECT id, case_id, case_revision, final FROM applications WHERE case_id IN (" + .list(chunk) + ")"
            ).all().compactMap { row in
                guard try row.decode(column: "final", as: Int.self) == 0 else { return nil }
                return (
                    try row.decode(column: "id", as: String.self), try row.decode(column: "case_id", as: String.self),
                    try row.decode(column: "case_revision", as: Int.self)
                )
            }
        }
        return found
    }

    public func stages(of applicationID: String, on sql: any SQLDatabase) async throws -> [(
        caseID: String, agency: String
    )] {
        try await sql.raw(
            "SELECT case_id, agency_code FROM application_cases WHERE application_id = \(bind: applicationID) ORDER BY stage"
        ).all().map {
            (try $0.decode(column: "case_id", as: String.self), try $0.decode(column: "agency_code", as: String.self))
        }
    }

    public func rate(_ applicationID: String, score: Int, comment: String, on sql: any SQLDatabase) async throws
        -> Bool
    {
        try await sql.raw(
            """
            UPDATE applications SET rating = \(bind: score), rating_comment = \(bind: comment)
            WHERE id = \(bind: applicationID) AND rating IS NULL RETURNING id
            """
        ).first() != nil
    }

    public func serviceCounts(on sql: any SQLDatabase) async throws -> [ServiceCounts] {
        try await sql.raw(
            """
            SELECT service_id, COUNT(*) AS n, SUM(CASE WHEN final = 0 THEN 1 ELSE 0 END) AS open,
              SUM(CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END) AS rated, AVG(CAST(rating AS DOUBLE PRECISION)) AS rating
            FROM applications GROUP BY service_id
            """
        ).all().map { row in
            ServiceCounts(
                serviceID: try row.decode(column: "service_id", as: String.self),
                applications: try row.decode(column: "n", as: Int.self),
                open: try row.decode(column: "open", as: Int?.self) ?? 0,
                rated: try row.decode(column: "rated", as: Int?.self) ?? 0,
                averageRating: try row.decode(column: "rating", as: Double?.self))
        }
    }

    public func decisionTimes(on sql: any SQLDatabase) async throws -> [DecisionTimes] {
        try await sql.raw(
            """
            SELECT service_id, submitted_at, decided_at, due_on FROM applications
            WHERE final = 1 AND status <> 'withdrawn' AND decided_at IS NOT NULL
            """
        ).all().map { row in
            DecisionTimes(
                serviceID: try row.decode(column: "service_id", as: String.self),
                submittedAt: try row.decode(column: "submitted_at", as: Int.self),
                decidedAt: try row.decode(column: "decided_at", as: Int.self),
                dueOn: try row.decode(column: "due_on", as: String.self))
        }
    }

    // MARK: coding

    static func encodeAnswers(_ answers: [String: String]) -> String {
        JSONValue.object(answers.mapValues { .string($0) }).canonicalJSON
    }

    static func decodeAnswers(_ text: String) -> [String: String] {
        guard case .object(let object)? = try? JSONValue.parse(text) else { return [:] }
        return object.compactMapValues(\.stringValue)
    }

    static func decode(_ row: any SQLRow) throws -> Application {
        Application(
            id: try row.decode(column: "id", as: String.self),
            serviceID: try row.decode(column: "service_id", as: String.self),
            applicantPIN: try row.decode(column: "applicant_pin", as: String.self),
            organisationINN: try row.decode(column: "organisation_inn", as: String?.self),
            language: Language(rawValue: try row.decode(column: "language", as: String.self)) ?? .ky,
            answers: decodeAnswers(try row.decode(column: "answers", as: String.self)),
            status: Application.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .inProgress,
            stage: try row.decode(column: "stage", as: Int.self),
            caseID: try row.decode(column: "case_id", as: String.self),
            agencyCode: try row.decode(column: "agency_code", as: String.self),
            submittedAt: try row.decode(column: "submitted_at", as: Int.self),
            dueOn: CalendarDate(iso: try row.decode(column: "due_on", as: String.self)) ?? CalendarDate(dayNumber: 0),
            decidedAt: try row.decode(column: "decided_at", as: Int?.self),
            rating: try row.decode(column: "rating", as: Int?.self),
            ledgerIndex: try row.decode(column: "ledger_index", as: Int?.self),
            caseRevision: try row.decode(column: "case_revision", as: Int.self))
    }
}
