import Core
import Foundation
import SQLKit
import Storage

/// Reference places and agencies (always), and the fictitious demo people, companies, officials
/// and accounts (on request). Idempotent and safe with several nodes starting at once.
public enum DemoData {
    /// The password of every demo account; printed by `serve`, never valid outside the demo.
    public static let password = "demo-taza-koom"

    /// A demo account: who to sign in as to try a role.
    public struct Account: Sendable {
        public var pin: String
        public var name: String
        /// What the account shows off, e.g. `citizen`, `official SRS clerk`.
        public var role: String
    }

    /// (pin, family, given, patronymic, district, address, phone, email, agency, position, roles)
    public static let people:
        [(String, String, String, String, String, String, String, String, String?, String, [Role])] = [
            (
                "11207199000417", "Токтогулова", "Айгүл", "Бакытовна", "BIS-LEN", "Бишкек, Чүй пр. 120, кв. 5",
                "+996 555 100 417", "aigul@example.kg", nil, "", []
            ),
            (
                "20303198500231", "Асанов", "Бакыт", "Маратович", "OSH-KSU", "Кара-Суу, Ленин к. 14",
                "+996 772 200 231", "bakyt@example.kg", nil, "", []
            ),
            (
                "22511197901022", "Садыков", "Нурлан", "Эркинович", "CHU-ALA", "Аламүдүн, Советская к. 3",
                "+996 700 301 022", "nurlan@example.kg", nil, "", []
            ),
            (
                "11502198000555", "Исмаилова", "Гүлнара", "Акылбековна", "BIS-PER", "Бишкек, Киев к. 96",
                "+996 555 400 555", "gulnara@mdd.example.kg", "MDD", "Platform administrator", [.administrator]
            ),
            (
                "20106198800712", "Жумабаев", "Эрмек", "Таалайбекович", "BIS-OKT", "Бишкек, Ахунбаев к. 44",
                "+996 555 500 712", "ermek@srs.example.kg", "SRS", "Registration clerk", [.clerk]
            ),
            (
                "13009197500333", "Абдылдаева", "Чолпон", "Садыковна", "BIS-SVE", "Бишкек, Московская к. 7",
                "+996 555 600 333", "cholpon@srs.example.kg", "SRS", "Head of department", [.head, .specialist]
            ),
            (
                "21404199200901", "Кадыров", "Азамат", "Бекович", "OSC-OSH", "Ош, Курманжан Датка к. 210",
                "+996 777 700 901", "azamat@moh.example.kg", "MOH", "Specialist", [.specialist]
            ),
            (
                "21908198700148", "Усенов", "Мирлан", "Абдыкадырович", "BIS-LEN", "Бишкек, Эркиндик б. 25",
                "+996 555 800 148", "mirlan@bishkek.example.kg", "BCH", "Clerk", [.clerk]
            ),
            (
                "11003198100266", "Осмонова", "Жылдыз", "Каныбековна", "BIS-SVE", "Бишкек, Боконбаев к. 118",
                "+996 555 900 266", "jyldyz@bishkek.example.kg", "BCH", "Chief architect", [.head, .specialist]
            ),
            (
                "12505198200478", "Бекова", "Асель", "Нурбековна", "BIS-PER", "Бишкек, Тыныстанов к. 60",
                "+996 555 910 478", "asel@minjust.example.kg", "MOJ", "Specialist", [.specialist]
            ),
            (
                "21207199100345", "Орозбеков", "Улан", "Сатарович", "BIS-OKT", "Бишкек, Жибек Жолу к. 300",
                "+996 555 920 345", "ulan@edu.example.kg", "MOES", "Clerk", [.clerk]
            ),
            (
                "20811198600127", "Токтосунов", "Эрлан", "Жумабекович", "CHU-ALA", "Аламүдүн, Ленин к. 20",
                "+996 555 930 127", "erlan@agro.example.kg", "MOA", "Specialist", [.specialist]
            ),
            (
                "11806199300512", "Мамытова", "Бермет", "Аскаровна", "BIS-LEN", "Бишкек, Абдымомунов к. 205",
                "+996 555 940 512", "bermet@sot.example.kg", "SC", "Court clerk", [.clerk]
            ),
        ]

    /// (inn, name, legal form, district, address, representative PIN)
    public static let organisations: [(String, String, String, String, String, String)] = [
        (
            "01203201510005", "Ала-Тоо Софт ЖЧК / Ala-Too Soft LLC", "LLC", "BIS-LEN", "Бишкек, Токтогул к. 125",
            "22511197901022"
        ),
        (
            "00506200910117", "Ысык-Көл Жемиш ААК / Issyk-Kul Fruit JSC", "JSC", "ISK-ISK",
            "Чолпон-Ата, Советская к. 66", "20303198500231"
        ),
        (
            "22511197901022", "ЖИ Садыков Н. Э. / IE Sadykov N.", "IE", "CHU-ALA", "Аламүдүн, Советская к. 3",
            "22511197901022"
        ),
    ]

    /// Who to sign in as, for `serve` to print.
    public static var accounts: [Account] {
        people.map { p in
            let role =
                p.8.map { agency in "official, \(agency) \(p.10.map(\.rawValue).joined(separator: "+"))" } ?? "citizen"
            return Account(pin: p.0, name: "\(p.2) \(p.1)", role: role)
        }
    }

    /// Inserts the regions, districts and agencies that are missing.
    public static func ensureReferenceData(_ database: Database) async throws {
        try await database.transaction { sql in
            for (code, kind, ky, ru, en, districts) in DemoPlaces.regions {
                try await sql.raw(
                    """
                    INSERT INTO regions (code, kind, name_ky, name_ru, name_en) VALUES (\(bind: code), \(bind: kind), \(bind: ky), \(bind: ru), \(bind: en))
                    ON CONFLICT (code) DO NOTHING
                    """
                ).run()
                for (dcode, dky, dru, den) in districts {
                    try await sql.raw(
                        """
                        INSERT INTO districts (code, region_code, name_ky, name_ru, name_en)
                        VALUES (\(bind: dcode), \(bind: code), \(bind: dky), \(bind: dru), \(bind: den)) ON CONFLICT (code) DO NOTHING
                        """
                    ).run()
                }
            }
            for (code, branch, ky, ru, en, region) in DemoPlaces.agencies {
                try await sql.raw(
                    """
                    INSERT INTO agencies (code, branch, name_ky, name_ru, name_en, region_code)
                    VALUES (\(bind: code), \(bind: branch.rawValue), \(bind: ky), \(bind: ru), \(bind: en), \(bind: region)) ON CONFLICT (code) DO NOTHING
                    """
                ).run()
            }
        }
    }

    /// Seeds the demo people, companies, officials and accounts once; returns false when they were already there.
    @discardableResult
    public static func seed(_ database: Database, passwords: PasswordHasher, clock: Clock) async throws -> Bool {
        let hash = await passwords.hash(password)
        let engine = database.engine
        return try await database.transaction { sql in
            if engine == .postgres {
                try await sql.raw("SELECT pg_advisory_xact_lock(\(literal: 7_346_201_703))").run()
            }
            let done = try await sql.raw("SELECT value FROM settings WHERE key = 'demo_seeded'").first() != nil
            if done { return false }
            let now = clock.seconds
            for p in people {
                let pin = try PIN(p.0)
                try await sql.raw(
                    """
                    INSERT INTO people (pin, family_name, given_name, patronymic, birth_date, sex, district_code, address, phone, email, is_demo, created_at)
                    VALUES (\(bind: p.0), \(bind: p.1), \(bind: p.2), \(bind: p.3), \(bind: pin.birthDate.description), \(bind: pin.sex.rawValue),
                            \(bind: p.4), \(bind: p.5), \(bind: p.6), \(bind: p.7), 1, \(bind: now)) ON CONFLICT (pin) DO NOTHING
                    """
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO accounts (pin, password_hash, created_at) VALUES (\(bind: p.0), \(bind: hash), \(bind: now)) ON CONFLICT (pin) DO NOTHING
                    """
                ).run()
                if let agency = p.8 {
                    try await sql.raw(
                        """
                        INSERT INTO officials (person_pin, agency_code, position) VALUES (\(bind: p.0), \(bind: agency), \(bind: p.9)) ON CONFLICT (person_pin) DO NOTHING
                        """
                    ).run()
                    for role in p.10 {
                        try await sql.raw(
                            """
                            INSERT INTO official_roles (person_pin, role) VALUES (\(bind: p.0), \(bind: role.rawValue)) ON CONFLICT (person_pin, role) DO NOTHING
                            """
                        ).run()
                    }
                }
            }
            for o in organisations {
                let inn = try INN(o.0)
                try await sql.raw(
                    """
                    INSERT INTO organisations (inn, name, legal_form, district_code, address, registered_on, is_demo, created_at)
                    VALUES (\(bind: o.0), \(bind: o.1), \(bind: o.2), \(bind: o.3), \(bind: o.4), \(bind: inn.embeddedDate.description), 1, \(bind: now))
                    ON CONFLICT (inn) DO NOTHING
                    """
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO representations (person_pin, organisation_inn, capacity) VALUES (\(bind: o.5), \(bind: o.0), 'director')
                    ON CONFLICT (person_pin, organisation_inn) DO NOTHING
                    """
                ).run()
            }
            try await sql.raw("INSERT INTO settings (key, value) VALUES ('demo_seeded', \(bind: String(now)))").run()
            return true
        }
    }
}
