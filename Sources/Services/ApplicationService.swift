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
    /// The registries, and the civil registry's relations between people, on this module's transactions.
    let registries: any RegistryStore & Kinship
    let store: any ServicesStore
    public let catalogue: ServiceCatalogue
    let gateway: any PaymentGateway
    let identity: IdentityService
    let idempotency: IdempotencyStore
    let batcher: Batcher<PreparedSubmission, Application>
    /// The district codes an address may name, kept a minute (reference data changes rarely).
    let districts = TTLCache<String, Set<String>>(lifetime: .seconds(60))
    /// The public dashboard's figures, made at most every `PerformanceFigures.lifetime` (they read
    /// every decided application: a cost that grows with the data, not to be paid per page view).
    let figures = TTLCache<String, PerformanceFigures>(lifetime: PerformanceFigures.lifetime)
    let clock: Clock

    public init(
        database: Database, ledger: LedgerService, workflow: WorkflowService, registries: any RegistryStore & Kinship,
        identity: IdentityService,
        gateway: any PaymentGateway, idempotency: IdempotencyStore, clock: Clock
    ) {
        self.database = database
        self.batcher = Batcher(executor: database.writerExecutor)
        self.ledger = ledger
        self.workflow = workflow
        self.registries = registries
        self.identity = identity
        self.store = SQLServicesStore()
        self.catalogue = ServiceCatalogue(database: database, store: store)
        self.gateway = gateway
        self.clock = clock
        self.idempotency = idempotency
    }

    // MARK: forms

    /// The answers the state already holds for the applicant's prefilled fields. Each read of
    /// their record is logged for them ("the portal read it to fill in the form of service X").
    public func prefill(_ service: Service, for applicant: Principal) async throws -> [String: String] {
        let fields = service.form.filter { $0.prefill != nil }
        // Register data goes only to accounts known to be the person's (not to one registered
        // online by anybody who knew the PIN).
        guard !fields.isEmpty, applicant.assurance >= .substantial else { return [:] }
        let purpose = try Purpose(
            legalBasis: PlatformPurpose.onceOnly(service: service.id).legalBasis, caseNumber: "")
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
        let kept = answers.mapValues { String($0.prefix(2000)) }
        let at = clock.seconds
        try await database.withConnection { sql in
            try await store.saveDraft(kept, service: serviceID, applicant: applicant.pin, at: at, on: sql)
        }
    }

    /// The applicant's saved draft of `serviceID`, if any.
    public func draft(_ serviceID: String, of applicant: Principal) async throws -> [String: String]? {
        try await database.withConnection { sql in
            try await store.draft(service: serviceID, applicant: applicant.pin, on: sql)
        }
    }

    // MARK: submission

    /// Checks and stores an application and starts its case. Requests arriving together share one
    /// transaction and one ledger append (group commit); a retry with the same key returns the
    /// application stored the first time.
    public func submit(_ submission: Submission) async throws -> Application {
        let service = try await catalogue.service(submission.serviceID)
        guard submission.applicant.assurance >= service.assurance ?? .low else {
            throw ValidationError(field: "assurance", messageKey: "error_assurance_too_low")
        }
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
        try await checkOwnership(service, answers: form.answers, applicant: submission.applicant)
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
            // One append of the cases' events, any documents issued and the seals: one write of the head.
            try await self.ledger.appendingTogether(on: sql) {
                try await self.write(batch, at: at, calendar: calendar, on: sql)
            }
        }
    }

    /// The inside of `store`'s transaction: the keys claimed, the cases started, the applications written.
    private func write(
        _ batch: [PreparedSubmission], at: Int, calendar: WorkingCalendar, on sql: any SQLDatabase
    ) async throws -> [Result<Application, any Error>] {
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
        let trackingNumbers = try await self.newTrackingNumbers(for: unique, at: at, on: sql)
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
        // The cases', histories' and applications' seals: one entry for the whole batch.
        let seals = SealBatch()
        let cases = try await self.workflow.start(
            starting.map { i in
                let item = batch[i]
                return CaseStart(
                    definitionID: item.service.stages[0].process, agency: item.service.stages[0].agency,
                    applicant: item.submission.applicant.pin, facts: self.facts(item),
                    documents: Set(item.form.files.keys),
                    actor: .subjectThemself)
            }, on: sql, seals: seals)
        var stored: [Int: Application] = [:]
        var stages: [Application] = []
        let notes = Notifier()
        var rows: [NewApplication] = []
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
            for (field, file) in entry.form.files.sorted(by: { $0.key < $1.key }) {
                try await self.store.insertFile(file, field: field, application: application.id, on: sql)
            }
            if entry.service.fee > 0 {
                try await self.store.insertBill(
                    id: "B" + application.id.dropFirst(2), application: application.id, amount: entry.service.fee,
                    at: at, on: sql)
            }
            let first = application
            try await self.advance(
                sql, &application, case: item, service: entry.service, previous: nil, reason: "", at: at,
                notes: notes)
            rows.append(
                NewApplication(application: application, idempotencyKey: entry.storedKey, requestHash: entry.hash))
            stages.append(first)
            stored[i] = application
            results[i] = .success(application)
        }
        try await self.store.insert(rows, at: at, on: sql)
        try await self.store.deleteDrafts(
            rows.map { ($0.application.applicantPIN, $0.application.serviceID) }, on: sql)
        try await ServiceRecords.seal(
            inserted: rows.map(\.application), at: at, ledger: self.ledger, into: seals, on: sql)
        try await self.store.recordStages(stages, on: sql)
        try await notes.flush(self.store, on: sql)
        // A key repeated inside one batch gets the application stored for its first use.
        for (i, first) in duplicateOf { results[i] = stored[first].map { .success($0) } }
        return results.map { $0 ?? .failure(DomainError.notFound) }
    }

    /// Whether the civil registry records `parent` as a parent of `child`.
    func isParent(_ parent: String, of child: String) async throws -> Bool {
        try await database.withConnection { sql in try await registries.isParent(parent, of: child, on: sql) }
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

    // MARK: shared helpers

    static func age(born: CalendarDate, on day: CalendarDate) -> Int {
        let years = day.year - born.year
        return (day.month, day.day) < (born.month, born.day) ? years - 1 : years
    }

    /// `TK-XXXX-XXXX-XX` in Crockford's base32 (no I, L, O, U to misread). The first four symbols
    /// count the hours since 2025-01-01 UTC (they wrap after 119 years) and the fifth the 32nd part
    /// of the hour (112.5 seconds), so new numbers land together at the end of the indexes keyed by
    /// them: a busy hour's numbers drawn at random across the hour would make every insert touch a
    /// different page of an index with millions of that hour's entries. The other five symbols are
    /// 25 random bits, so a number cannot be guessed from its neighbours.
    static func trackingNumber(at seconds: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        let epoch = 1_735_689_600
        let sinceEpoch = seconds > epoch ? seconds - epoch : 0
        let hour = sinceEpoch / 3600
        let time = (0..<4).reversed().map { alphabet[(hour >> (5 * $0)) & 31] }
        let slot = alphabet[(sinceEpoch % 3600) * 32 / 3600]
        // Five bits of each random byte: 32 divides 256, so every symbol is equally likely.
        let random = Secrets.randomBytes(5).map { alphabet[Int($0 & 31)] }
        return "TK-" + String(time) + "-" + String(slot) + String(random[0..<3]) + "-" + String(random[3..<5])
    }

    /// A tracking number for each of `submissions`, none of them taken. Within a slot of the hour
    /// only 25 bits tell numbers apart (a clash in about 200 at 1,500 submissions a second); the
    /// check reads the newest end of the applications' index, which is in memory.
    private func newTrackingNumbers(for submissions: [Int], at seconds: Int, on sql: any SQLDatabase) async throws
        -> [Int: String]
    {
        try await Self.drawTrackingNumbers(
            for: submissions, draw: { Self.trackingNumber(at: seconds) },
            taken: { try await store.takenApplicationIDs($0, on: sql) })
    }

    /// Draws a number for each of `submissions`, and draws again for one that `taken` reports or
    /// that another of them drew, at most `rounds` times in all. Should every round clash (an hour
    /// whose numbers are nearly all used), the batch is refused as busy rather than stored with a
    /// number someone else holds.
    static func drawTrackingNumbers(
        for submissions: [Int], rounds: Int = 5, draw: () -> String,
        taken: ([String]) async throws -> Set<String>
    ) async throws -> [Int: String] {
        var numbers: [Int: String] = [:]
        var drawn: Set<String> = []
        var missing = submissions
        for _ in 0..<rounds where !missing.isEmpty {
            let candidates = missing.map { ($0, draw()) }
            let clashes = try await taken(candidates.map(\.1))
            missing = []
            for (submission, number) in candidates {
                if clashes.contains(number) || !drawn.insert(number).inserted {
                    missing.append(submission)
                } else {
                    numbers[submission] = number
                }
            }
        }
        guard missing.isEmpty else { throw DomainError.throttled(retryAfterSeconds: 1) }
        return numbers
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
        let registries: any RegistryStore
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
