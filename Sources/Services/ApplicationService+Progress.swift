import Core
import Crypto
import Foundation
import Identity
import Ledger
import Registries
import SQLKit
import Workflow

/// How an application moves on after its case changed: the next agency's stage, the document,
/// the decision time, the applicant's notification. All on the caller's transaction.
extension ApplicationService {
    /// The applicant's view of a case's state.
    static func status(of item: WorkflowCase, service: Service, stage: Int) -> Application.Status {
        if item.definitionID == Appeal.process {
            return item.state == Appeal.upheld ? .refused : .underAppeal
        }
        if item.state == "awaiting_payment" { return .awaitingPayment }
        if item.state == "correction" { return .correctionRequested }
        guard item.isTerminal else { return .inProgress }
        if item.state == "withdrawn" { return .withdrawn }
        guard stage < service.stages.count, service.stages[stage].passOn.contains(item.state) else { return .refused }
        if stage < service.stages.count - 1 { return .inProgress }
        return service.issues?.on.contains(item.state) == true ? .issued : .approved
    }

    /// Brings `application` up to date with its case `item`: starts the next stage when this one
    /// passed, issues the document, notes the decision and tells the applicant of a new status.
    /// The caller stores the application row.
    func advance(
        _ sql: any SQLDatabase, _ application: inout Application, case item: WorkflowCase, service: Service,
        previous: Application.Status?, reason: String, at: Int, notes: Notifier
    ) async throws {
        var item = item
        if item.definitionID == Appeal.process && item.state == Appeal.overturned {
            item = try await reexamine(sql, &application, service: service)
        }
        while item.isTerminal, application.stage < service.stages.count,
            service.stages[application.stage].passOn.contains(item.state),
            let next = service.stage(after: application.stage)
        {
            let started = try await workflow.start(
                [
                    CaseStart(
                        definitionID: next.process, agency: next.agency, applicant: application.applicantPIN,
                        facts: item.facts, documents: item.documents, actor: .agency(item.agencyCode))
                ], on: sql)
            item = started[0]
            application.stage += 1
            application.caseID = item.id
            application.agencyCode = next.agency
            try await store.recordStages([application], on: sql)
        }
        let status = Self.status(of: item, service: service, stage: application.stage)
        var made: [String: String] = [:]
        if (status == .issued || status == .approved) && previous != status {
            made = try await writeRecords(sql, application, service: service, case: item, at: at)
        }
        if status == .issued {
            try await issueDocument(sql, application, service: service, case: item, at: at, extra: made)
        }
        if status.isFinal && application.decidedAt == nil { application.decidedAt = at }
        application.status = status
        application.caseRevision = item.revision
        if status != previous {
            notes.add(application, service: service, status: status, reason: reason, at: at)
        }
    }

    /// Changes the case through `change` and moves the application on, in one transaction.
    func progress(
        _ application: Application, reason: String,
        _ change: @escaping @Sendable (any SQLDatabase) async throws -> WorkflowCase
    ) async throws -> Application {
        let service = try await catalogue.service(application.serviceID)
        let at = clock.seconds
        return try await database.transaction { sql in
            var current = try await self.load(sql, application.id)
            let previous = current.status
            let item = try await change(sql)
            let notes = Notifier()
            try await self.advance(
                sql, &current, case: item, service: service, previous: previous, reason: reason, at: at, notes: notes)
            try await self.store.save(current, on: sql)
            try await ServiceRecords.seal(applications: [current.id], ledger: self.ledger, on: sql)
            try await notes.flush(self.store, on: sql)
            return current
        }
    }

    func load(_ sql: any SQLDatabase, _ id: String) async throws -> Application {
        guard let application = try await store.application(id, on: sql) else { throw DomainError.notFound }
        return application
    }

    // MARK: documents

    /// Signs and stores the document of a positive decision, once per application.
    func issueDocument(
        _ sql: any SQLDatabase, _ application: Application, service: Service, case item: WorkflowCase, at: Int,
        extra: [String: String] = [:]
    ) async throws {
        guard let kind = service.issues,
            try await store.document(ofApplication: application.id, on: sql) == nil
        else { return }
        let key = try await agencyKey(sql, agency: item.agencyCode, at: at)
        let name =
            try await identity.people(pins: [application.applicantPIN], on: sql).first.map { person in
                [person.givenName, person.patronymic, person.familyName].filter { !$0.isEmpty }.joined(separator: " ")
            } ?? ""
        let id = Self.documentID()
        var facts: [String: JSONValue] = [:]
        for name in kind.facts {
            if let value = item.facts[name] ?? (extra[name] ?? application.answers[name]).map(Value.string) {
                if case .string(let text) = value {
                    facts[name] = .string(text)
                } else {
                    facts[name] = .string(value.description)
                }
            }
        }
        let title: JSONValue = .object([
            "ky": .string(kind.title.ky), "ru": .string(kind.title.ru), "en": .string(kind.title.en),
        ])
        let content: [String: JSONValue] = [
            "id": .string(id), "kind": .string(kind.kind), "title": title, "service": .string(service.id),
            "agency": .string(item.agencyCode),
            "application": .string(application.id), "decision": .string(item.state),
            "holder": .object(["name": .string(name), "pin": .string(application.applicantPIN)]),
            "issuedAt": .string(CalendarDate.utcTimestamp(at)), "facts": .object(facts),
        ]
        let signed = IssuedDocument.signedBytes(content)
        let signature = try key.signature(for: signed)
        let event = try LedgerEvent(
            kind: "document.issued", actor: "agency:\(item.agencyCode)", subject: "document:\(id)", time: at,
            details: [
                "document": id, "sha256": Hex.encode(SHA256.hash(data: signed)),
                "key": IssuedDocument.keyID(key.publicKey.rawRepresentation),
            ])
        let index = try await ledger.append([event], on: sql).lowerBound
        let document = IssuedDocument(
            id: id, content: content,
            signature: .init(
                algorithm: "Ed25519", keyID: IssuedDocument.keyID(key.publicKey.rawRepresentation),
                publicKey: key.publicKey.rawRepresentation.base64EncodedString(), value: signature.base64EncodedString()
            ),
            ledgerIndex: index)
        try await store.insertDocument(
            document, application: application.id, holder: application.applicantPIN, agency: item.agencyCode, at: at,
            on: sql)
        try await ServiceRecords.seal(applications: [], documents: [id], ledger: ledger, on: sql)
    }

    /// The agency's document-signing key, made the first time it is needed. It lives in the
    /// database, like the platform's other secrets; docs/services.md says how to rotate it.
    func agencyKey(_ sql: any SQLDatabase, agency: String, at: Int) async throws -> Curve25519.Signing.PrivateKey {
        if let stored = try await store.agencyPrivateKey(of: agency, on: sql), let raw = Data(base64Encoded: stored) {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        }
        let key = Curve25519.Signing.PrivateKey()
        let publicKey = key.publicKey.rawRepresentation
        try await store.insertAgencyKey(
            AgencyKeyRecord(
                keyID: IssuedDocument.keyID(publicKey), agency: agency, publicKey: publicKey.base64EncodedString(),
                since: at), privateKey: key.rawRepresentation.base64EncodedString(), on: sql)
        // Another node may have stored its key first: the stored one is the agency's.
        guard let stored = try await store.agencyPrivateKey(of: agency, on: sql), let raw = Data(base64Encoded: stored)
        else { throw DomainError.notFound }
        return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    }

    static func documentID() -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        return "D" + String((0..<20).map { _ in alphabet[Int.random(in: 0..<32)] })
    }

    // MARK: reconciliation

    /// Brings applications up to date after changes made elsewhere (an SLA escalation moved the
    /// case) and settles payments the gateway left pending. Every node runs it now and then.
    @discardableResult
    public func reconcile() async throws -> Int {
        var done = 0
        let pending = try await database.withConnection { sql in try await store.pendingBills(on: sql) }
        for (bill, application) in pending {
            if case .confirmed(let reference) = try await gateway.status(bill: bill) {
                _ = try await recordPayment(bill: bill, application: application, reference: reference)
                done += 1
            }
        }
        // Only cases changed since the last round (with a margin for clocks and slow commits) can
        // have moved behind an application's back.
        let started = clock.seconds
        // A page of changed cases per turn of the connection, so writers get it in between: under
        // load the window holds hundreds of thousands of cases.
        let since = try await database.withConnection { sql in try await store.reconcileCursor(on: sql) }
        var cursor = CaseChangeCursor(changedAt: since, caseID: "")
        var stale: [Application] = []
        while true {
            let (page, behind) = try await database.withConnection { [cursor] sql in
                let page = try await workflow.revisions(after: cursor, limit: Self.reconcilePage, on: sql)
                let revisions = Dictionary(page.map { ($0.caseID, $0.revision) }) { a, _ in a }
                let behind = try await store.openApplicationRevisions(withCases: page.map(\.caseID), on: sql)
                    .filter { revisions[$0.caseID] != $0.caseRevision }
                var stale: [Application] = []
                for row in behind {
                    if let application = try await store.application(row.id, on: sql) { stale.append(application) }
                }
                return (page, stale)
            }
            stale += behind
            guard page.count == Self.reconcilePage, let last = page.last else { break }
            cursor = last.cursor
        }
        for application in stale {
            _ = try await progress(application, reason: "") { sql in
                try await self.workflow.find(application.caseID, on: sql)
            }
            done += 1
        }
        try await database.withConnection { sql in
            try await store.setReconcileCursor(started - Self.reconcileMargin, on: sql)
        }
        return done
    }

    /// Changed cases looked at per session. On SQLite each page holds the one connection: 500 held
    /// it for 25-40 ms on a grown file (up to 1.6 s on a cold cache), and every write batch that
    /// came meanwhile waited that long.
    static let reconcilePage = 100

    /// Seconds before a round's start that the next round looks back from: a change stamped
    /// earlier but committed after the round read its window would be missed, so this covers the
    /// longest transaction and the clocks of several nodes. Every round looks at each change of
    /// the margin again: 120 s with a round every 30 s looked at each case five times, most of the
    /// writer connection's time on a node taking a thousand submissions a second.
    static let reconcileMargin = 30
}
