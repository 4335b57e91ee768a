import Core
import Foundation
import Ledger
import SQLKit
import Storage

/// `IdentityStore`, `CredentialStore` and `APIClientStore` on the platform database. Every change
/// of identity data is written to the transparency ledger in the same transaction, when one is given.
public struct SQLIdentityStore: IdentityStore, CredentialStore, APIClientStore {
    let database: Database
    let ledger: LedgerService?

    public init(database: Database, ledger: LedgerService? = nil) {
        self.database = database
        self.ledger = ledger
    }

    /// Appends one event in `sql`'s transaction; personal identifiers become pseudonyms first.
    func log(
        _ sql: any SQLDatabase, kind: String, actor: LedgerActor, subject: (String) -> String,
        subjectPIN: String?, details: some Encodable & Sendable, now: Int
    ) async throws -> Int? {
        guard let ledger else { return nil }
        var pseudonym = ""
        if let pin = subjectPIN { pseudonym = try await ledger.pseudonym(for: pin, on: sql) }
        let subjectRef = subject(pseudonym)
        let actorRef = try await actor.ledgerName(ledger, on: sql, themself: subjectRef)
        let event = try LedgerEvent(kind: kind, actor: actorRef, subject: subjectRef, time: now, details: details)
        return try await ledger.append([event], on: sql).lowerBound
    }

    // MARK: people and organisations

    public func insert(_ p: Person, passwordHash: String?, now: Int, by actor: LedgerActor) async throws -> Int? {
        let inserted: (Bool, Int?) = try await database.transaction { sql in
            let row = try await sql.raw(
                """
                INSERT INTO people (pin, family_name, given_name, patronymic, birth_date, sex, district_code, address, phone, email, is_demo, created_at)
                VALUES (\(bind: p.pin), \(bind: p.familyName), \(bind: p.givenName), \(bind: p.patronymic), \(bind: p.birthDate), \(bind: p.sex),
                        \(bind: p.districtCode), \(bind: p.address), \(bind: p.phone), \(bind: p.email), \(bind: p.isDemo ? 1 : 0), \(bind: now))
                ON CONFLICT (pin) DO NOTHING RETURNING pin
                """
            ).first()
            guard row != nil else { return (false, nil) }
            if let passwordHash {
                try await sql.raw(
                    """
                    INSERT INTO accounts (pin, password_hash, created_at) VALUES (\(bind: p.pin), \(bind: passwordHash), \(bind: now))
                    """
                ).run()
            }
            let index = try await log(
                sql, kind: "identity.person.registered", actor: actor, subject: { $0 }, subjectPIN: p.pin,
                details: ["district": p.districtCode ?? ""], now: now)
            if passwordHash != nil { try await AccountRecords.seal([p.pin], ledger: ledger, on: sql) }
            return (true, index)
        }
        if !inserted.0 { throw DomainError.conflict(field: "pin", messageKey: "error_pin_taken") }
        return inserted.1
    }

    public func person(pin: String) async throws -> Person? {
        try await database.withConnection { sql in
            try await sql.raw("SELECT * FROM people WHERE pin = \(bind: pin)").first().map(Self.person)
        }
    }

    public func people(pins: [String], on sql: any SQLDatabase) async throws -> [Person] {
        var people: [Person] = []
        for start in stride(from: 0, to: pins.count, by: 500) {
            let chunk = Array(Set(pins[start..<min(start + 500, pins.count)]))
            people += try await sql.raw("SELECT * FROM people WHERE pin IN (" + .list(chunk) + ")").all().map(
                Self.person)
        }
        return people
    }

    /// The PIN and phone of every person with an account who lives in one of `regions` (for
    /// emergency alerts).
    public func accountHolders(inRegions regions: [String], on sql: any SQLDatabase) async throws
        -> [(pin: String, phone: String)]
    {
        guard !regions.isEmpty else { return [] }
        return try await sql.raw(
            """
            SELECT p.pin, p.phone FROM people p JOIN accounts a ON a.pin = p.pin
            JOIN districts d ON d.code = p.district_code WHERE d.region_code IN (
            """ + .list(regions) + ") ORDER BY p.pin"
        ).all().map { (try $0.decode(column: "pin", as: String.self), try $0.decode(column: "phone", as: String.self)) }
    }

    public func officials(of agency: String, holding roles: [String], on sql: any SQLDatabase) async throws
        -> [String]
    {
        guard !roles.isEmpty else { return [] }
        let query: SQLQueryString =
            "SELECT o.person_pin AS pin FROM officials o WHERE o.agency_code = \(bind: agency) AND EXISTS (SELECT 1 FROM official_roles r WHERE r.person_pin = o.person_pin AND r.role IN ("
            + .list(roles.sorted()) + ")) ORDER BY o.person_pin"
        return try await sql.raw(
            query
        ).all().map { try $0.decode(column: "pin", as: String.self) }
    }

    static func person(_ row: any SQLRow) throws -> Person {
        Person(
            pin: try row.decode(column: "pin", as: String.self),
            familyName: try row.decode(column: "family_name", as: String.self),
            givenName: try row.decode(column: "given_name", as: String.self),
            patronymic: try row.decode(column: "patronymic", as: String.self),
            birthDate: try row.decode(column: "birth_date", as: String.self),
            sex: try row.decode(column: "sex", as: String.self),
            districtCode: try row.decode(column: "district_code", as: String?.self),
            address: try row.decode(column: "address", as: String.self),
            phone: try row.decode(column: "phone", as: String.self),
            email: try row.decode(column: "email", as: String.self),
            isDemo: try row.decode(column: "is_demo", as: Int.self) != 0
        )
    }

    public func insert(_ o: Organisation, representative: String?, capacity: String, now: Int, by actor: LedgerActor)
        async throws -> Int?
    {
        let inserted: (Bool, Int?) = try await database.transaction { sql in
            let row = try await sql.raw(
                """
                INSERT INTO organisations (inn, name, legal_form, district_code, address, registered_on, is_demo, created_at)
                VALUES (\(bind: o.inn), \(bind: o.name), \(bind: o.legalForm), \(bind: o.districtCode), \(bind: o.address),
                        \(bind: o.registeredOn), \(bind: o.isDemo ? 1 : 0), \(bind: now))
                ON CONFLICT (inn) DO NOTHING RETURNING inn
                """
            ).first()
            guard row != nil else { return (false, nil) }
            if let representative {
                try await sql.raw(
                    """
                    INSERT INTO representations (person_pin, organisation_inn, capacity)
                    VALUES (\(bind: representative), \(bind: o.inn), \(bind: capacity))
                    """
                ).run()
            }
            // An individual entrepreneur's INN is their PIN: personal, so pseudonymised like one.
            let personal = o.legalForm == "IE"
            let index = try await log(
                sql, kind: "identity.organisation.registered", actor: actor,
                subject: { personal ? $0 : "organisation:\(o.inn)" }, subjectPIN: personal ? o.inn : nil,
                details: ["legalForm": o.legalForm, "district": o.districtCode ?? ""], now: now)
            return (true, index)
        }
        if !inserted.0 { throw DomainError.conflict(field: "inn", messageKey: "error_inn_taken") }
        return inserted.1
    }

    public func organisation(inn: String) async throws -> Organisation? {
        try await database.withConnection { sql in
            try await sql.raw("SELECT * FROM organisations WHERE inn = \(bind: inn)").first().map(Self.organisation)
        }
    }

    public func organisations(representedBy pin: String) async throws -> [Organisation] {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT o.* FROM organisations o JOIN representations r ON r.organisation_inn = o.inn
                WHERE r.person_pin = \(bind: pin) ORDER BY o.name
                """
            ).all().map(Self.organisation)
        }
    }

    static func organisation(_ row: any SQLRow) throws -> Organisation {
        Organisation(
            inn: try row.decode(column: "inn", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            legalForm: try row.decode(column: "legal_form", as: String.self),
            districtCode: try row.decode(column: "district_code", as: String?.self),
            address: try row.decode(column: "address", as: String.self),
            registeredOn: try row.decode(column: "registered_on", as: String.self),
            isDemo: try row.decode(column: "is_demo", as: Int.self) != 0
        )
    }

    public func post(of pin: String) async throws -> OfficialPost? {
        try await database.withConnection { sql in
            guard
                let row = try await sql.raw(
                    "SELECT agency_code, position FROM officials WHERE person_pin = \(bind: pin)"
                ).first()
            else {
                return nil
            }
            let roles = try await sql.raw(
                "SELECT role FROM official_roles WHERE person_pin = \(bind: pin) ORDER BY role"
            ).all()
                .compactMap { Role(rawValue: try $0.decode(column: "role", as: String.self)) }
            return OfficialPost(
                agencyCode: try row.decode(column: "agency_code", as: String.self),
                position: try row.decode(column: "position", as: String.self),
                roles: roles
            )
        }
    }

    public func agencies() async throws -> [Agency] {
        try await database.withConnection { sql in
            try await sql.raw("SELECT * FROM agencies ORDER BY code").all().map { row in
                Agency(
                    code: try row.decode(column: "code", as: String.self),
                    branch: Agency.Branch(rawValue: try row.decode(column: "branch", as: String.self)) ?? .executive,
                    name: try Self.name(row),
                    regionCode: try row.decode(column: "region_code", as: String?.self)
                )
            }
        }
    }

    public func regions() async throws -> [Region] {
        try await database.withConnection { sql in
            let districts = try await sql.raw("SELECT * FROM districts ORDER BY code").all()
            var byRegion: [String: [District]] = [:]
            for row in districts {
                byRegion[try row.decode(column: "region_code", as: String.self), default: []]
                    .append(District(code: try row.decode(column: "code", as: String.self), name: try Self.name(row)))
            }
            return try await sql.raw("SELECT * FROM regions ORDER BY code").all().map { row in
                let code = try row.decode(column: "code", as: String.self)
                return Region(
                    code: code, kind: try row.decode(column: "kind", as: String.self), name: try Self.name(row),
                    districts: byRegion[code] ?? [])
            }
        }
    }

    static func name(_ row: any SQLRow) throws -> LocalizedName {
        LocalizedName(
            ky: try row.decode(column: "name_ky", as: String.self),
            ru: try row.decode(column: "name_ru", as: String.self),
            en: try row.decode(column: "name_en", as: String.self)
        )
    }

    // MARK: credentials

    public func assurance(pin: String) async throws -> Assurance {
        try await database.withConnection { sql in
            try await sql.raw("SELECT assurance FROM accounts WHERE pin = \(bind: pin)").first(
                decodingColumn: "assurance", as: String.self)
        }.flatMap(Assurance.init(rawValue:)) ?? .low
    }

    public func setAssurance(_ level: Assurance, pin: String, how: String, now: Int, by actor: LedgerActor)
        async throws
    {
        try await database.transaction { sql in
            try await setAssurance(level, pin: pin, how: how, now: now, by: actor, on: sql)
        }
    }

    /// Sets the account's level and writes its ledger entry on the caller's transaction.
    public func setAssurance(
        _ level: Assurance, pin: String, how: String, now: Int, by actor: LedgerActor, on sql: any SQLDatabase
    ) async throws {
        let changed =
            try await sql.raw(
                "UPDATE accounts SET assurance = \(bind: level.rawValue) WHERE pin = \(bind: pin) RETURNING pin"
            ).first() != nil
        guard changed else { throw DomainError.notFound }
        _ = try await log(
            sql, kind: "identity.account.assurance", actor: actor, subject: { $0 }, subjectPIN: pin,
            details: ["level": level.rawValue, "how": how], now: now)
        try await AccountRecords.seal([pin], ledger: ledger, on: sql)
    }

    public func passwordHash(pin: String) async throws -> String? {
        try await database.withConnection { sql in
            try await sql.raw("SELECT password_hash FROM accounts WHERE pin = \(bind: pin)").first(
                decodingColumn: "password_hash", as: String.self)
        }
    }

    public func setPasswordHash(_ hash: String, pin: String, now: Int) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO accounts (pin, password_hash, created_at) VALUES (\(bind: pin), \(bind: hash), \(bind: now))
                ON CONFLICT (pin) DO UPDATE SET password_hash = excluded.password_hash
                """
            ).run()
            try await AccountRecords.seal([pin], ledger: ledger, on: sql)
        }
    }

    public func failures(keys: [String], since: Int) async throws -> Int {
        try await database.withConnection { sql in
            var worst = 0
            for key in keys {
                let count =
                    try await sql.raw(
                        """
                        SELECT COUNT(*) AS n FROM sign_in_failures WHERE throttle_key = \(bind: key) AND failed_at >= \(bind: since)
                        """
                    ).first(decodingColumn: "n", as: Int.self) ?? 0
                worst = max(worst, count)
            }
            return worst
        }
    }

    public func recordFailure(keys: [String], at: Int, forgetBefore: Int) async throws {
        try await database.transaction { sql in
            for key in keys {
                try await sql.raw(
                    "INSERT INTO sign_in_failures (throttle_key, failed_at) VALUES (\(bind: key), \(bind: at))"
                ).run()
            }
            try await sql.raw("DELETE FROM sign_in_failures WHERE failed_at < \(bind: forgetBefore)").run()
        }
    }

    public func clearFailures(key: String) async throws {
        try await database.withConnection { sql in
            try await sql.raw("DELETE FROM sign_in_failures WHERE throttle_key = \(bind: key)").run()
        }
    }

    public func insertSession(tokenHash: String, pin: String, now: Int, expiresAt: Int, complete: Bool) async throws {
        try await database.transaction { sql in
            // Expired sessions of this person are of no use to anyone; forget them as a new one starts.
            try await sql.raw("DELETE FROM sessions WHERE pin = \(bind: pin) AND expires_at <= \(bind: now)").run()
            try await sql.raw(
                """
                INSERT INTO sessions (token_hash, pin, created_at, expires_at, second_factor)
                VALUES (\(bind: tokenHash), \(bind: pin), \(bind: now), \(bind: expiresAt), \(bind: complete ? 1 : 0))
                """
            ).run()
        }
    }

    public func sessionOwner(tokenHash: String, now: Int, complete: Bool) async throws -> String? {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT pin FROM sessions WHERE token_hash = \(bind: tokenHash) AND expires_at > \(bind: now)
                  AND second_factor = \(bind: complete ? 1 : 0)
                """
            )
            .first(decodingColumn: "pin", as: String.self)
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await database.withConnection { sql in
            try await sql.raw("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash)").run()
        }
    }

    public func deleteSessions(pin: String) async throws {
        try await database.withConnection { sql in
            try await sql.raw("DELETE FROM sessions WHERE pin = \(bind: pin)").run()
        }
    }

    // MARK: API clients

    public func insert(_ c: APIClient, tokenHash: String, by administrator: String) async throws {
        try await database.transaction { sql in
            try await sql.raw(
                """
                INSERT INTO api_clients (id, name, agency_code, scopes, token_hash, created_at, created_by, revoked_at)
                VALUES (\(bind: c.id), \(bind: c.name), \(bind: c.agencyCode), \(bind: c.scopes.map(\.rawValue).joined(separator: " ")),
                        \(bind: tokenHash), \(bind: c.createdAt), \(bind: c.createdBy), \(bind: c.revokedAt))
                """
            ).run()
            _ = try await log(
                sql, kind: "identity.client.issued", actor: .person(administrator), subject: { _ in "client:\(c.id)" },
                subjectPIN: nil,
                details: [
                    "name": c.name, "agency": c.agencyCode, "scopes": c.scopes.map(\.rawValue).joined(separator: " "),
                ],
                now: c.createdAt)
        }
    }

    public func all() async throws -> [APIClient] {
        try await database.withConnection { sql in
            try await sql.raw("SELECT * FROM api_clients ORDER BY created_at DESC, id").all().map(Self.client)
        }
    }

    public func client(tokenHash: String) async throws -> APIClient? {
        try await database.withConnection { sql in
            try await sql.raw("SELECT * FROM api_clients WHERE token_hash = \(bind: tokenHash)").first().map(
                Self.client)
        }
    }

    public func revoke(id: String, at: Int, by administrator: String) async throws -> Bool {
        try await database.transaction { sql in
            guard
                try await sql.raw(
                    "UPDATE api_clients SET revoked_at = \(bind: at) WHERE id = \(bind: id) AND revoked_at IS NULL RETURNING id"
                ).first() != nil
            else {
                return false
            }
            _ = try await log(
                sql, kind: "identity.client.revoked", actor: .person(administrator), subject: { _ in "client:\(id)" },
                subjectPIN: nil, details: ["id": id], now: at)
            return true
        }
    }

    static func client(_ row: any SQLRow) throws -> APIClient {
        APIClient(
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            agencyCode: try row.decode(column: "agency_code", as: String.self),
            scopes: try row.decode(column: "scopes", as: String.self).split(separator: " ").compactMap {
                Scope(rawValue: String($0))
            },
            createdAt: try row.decode(column: "created_at", as: Int.self),
            createdBy: try row.decode(column: "created_by", as: String.self),
            revokedAt: try row.decode(column: "revoked_at", as: Int?.self)
        )
    }
}
