import Core
import Foundation
import SQLKit
import Workflow

/// A new application to store, with the key and request digest it was sent with.
public struct NewApplication: Sendable {
    public var application: Application
    /// The key as applications keep it (with the sending client, if any).
    public var idempotencyKey: String
    public var requestHash: String
}

/// An uploaded file of an application, without its bytes.
public struct FileSummary: Sendable, Equatable {
    public var field: String
    public var filename: String
    public var mediaType: String
    public var size: Int
    public var sha256: String
}

/// An issued document as the platform keeps it.
public struct StoredDocument: Sendable {
    public var document: IssuedDocument
    public var holderPIN: String
    public var agency: String
    public var issuedAt: Int
    public var ledgerIndex: Int?
    public var revokedAt: Int?
}

/// An agency's document-signing key as published (the private half stays in the store).
public struct AgencyKeyRecord: Sendable, Equatable {
    public var keyID: String
    public var agency: String
    /// Base64 of the Ed25519 public key.
    public var publicKey: String
    public var since: Int
}

/// A notification whose email and SMS are not written yet, with what writing them needs.
public struct QueuedNotification: Sendable {
    public var notification: AppNotification
    public var pin: String
    public var language: Language
    public var serviceID: String
}

/// A service's counts over its applications (for statistics).
public struct ServiceCounts: Sendable {
    public var serviceID: String
    public var applications: Int
    public var open: Int
    public var rated: Int
    public var averageRating: Double?
}

/// When a decided application was submitted and decided, and its legal deadline.
public struct DecisionTimes: Sendable {
    public var serviceID: String
    public var submittedAt: Int
    public var decidedAt: Int
    public var dueOn: String
}

/// Where the services module keeps its catalogue, applications, drafts, files, bills, issued
/// documents, agency keys and notifications. Every method runs on the caller's connection or
/// transaction, so an application and the case, ledger entry and registry record it changes commit
/// together. `SQLServicesStore` is the real one.
public protocol ServicesStore: Sendable {
    // MARK: catalogue
    func services(on sql: any SQLDatabase) async throws -> [Service]
    func publish(_ service: Service, at: Int, on sql: any SQLDatabase) async throws

    // MARK: drafts
    func saveDraft(_ answers: [String: String], service: String, applicant: String, at: Int, on sql: any SQLDatabase)
        async throws
    func draft(service: String, applicant: String, on sql: any SQLDatabase) async throws -> [String: String]?
    func deleteDrafts(_ pairs: [(applicant: String, service: String)], on sql: any SQLDatabase) async throws

    // MARK: appeals
    func insertAppeal(_ appeal: Appeal, on sql: any SQLDatabase) async throws
    func appeal(of applicationID: String, on sql: any SQLDatabase) async throws -> Appeal?

    // MARK: applications
    func insert(_ applications: [NewApplication], at: Int, on sql: any SQLDatabase) async throws
    /// Which of `ids` stored applications already have.
    func takenApplicationIDs(_ ids: [String], on sql: any SQLDatabase) async throws -> Set<String>
    /// Records each application's current stage and its case.
    func recordStages(_ applications: [Application], on sql: any SQLDatabase) async throws
    func save(_ application: Application, on sql: any SQLDatabase) async throws
    func application(_ id: String, on sql: any SQLDatabase) async throws -> Application?
    /// A person's applications, newest first.
    func applications(of pin: String, on sql: any SQLDatabase) async throws -> [Application]
    /// A person's applications that `agency` handles or handled, newest first.
    func applications(of pin: String, handledBy agency: String, on sql: any SQLDatabase) async throws -> [Application]
    /// The open applications whose current case is one of `caseIDs`, with the case revision each
    /// last reflected (light rows: reconciliation compares them with the cases' revisions).
    func openApplicationRevisions(withCases caseIDs: [String], on sql: any SQLDatabase) async throws -> [(
        id: String, caseID: String, caseRevision: Int
    )]
    /// The applications whose current case is one of `caseIDs`.
    func applications(withCases caseIDs: [String], on sql: any SQLDatabase) async throws -> [Application]
    /// Each stage's case and agency, in stage order.
    func stages(of applicationID: String, on sql: any SQLDatabase) async throws -> [(caseID: String, agency: String)]
    /// Stores a rating unless the application has one; false when it had.
    func rate(_ applicationID: String, score: Int, comment: String, on sql: any SQLDatabase) async throws -> Bool
    func serviceCounts(on sql: any SQLDatabase) async throws -> [ServiceCounts]
    func decisionTimes(on sql: any SQLDatabase) async throws -> [DecisionTimes]

    // MARK: files
    func insertFile(_ file: UploadedFile, field: String, application: String, on sql: any SQLDatabase) async throws
    func files(of applicationID: String, on sql: any SQLDatabase) async throws -> [FileSummary]
    func file(_ field: String, of applicationID: String, on sql: any SQLDatabase) async throws -> (
        filename: String, mediaType: String, bytes: Data
    )?
    /// Keeps a file another system uploads before it submits (GovStack `POST /documents`).
    func insertUpload(
        id: String, client: String, field: String, file: UploadedFile, at: Int, on sql: any SQLDatabase
    ) async throws
    /// `client`'s upload `id`: the form field it answers and the file.
    func upload(_ id: String, client: String, on sql: any SQLDatabase) async throws -> (
        field: String, file: UploadedFile
    )?

    // MARK: bills
    func insertBill(id: String, application: String, amount: Int, at: Int, on sql: any SQLDatabase) async throws
    func bill(of applicationID: String, on sql: any SQLDatabase) async throws -> Bill?
    /// Marks an unpaid or failed bill pending; false when another request already did (or it is paid).
    func claimBill(_ id: String, on sql: any SQLDatabase) async throws -> Bool
    /// A pending bill back to failed.
    func failBill(_ id: String, on sql: any SQLDatabase) async throws
    func setGatewayReference(_ reference: String, bill: String, on sql: any SQLDatabase) async throws
    func markPaid(_ id: String, reference: String, receipt: String, at: Int, ledgerIndex: Int, on sql: any SQLDatabase)
        async throws
    /// Bills the gateway left pending: the bill and its application.
    func pendingBills(on sql: any SQLDatabase) async throws -> [(bill: String, application: String)]
    /// Changes to cases before this time (seconds) were reconciled already; 0 before the first round.
    func reconcileCursor(on sql: any SQLDatabase) async throws -> Int
    func setReconcileCursor(_ changedAt: Int, on sql: any SQLDatabase) async throws
    /// The test bank's books (`TestPaymentGateway`): a charge taken, and whether one was.
    func recordTestCharge(bill: String, amount: Int, on sql: any SQLDatabase) async throws
    func testChargeExists(bill: String, on sql: any SQLDatabase) async throws -> Bool

    // MARK: documents
    func document(_ id: String, on sql: any SQLDatabase) async throws -> StoredDocument?
    func document(ofApplication applicationID: String, on sql: any SQLDatabase) async throws -> StoredDocument?
    func insertDocument(
        _ document: IssuedDocument, application: String, holder: String, agency: String, at: Int,
        on sql: any SQLDatabase) async throws
    /// Marks a document revoked; false when it was already.
    func revokeDocument(_ id: String, at: Int, on sql: any SQLDatabase) async throws -> Bool
    /// Base64 of the agency's private document key, if it has one.
    func agencyPrivateKey(of agency: String, on sql: any SQLDatabase) async throws -> String?
    /// Stores an agency's first key; a key stored meanwhile by another node wins.
    func insertAgencyKey(_ key: AgencyKeyRecord, privateKey: String, on sql: any SQLDatabase) async throws
    func agencyKeys(on sql: any SQLDatabase) async throws -> [AgencyKeyRecord]

    // MARK: notifications
    func insertNotifications(_ notes: [(notification: AppNotification, pin: String)], on sql: any SQLDatabase)
        async throws
    func notifications(of pin: String, limit: Int, on sql: any SQLDatabase) async throws -> [AppNotification]
    func markNotificationsRead(of pin: String, at: Int, on sql: any SQLDatabase) async throws
    /// Up to `limit` notifications whose messages are not written yet, oldest first.
    func notificationsToQueue(limit: Int, on sql: any SQLDatabase) async throws -> [QueuedNotification]
    func markQueued(_ ids: [String], on sql: any SQLDatabase) async throws
    /// When the newest escalation notice was written (0 when none was).
    func latestEscalationNotice(on sql: any SQLDatabase) async throws -> Int
    /// Which of `escalations` have had their notice written, as `case:seq`.
    func noticed(_ escalations: [CaseEscalation], on sql: any SQLDatabase) async throws -> Set<String>
    func recordNotices(_ escalations: [CaseEscalation], on sql: any SQLDatabase) async throws
}
