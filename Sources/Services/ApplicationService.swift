import Core
import Crypto
import Foundation
import Identity
import Ledger
import Registries
import SQLKit
import Storage
import Workflow

/// One application as submitted: who, for what, the answers and files, and the key that makes a
/// retry safe.
public struct Submission: Sendable {
    public var serviceID: String
    public var applicant: Principal
    public var organisationINN: String?
    public var language: Language
    public var answers: [String: String]
    public var files: [String: UploadedFile]
    /// The same key with the same content returns the first application; with other content, a conflict.
    public var idempotencyKey: IdempotencyKey
    /// The API client that sent the application for the applicant, if it did not come from the portal.
    public var client: String?
    /// Refuse answers to fields the form does not have (the JSON API); the portal ignores them.
    public var strict: Bool

    public init(
        serviceID: String, applicant: Principal, organisationINN: String? = nil, language: Language,
        answers: [String: String],
        files: [String: UploadedFile] = [:], idempotencyKey: IdempotencyKey, client: String? = nil, strict: Bool = false
    ) {
        self.serviceID = serviceID
        self.applicant = applicant
        self.organisationINN = organisationINN
        self.language = language
        self.answers = answers
        self.files = files
        self.idempotencyKey = idempotencyKey
        self.client = client
        self.strict = strict
    }

    /// Whose key space `idempotencyKey` is in: the sending client's, or the applicant's own.
    var keyOwner: String { client ?? "person:" + applicant.pin }
}

/// Applications from submission to decision: the form checked, the application stored, its
/// case started, paid for, decided, the document issued and signed, the applicant told — each
/// change with its ledger entry in the same transaction.
public struct ApplicationService: Sendable {
    let database: Database
    let ledger: LedgerService
    let workflow: WorkflowService
    let registries: SQLRegistryStore
    public let catalogue: ServiceCatalogue
    let gateway: any PaymentGateway
    let identity: IdentityService
    let idempotency: IdempotencyStore
    let batcher = Batcher<PreparedSubmission, Application>()
    /// The district codes an address may name, kept a minute (reference data changes rarely).
    let districts = TTLCache<String, Set<String>>(lifetime: .seconds(60))
    let clock: Clock

    public init(
        database: Database, ledger: LedgerService, workflow: WorkflowService, registries: SQLRegistryStore,
        identity: IdentityService,
        gateway: any PaymentGateway, idempotency: IdempotencyStore, clock: Clock
    ) {
        self.database = database
        self.ledger = ledger
        self.workflow = workflow
        self.registries = registries
        self.identity = identity
        self.catalogue = ServiceCatalogue(database: database)
        self.gateway = gateway
        self.clock = clock
        self.idempotency = idempotency
    }

    // MARK: forms

    /// The answers the state already holds for the applicant's prefilled fields. Each read of
    /// their record is logged for them ("the portal read it to fill in the form of service X").
    public func prefill(_ service: Service, for applicant: Principal) async throws -> [String: String] {
        let fields = service.form.filter { $0.prefill != nil }
        guard !fields.isEmpty else { return [:] }
        let purpose = try Purpose(
            legalBasis: "once-only: filling in the application form for \(service.id)", caseNumber: "")
        let at = clock.seconds
        return try await database.transaction { sql in
            var values: [String: String] = [:]
            for (registry, group) in Dictionary(grouping: fields, by: { $0.prefill?.registry ?? "" }) {
                guard
                    let record = try await registries.systemRead(
                        registry, key: applicant.pin, agency: service.agency, system: "portal",
                        purpose: purpose, on: sql, now: at)
                else { continue }
                for field in group {
                    if let name = field.prefill?.field, let value = record[name]?.plainText, !value.isEmpty {
                        values[field.id] = value
                    }
                }
            }
            return values
        }
    }

    /// Keeps the answers typed so far (files are not kept in drafts: they are sent with the application).
    public func saveDraft(_ serviceID: String, answers: [String: String], by applicant: Principal) async throws {
        _ = try await catalogue.service(serviceID)
        let text = JSONValue.object(answers.mapValues { .string(String($0.prefix(2000))) }).canonicalJSON
        let at = clock.seconds
        try await database.withConnection { sql in
            try await sql.raw(
                """
                INSERT INTO application_drafts (applicant_pin, service_id, answers, saved_at) VALUES (\(bind: applicant.pin), \(bind: serviceID), \(bind: text), \(bind: at))
                ON CONFLICT (applicant_pin, service_id) DO UPDATE SET answers = \(bind: text), saved_at = \(bind: at)
                """
            ).run()
        }
    }

    /// The applicant's saved draft of `serviceID`, if any.
    public func draft(_ serviceID: String, of applicant: Principal) async throws -> [String: String]? {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT answers FROM application_drafts WHERE applicant_pin = \(bind: applicant.pin) AND service_id = \(bind: serviceID)"
            )
            .first(decodingColumn: "answers", as: String.self).map(Self.decodeAnswers)
        }
    }

    // MARK: submission

    /// Checks and stores an application and starts its case. Requests arriving together share one
    /// transaction and one ledger append (group commit); a retry with the same key returns the
    /// application stored the first time.
    public func submit(_ submission: Submission) async throws -> Application {
        let service = try await catalogue.service(submission.serviceID)
        if let inn = submission.organisationINN {
            guard service.applicants.contains(.company) else {
                throw ValidationError(field: "organisation", messageKey: "error_not_for_companies")
            }
            let cabinet = try await identity.cabinet(pin: submission.applicant.pin)
            guard cabinet.organisations.contains(where: { $0.inn == inn }) else { throw DomainError.forbidden }
        } else if !service.applicants.contains(.person) && !service.applicants.contains(.representative) {
            throw ValidationError(field: "organisation", messageKey: "error_company_only")
        }
        let prefilled = try await prefill(service, for: submission.applicant)
        let form = try await FormValidator(fields: service.form, today: clock.today)
            .validate(
                submission.answers, files: submission.files, prefilled: prefilled, lookups: lookups(),
                strict: submission.strict)
        if let field = service.representing, let represented = form.answers[field],
            represented != submission.applicant.pin,
            try await !isParent(submission.applicant.pin, of: represented)
        {
            throw ValidationError(field: field, messageKey: "error_not_your_child")
        }
        var hashed =
            JSONValue.object(form.answers.mapValues { .string($0) }).canonicalJSON + "|" + service.id + "|"
            + (submission.organisationINN ?? "")
        hashed += "|" + form.files.keys.sorted().map { "\($0)=\(form.files[$0]?.sha256 ?? "")" }.joined(separator: ",")
        let prepared = PreparedSubmission(
            service: service, submission: submission, form: form,
            hash: Hex.encode(SHA256.hash(data: Data(hashed.utf8))))
        return try await batcher.submit(prepared) { batch in
            do {
                return try await self.store(batch)
            } catch  where batch.count > 1 {
                // One bad request must not sink the others: store each alone.
                var results: [Result<Application, any Error>] = []
                for item in batch {
                    do { results.append(contentsOf: try await self.store([item])) } catch {
                        results.append(.failure(error))
                    }
                }
                return results
            }
        }
    }

    private func store(_ batch: [PreparedSubmission]) async throws -> [Result<Application, any Error>] {
        let at = clock.seconds
        let calendar = try await workflow.calendar()
        return try await database.transaction { sql in
            var results: [Result<Application, any Error>?] = Array(repeating: nil, count: batch.count)
            var starting: [Int] = []
            var seen: [String: Int] = [:]
            var duplicateOf: [Int: Int] = [:]
            // Each new key is claimed with its answer (the tracking number, chosen now) in one statement
            // for the batch; a key another node is writing waits for that node's transaction.
            var unique: [Int] = []
            for (i, item) in batch.enumerated() {
                let identity = item.owner + "\u{1}" + item.key.value
                if let first = seen[identity] {
                    if batch[first].hash == item.hash {
                        duplicateOf[i] = first
                    } else {
                        results[i] = .failure(IdempotencyConflict.keyReused)
                    }
                } else {
                    seen[identity] = i
                    unique.append(i)
                }
            }
            var trackingNumbers: [Int: String] = [:]
            for i in unique { trackingNumbers[i] = Self.trackingNumber() }
            let claims = try await self.idempotency.claimAll(
                unique.map { i in
                    IdempotencyStore.AnsweredClaim(
                        owner: batch[i].owner, key: batch[i].key, requestHash: batch[i].hash,
                        answer: IdempotentAnswer(status: 201, body: trackingNumbers[i] ?? ""))
                }, on: sql)
            for (i, claim) in zip(unique, claims) {
                switch claim {
                case .claimed: starting.append(i)
                case .replay(let answer): results[i] = .success(try await self.load(sql, answer.body))
                case .mismatch: results[i] = .failure(IdempotencyConflict.keyReused)
                case .inProgress: results[i] = .failure(IdempotencyConflict.inProgress)
                }
            }
            let cases = try await self.workflow.start(
                starting.map { i in
                    let item = batch[i]
                    return CaseStart(
                        definitionID: item.service.stages[0].process, agency: item.service.stages[0].agency,
                        applicant: item.submission.applicant.pin, facts: self.facts(item),
                        documents: Set(item.form.files.keys),
                        actor: .subjectThemself)
                }, on: sql)
            var stored: [Int: Application] = [:]
            var stages: [Application] = []
            let notes = Notifier()
            var rows: [(Application, PreparedSubmission)] = []
            for (i, item) in zip(starting, cases) {
                let entry = batch[i]
                var application = Application(
                    id: trackingNumbers[i] ?? "", serviceID: entry.service.id,
                    applicantPIN: entry.submission.applicant.pin,
                    organisationINN: entry.submission.organisationINN, language: entry.submission.language,
                    answers: entry.form.answers,
                    status: .inProgress, stage: 0, caseID: item.id, agencyCode: entry.service.stages[0].agency,
                    submittedAt: at,
                    dueOn: calendar.adding(workingDays: entry.service.deadlineDays, to: CalendarDate(bishkekDayOf: at)),
                    decidedAt: nil,
                    rating: nil, ledgerIndex: nil)
                for (field, file) in entry.form.files {
                    try await sql.raw(
                        """
                        INSERT INTO application_files (application_id, field, filename, media_type, size, sha256, content)
                        VALUES (\(bind: application.id), \(bind: field), \(bind: String(file.filename.prefix(200))), \(bind: file.mediaType), \(bind: file.bytes.count),
                          \(bind: file.sha256), \(bind: Data(file.bytes).base64EncodedString()))
                        """
                    ).run()
                }
                if entry.service.fee > 0 {
                    try await sql.raw(
                        """
                        INSERT INTO bills (id, application_id, amount, currency, status, created_at)
                        VALUES (\(bind: "B" + application.id.dropFirst(2)), \(bind: application.id), \(bind: entry.service.fee), 'KGS', 'unpaid', \(bind: at))
                        """
                    ).run()
                }
                let first = application
                try await self.advance(
                    sql, &application, case: item, service: entry.service, previous: nil, reason: "", at: at,
                    notes: notes)
                rows.append((application, entry))
                stages.append(first)
                stored[i] = application
                results[i] = .success(application)
            }
            try await self.insert(sql, rows, at: at)
            try await self.recordStages(sql, stages)
            try await notes.flush(sql)
            // A key repeated inside one batch gets the application stored for its first use.
            for (i, first) in duplicateOf { results[i] = stored[first].map { .success($0) } }
            return results.map { $0 ?? .failure(DomainError.notFound) }
        }
    }

    /// Whether the civil registry records `parent` as a parent of `child`.
    func isParent(_ parent: String, of child: String) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT 1 AS one FROM person_relations WHERE pin_a = \(bind: parent) AND pin_b = \(bind: child) AND kind = 'parent'"
            ).first() != nil
        }
    }

    /// The facts the process sees: the answers, the applicant and the fee.
    func facts(_ item: PreparedSubmission) -> [String: Value] {
        var facts = item.form.facts
        facts["applicant.pin"] = .string(item.submission.applicant.pin)
        if let pin = try? PIN(item.submission.applicant.pin) {
            facts["applicant.age"] = .number(Double(Self.age(born: pin.birthDate, on: clock.today)))
        }
        if let inn = item.submission.organisationINN { facts["organisation.inn"] = .string(inn) }
        facts["service.fee"] = .number(Double(item.service.fee))
        return facts
    }

    /// Stores new applications, 50 rows a statement.
    private func insert(_ sql: any SQLDatabase, _ rows: [(Application, PreparedSubmission)], at: Int) async throws {
        for start in stride(from: 0, to: rows.count, by: 50) {
            try await sql.raw(
                .rows(
                    """
                    INSERT INTO applications (id, service_id, applicant_pin, organisation_inn, language, answers, status, final, stage, case_id, case_revision,
                      agency_code, submitted_at, due_on, decided_at, idempotency_key, request_hash) VALUES
                    """,
                    rows[start..<min(start + 50, rows.count)].map { application, entry in
                        [
                            application.id, application.serviceID, application.applicantPIN,
                            application.organisationINN, application.language.rawValue,
                            Self.encodeAnswers(application.answers), application.status.rawValue,
                            application.status.isFinal ? 1 : 0, application.stage,
                            application.caseID, application.caseRevision, application.agencyCode, at,
                            application.dueOn.description, application.decidedAt,
                            entry.storedKey, entry.hash,
                        ] as [any Encodable & Sendable]
                    })
            ).run()
        }
    }

    /// Records the first stage's case of new applications, 100 rows a statement.
    private func recordStages(_ sql: any SQLDatabase, _ applications: [Application]) async throws {
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

    // MARK: shared helpers

    static func age(born: CalendarDate, on day: CalendarDate) -> Int {
        let years = day.year - born.year
        return (day.month, day.day) < (born.month, born.day) ? years - 1 : years
    }

    /// `TK-XXXX-XXXX-XX`: 50 random bits in Crockford's base32 (no I, L, O, U to misread).
    static func trackingNumber() -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        let symbols = (0..<10).map { _ in alphabet[Int.random(in: 0..<32)] }
        return "TK-" + String(symbols[0..<4]) + "-" + String(symbols[4..<8]) + "-" + String(symbols[8..<10])
    }

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

    func lookups() async throws -> Lookups {
        Lookups(
            districts: try await districts.value(for: "districts") {
                Set(try await identity.regions().flatMap { $0.districts.map(\.code) })
            }, registries: registries)
    }

    /// Form lookups backed by the identity reference data and the registries.
    struct Lookups: FormLookups {
        let districts: Set<String>
        let registries: SQLRegistryStore
        func liveKeys(_ registry: String, among keys: [String]) async throws -> Set<String> {
            guard Registry.isName(registry) else { return [] }
            return try await registries.liveKeys(registry, among: keys)
        }
    }
}

/// A submission whose form passed its checks, waiting for its batch.
struct PreparedSubmission: Sendable {
    var service: Service
    var submission: Submission
    var form: ValidatedForm
    var hash: String

    var key: IdempotencyKey { submission.idempotencyKey }
    var owner: String { submission.keyOwner }
    /// The key as kept on the application (with the sending client, as applications have always kept it).
    var storedKey: String { submission.client.map { "\($0):\(key.value)" } ?? key.value }
}
