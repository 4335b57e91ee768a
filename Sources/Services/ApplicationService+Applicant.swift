import Core
import Foundation
import Identity
import Ledger
import Registries
import SQLKit
import Workflow

/// What an applicant does with their applications: list and follow them, pay, withdraw,
/// answer a request for correction, rate the service. Nobody sees another person's application:
/// an id that is not theirs is "not found", exactly like one that does not exist.
extension ApplicationService {
    /// The applicant's applications, newest first.
    public func applications(of applicant: Principal) async throws -> [Application] {
        try await database.withConnection { sql in try await store.applications(of: applicant.pin, on: sql) }
    }

    /// One of the applicant's applications, or `notFound`.
    public func application(_ id: String, of applicant: Principal) async throws -> Application {
        let application = try await database.withConnection { sql in try await self.load(sql, id) }
        guard application.applicantPIN == applicant.pin else { throw DomainError.notFound }
        return application
    }

    /// The application's history across its stages, oldest first, each event with its ledger index.
    public func timeline(_ application: Application) async throws -> [TimelineEvent] {
        let (stages, bill, document) = try await database.withConnection { sql in
            (
                try await store.stages(of: application.id, on: sql), try await store.bill(of: application.id, on: sql),
                try await store.document(ofApplication: application.id, on: sql)
            )
        }
        var events: [TimelineEvent] = []
        for (caseID, agency) in stages {
            for event in try await workflow.history(caseID) {
                events.append(
                    TimelineEvent(
                        kind: event.kind, state: event.to, action: event.action,
                        // An official's reasons and the applicant's own words (a correction), not
                        // the system's notes.
                        reason: event.kind == "transition" && (event.role != nil || event.actor == "applicant")
                            ? event.reason : "", at: event.at,
                        ledgerIndex: event.ledgerIndex, agencyCode: agency))
            }
        }
        if let bill, let paidAt = bill.paidAt {
            events.append(
                TimelineEvent(
                    kind: "paid", state: nil, action: nil, reason: bill.receiptNumber ?? "", at: paidAt,
                    ledgerIndex: bill.ledgerIndex, agencyCode: application.agencyCode))
        }
        if let document {
            events.append(
                TimelineEvent(
                    kind: "document", state: nil, action: nil, reason: "", at: document.issuedAt,
                    ledgerIndex: document.ledgerIndex, agencyCode: document.agency))
        }
        // Within one second, the ledger's order is the order things happened (a payment before the
        // step it let go on); events without an entry keep their place after those with one.
        func order(_ item: (offset: Int, element: TimelineEvent)) -> (Int, Int, Int) {
            (item.element.at, item.element.ledgerIndex ?? Int.max, item.offset)
        }
        return events.enumerated().sorted { order($0) < order($1) }.map(\.element)
    }

    /// The id of the document issued for the application, if one was.
    public func documentID(of application: Application) async throws -> String? {
        try await database.withConnection { sql in
            try await store.document(ofApplication: application.id, on: sql)?.document.id
        }
    }

    // MARK: fees

    /// The bill of an application, if its service has a fee.
    public func bill(of application: Application) async throws -> Bill? {
        try await database.withConnection { sql in try await store.bill(of: application.id, on: sql) }
    }

    /// Pays the application's fee through the gateway. A bill is charged at most once: a second
    /// click while the first is under way, or after it was paid, only reads its state. When the
    /// gateway does not answer, the bill stays pending and `reconcile` settles it later.
    public func pay(_ applicationID: String, by applicant: Principal, instruction: String) async throws -> Bill {
        let application = try await application(applicationID, of: applicant)
        guard let found = try await bill(of: application) else { throw DomainError.notFound }
        guard found.status != "paid" else { return found }
        var bill = found
        let billID = found.id
        let claimed = try await database.withConnection { sql in try await store.claimBill(billID, on: sql) }
        let outcome =
            claimed
            ? try await gateway.charge(bill: bill.id, amount: bill.amount, instruction: instruction)
            : try await gateway.status(bill: bill.id)
        switch outcome {
        case .confirmed(let reference):
            return try await recordPayment(bill: bill.id, application: application.id, reference: reference)
        case .failed:
            if claimed {
                try await database.withConnection { sql in try await store.failBill(billID, on: sql) }
                bill.status = "failed"
            }
            return bill
        case .pending(let reference):
            try await database.withConnection { sql in
                try await store.setGatewayReference(reference, bill: billID, on: sql)
            }
            bill.status = "pending"
            bill.gatewayReference = reference
            return bill
        }
    }

    /// Records a confirmed charge, its receipt and ledger entry, and lets the case proceed — one
    /// transaction, so a paid application is never left waiting for payment.
    func recordPayment(bill id: String, application applicationID: String, reference: String) async throws -> Bill {
        let at = clock.seconds
        let service = try await catalogue.service(
            try await database.withConnection { sql in try await self.load(sql, applicationID) }.serviceID)
        return try await database.transaction { sql in
            var application = try await self.load(sql, applicationID)
            guard var bill = try await self.store.bill(of: applicationID, on: sql), bill.id == id else {
                throw DomainError.notFound
            }
            guard bill.status != "paid" else { return bill }
            let receipt = "R" + id.dropFirst()  // B-0ZPK-D14J-15 → R-0ZPK-D14J-15
            let event = try LedgerEvent(
                kind: "payment.confirmed", actor: "system:payment-gateway", subject: "bill:\(id)", time: at,
                details: [
                    "application": applicationID, "amount": String(bill.amount), "currency": bill.currency,
                    "reference": reference, "receipt": receipt,
                ])
            let index = try await self.ledger.append([event], on: sql).lowerBound
            try await self.store.markPaid(
                id, reference: reference, receipt: receipt, at: at, ledgerIndex: index, on: sql)
            bill.status = "paid"
            bill.gatewayReference = reference
            bill.receiptNumber = receipt
            bill.paidAt = at
            bill.ledgerIndex = index
            let current = try await self.workflow.find(application.caseID, on: sql)
            if current.state == "awaiting_payment" {
                let previous = application.status
                let item = try await self.workflow.systemAct(
                    application.caseID, action: "paid", by: .system("payment-gateway"),
                    reason: "fee paid, receipt \(receipt)", on: sql)
                let notes = Notifier()
                try await self.advance(
                    sql, &application, case: item, service: service, previous: previous, reason: "", at: at,
                    notes: notes)
                try await self.store.save(application, on: sql)
                try await ServiceRecords.seal(applications: [application.id], ledger: self.ledger, on: sql)
                try await notes.flush(self.store, on: sql)
            }
            return bill
        }
    }

    // MARK: the applicant's actions

    /// Withdraws an application that is not decided yet.
    public func withdraw(_ applicationID: String, by applicant: Principal, reason: String) async throws -> Application {
        let application = try await application(applicationID, of: applicant)
        guard !application.status.isFinal else {
            throw DomainError.conflict(field: "application", messageKey: "error_application_closed")
        }
        let text = String(reason.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500))
        return try await progress(application, reason: "") { sql in
            do {
                return try await self.workflow.systemAct(
                    application.caseID, action: "withdraw", by: .subjectThemself, reason: text, on: sql)
            } catch is WorkflowError {
                throw DomainError.conflict(field: "application", messageKey: "error_cannot_withdraw")
            }
        }
    }

    /// Answers an official's request for correction: a comment and, if needed, a corrected file.
    public func answerCorrection(_ applicationID: String, by applicant: Principal, comment: String, file: UploadedFile?)
        async throws -> Application
    {
        let application = try await application(applicationID, of: applicant)
        guard application.status == .correctionRequested else {
            throw DomainError.conflict(field: "application", messageKey: "error_no_correction_asked")
        }
        let text = comment.trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [FieldError] = []
        if text.isEmpty { errors.append(FieldError(field: "comment", messageKey: "error_required")) }
        if text.count > 2000 { errors.append(FieldError(field: "comment", messageKey: "error_too_long")) }
        if let file, !file.bytes.isEmpty {
            if file.bytes.count > 5 * 1024 * 1024 {
                errors.append(FieldError(field: "file", messageKey: "error_file_too_large"))
            } else if file.sniffedType == nil {
                errors.append(FieldError(field: "file", messageKey: "error_file_type"))
            }
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
        return try await progress(application, reason: "") { sql in
            if let file, !file.bytes.isEmpty {
                let field = "correction-\(self.clock.seconds)"
                try await self.store.insertFile(file, field: field, application: application.id, on: sql)
            }
            return try await self.workflow.systemAct(
                application.caseID, action: "resubmit", by: .subjectThemself, reason: text,
                facts: ["correction.comment": .string(text)], on: sql)
        }
    }

    /// Rates a decided application once, 1 to 5, with an optional comment.
    public func rate(_ applicationID: String, by applicant: Principal, score: Int, comment: String) async throws {
        let application = try await application(applicationID, of: applicant)
        guard application.status.isFinal else {
            throw DomainError.conflict(field: "rating", messageKey: "error_rate_after_decision")
        }
        guard (1...5).contains(score) else { throw ValidationError(field: "rating", messageKey: "error_rating") }
        let text = String(comment.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500))
        let rated = try await database.withConnection { sql in
            try await store.rate(application.id, score: score, comment: text, on: sql)
        }
        guard rated else { throw DomainError.conflict(field: "rating", messageKey: "error_rated_already") }
    }

    // MARK: notifications

    /// The signed-in person's notifications, newest first (at most 100).
    public func notifications(of person: Principal) async throws -> [AppNotification] {
        try await database.withConnection { sql in try await store.notifications(of: person.pin, limit: 100, on: sql) }
    }

    /// Marks all of a person's notifications read.
    public func markNotificationsRead(of person: Principal) async throws {
        let at = clock.seconds
        try await database.withConnection { sql in
            try await store.markNotificationsRead(of: person.pin, at: at, on: sql)
        }
    }
}
