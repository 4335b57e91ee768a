import Core
import Crypto
import Foundation
import Identity
import Ledger

/// Petitions: created and signed by people whose identity is verified (substantial assurance),
/// each person once, withdrawable, with a threshold that obliges the state to answer. Every
/// signature, withdrawal and reached threshold is a ledger entry naming the signer only by a
/// pseudonym made for that petition, so anyone can recount a petition from the public ledger.
public struct PetitionService: Sendable {
    let store: any PetitionStore
    let clock: Clock
    /// Each petition's signer key, which never changes: read once, not for every signature.
    let signerKeys = TTLCache<String, String>(lifetime: .seconds(3_600))

    /// Signatures that oblige an answer, by level, unless a petition says otherwise.
    let thresholds: [Petition.Level: Int]

    public init(
        store: any PetitionStore, clock: Clock = .system,
        thresholds: (national: Int, city: Int) = (
            Petition.defaultThreshold(.national), Petition.defaultThreshold(.city)
        )
    ) {
        self.store = store
        self.clock = clock
        self.thresholds = [.national: thresholds.national, .city: thresholds.city]
    }

    /// Limits on what a petition may say.
    public static let titleLength = 10...200
    public static let bodyLength = 20...10_000
    public static let durationDays = 7...180
    /// Petitions one person may start in a day.
    public static let petitionsPerDay = 3

    /// Starts a petition by `author`; nothing is stored if anything is wrong.
    public func create(
        title: String, body: String, level: Petition.Level, area: String, days: Int = 90, threshold: Int? = nil,
        by author: Principal
    ) async throws -> Petition {
        guard author.assurance >= .substantial else { throw ParticipationError.assuranceTooLow }
        var problems: [String: String] = [:]
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        let body = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = PlainText.problem(title, Self.titleLength) { problems["title"] = problem }
        if let problem = PlainText.problem(body, Self.bodyLength) { problems["body"] = problem }
        if !Self.durationDays.contains(days) { problems["days"] = "From 7 to 180 days." }
        if let threshold, !(1...10_000_000).contains(threshold) { problems["threshold"] = "From 1 to 10,000,000." }
        if area.isEmpty || area.count > 20 || !area.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
            problems["area"] = "A region or city code."
        }
        guard problems.isEmpty else { throw ParticipationError.invalid(problems) }
        let now = clock.seconds
        let key = Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255) })
        let petition = Petition(
            id: UUID().uuidString.lowercased(), level: level, area: area, title: title, body: body,
            author: Self.pseudonym(author.pin, key: key), status: .sponsoring, createdAt: now,
            deadline: now + days * 86_400,
            threshold: threshold ?? thresholds[level] ?? Petition.defaultThreshold(level), signatures: 0,
            dutyAt: nil)
        try await store.insert(
            petition, signerKey: key, authorKey: Self.authorKey(author.pin),
            limit: (Self.petitionsPerDay, now - 86_400),
            event: try LedgerEvent(
                kind: "participation.petition.created", actor: petition.author, subject: "petition:\(petition.id)",
                time: now, details: ["petition": petition.id, "title": title, "body": body]))
        return petition
    }

    public func petition(_ id: String) async throws -> Petition {
        guard let (petition, _) = try await store.petition(id) else { throw ParticipationError.notFound }
        return petition
    }

    /// Signs `id` for `signer`, once: signing again changes nothing and says so.
    public func sign(_ id: String, by signer: Principal, region: String, district: String) async throws
        -> SignatureOutcome
    {
        guard signer.assurance >= .substantial else { throw ParticipationError.assuranceTooLow }
        let key = try await signerKey(id)
        let pseudonym = Self.pseudonym(signer.pin, key: key)
        let now = clock.seconds
        let event = try LedgerEvent(
            kind: "participation.petition.signed", actor: pseudonym, subject: "petition:\(id)", time: now,
            details: ["petition": id])
        guard
            let outcome = try await store.sign(
                id, signer: pseudonym, region: region, district: district, now: now, event: event,
                duty: { total in
                    try LedgerEvent(
                        kind: "participation.petition.threshold", actor: "system:participation",
                        subject: "petition:\(id)", time: now, details: ["petition": id, "signatures": String(total)])
                })
        else { throw ParticipationError.closed }
        return outcome
    }

    /// Co-sponsors `id` as `person` (not its author); the number of co-sponsors after. With enough,
    /// the petition goes to a moderator.
    public func sponsor(_ id: String, by person: Principal) async throws -> Int {
        guard person.assurance >= .substantial else { throw ParticipationError.assuranceTooLow }
        let petition = try await self.petition(id)
        let key = try await signerKey(id)
        let pseudonym = Self.pseudonym(person.pin, key: key)
        guard pseudonym != petition.author else {
            throw ParticipationError.invalid(["sponsor": "The author cannot co-sponsor their own petition."])
        }
        let now = clock.seconds
        guard
            let sponsors = try await store.sponsor(
                id, sponsor: pseudonym, needed: Petition.sponsorsNeeded, now: now,
                event: try LedgerEvent(
                    kind: "participation.petition.sponsored", actor: pseudonym, subject: "petition:\(id)", time: now,
                    details: ["petition": id]),
                submitted: try LedgerEvent(
                    kind: "participation.petition.submitted", actor: "system:participation", subject: "petition:\(id)",
                    time: now, details: ["petition": id]))
        else { throw ParticipationError.closed }
        return sponsors
    }

    /// A moderator's decision on a petition waiting for one: it opens for signatures (its deadline
    /// counted from now), or is rejected for `reason`, which is shown in its place.
    public func moderate(_ id: String, approve: Bool, reason: ModerationReason?, by moderator: Principal)
        async throws
    {
        try Self.mayModerate(moderator)
        let petition = try await self.petition(id)
        guard approve || reason != nil else { throw ParticipationError.invalid(["reason": "Give the rule it breaks."]) }
        let now = clock.seconds
        let event = try LedgerEvent(
            kind: approve ? "participation.petition.published" : "participation.petition.rejected",
            actor: Self.moderatorName(moderator), subject: "petition:\(id)", time: now,
            details: ["petition": id, "reason": reason?.rawValue ?? ""])
        guard
            try await store.moderate(
                id, from: .moderation, to: approve ? .open : .rejected, reason: approve ? nil : reason,
                deadline: approve ? now + (petition.deadline - petition.createdAt) : nil, event: event)
        else { throw ParticipationError.closed }
    }

    /// Hides an open or closed petition for `reason`: its page says why, its signatures stay.
    public func hide(_ id: String, reason: ModerationReason, by moderator: Principal) async throws {
        try Self.mayModerate(moderator)
        let petition = try await self.petition(id)
        let now = clock.seconds
        let event = try LedgerEvent(
            kind: "participation.petition.hidden", actor: Self.moderatorName(moderator), subject: "petition:\(id)",
            time: now, details: ["petition": id, "reason": reason.rawValue])
        guard [.open, .closed].contains(petition.status),
            try await store.moderate(
                id, from: petition.status, to: .hidden, reason: reason, deadline: nil, event: event)
        else { throw ParticipationError.closed }
    }

    /// Petitions waiting for a moderator, oldest first.
    public func awaitingModeration(limit: Int = 100) async throws -> [Petition] {
        try await store.awaitingModeration(limit: limit)
    }

    static func mayModerate(_ moderator: Principal) throws {
        guard AccessPolicy.permissions(of: moderator).contains(.moderateParticipation) else {
            throw ParticipationError.forbidden
        }
    }

    /// How the ledger names a moderator: by their agency, as officials act for it.
    static func moderatorName(_ moderator: Principal) -> String {
        "agency:\(moderator.post?.agencyCode ?? "platform")"
    }

    /// A person's key for rate limits across petitions and consultations (never shown).
    static func authorKey(_ pin: String) -> String {
        Hex.encode(Array(SHA256.hash(data: Data(("participation-author:" + pin).utf8))))
    }

    /// The key petition `id`'s signer pseudonyms are made with.
    private func signerKey(_ id: String) async throws -> String {
        guard id.count <= 64 else { throw ParticipationError.notFound }
        let store = self.store
        return try await signerKeys.value(for: id) {
            guard let key = try await store.petition(id)?.signerKey else { throw ParticipationError.notFound }
            return key
        }
    }

    /// Withdraws `signer`'s signature; the new total.
    public func withdraw(_ id: String, by signer: Principal) async throws -> Int {
        let key = try await signerKey(id)
        let pseudonym = Self.pseudonym(signer.pin, key: key)
        let now = clock.seconds
        let event = try LedgerEvent(
            kind: "participation.petition.withdrawn", actor: pseudonym, subject: "petition:\(id)", time: now,
            details: ["petition": id])
        guard let total = try await store.withdraw(id, signer: pseudonym, now: now, event: event) else {
            throw ParticipationError.invalid([
                "signature": "There is no signature of yours to withdraw, or the petition is closed."
            ])
        }
        return total
    }

    /// Petitions people can see, newest first.
    public func petitions(limit: Int = 50) async throws -> [Petition] { try await store.petitions(limit: limit) }

    /// Whether `person` has signed petition `id`.
    public func hasSigned(_ id: String, _ person: Principal) async throws -> Bool {
        guard let key = try? await signerKey(id) else { return false }
        return try await store.hasSigned(id, signer: Self.pseudonym(person.pin, key: key))
    }

    public func counts(_ id: String) async throws -> [(region: String, district: String, signatures: Int)] {
        try await store.counts(id)
    }

    /// The signer's name in this petition's ledger entries: unlinkable to other petitions without
    /// the petition's key, and the same every time for one person (so a second signature shows).
    static func pseudonym(_ pin: String, key: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(pin.utf8), using: SymmetricKey(data: Data(key.utf8)))
        return "signer:" + Hex.encode(Array(code).prefix(8))
    }
}

/// Recounts a petition from ledger entries alone (the public log, read over HTTP or from the
/// database): signatures minus withdrawals, per signer, in log order.
public enum PetitionRecount {
    public static func tally(
        _ petitionID: String, entries: (Int, Int) async throws -> [(index: Int, body: Data)]
    ) async throws -> Int {
        var signers: Set<String> = []
        var next = 0
        let subject = "petition:\(petitionID)"
        while true {
            let page = try await entries(next, 1_000)
            guard let last = page.last else { break }
            for (_, body) in page {
                let event = try LedgerEvent(canonical: body)
                guard event.subject == subject else { continue }
                switch event.kind {
                case "participation.petition.signed": signers.insert(event.actor)
                case "participation.petition.withdrawn": signers.remove(event.actor)
                default: break
                }
            }
            next = last.index + 1
        }
        return signers.count
    }
}
