import Core
import Foundation
import Ledger
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
                "+996 555 500 712", "ermek@srs.example.kg", "SRS", "Registration clerk", [.clerk, .registrar]
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
            try await SQLIdentityStore.insertMissing(
                regions: DemoPlaces.regions, agencies: DemoPlaces.agencies, on: sql)
        }
    }

    /// Seeds the demo people, companies, officials and accounts once; returns false when they were already there.
    @discardableResult
    public static func seed(
        _ database: Database, passwords: PasswordHasher, clock: Clock, ledger: LedgerService? = nil
    ) async throws -> Bool {
        let hash = await passwords.hash(password)
        let engine = database.engine
        let now = clock.seconds
        return try await database.transaction { sql in
            // One node seeds; the others wait here and find it done.
            guard try await SQLIdentityStore.claimFlag("demo_seeded", value: String(now), lockIf: engine, on: sql)
            else { return false }
            for p in people {
                let pin = try PIN(p.0)
                try await SQLIdentityStore.insertDemoPerson(
                    Person(
                        pin: p.0, familyName: p.1, givenName: p.2, patronymic: p.3,
                        birthDate: pin.birthDate.description, sex: pin.sex.rawValue, districtCode: p.4, address: p.5,
                        phone: p.6, email: p.7, isDemo: true),
                    passwordHash: hash, post: p.8.map { OfficialPost(agencyCode: $0, position: p.9, roles: p.10) },
                    now: now, on: sql)
            }
            for o in organisations {
                let inn = try INN(o.0)
                try await SQLIdentityStore.insertDemoOrganisation(
                    inn: o.0, name: o.1, legalForm: o.2, district: o.3, address: o.4,
                    registeredOn: inn.embeddedDate.description, director: o.5, now: now, on: sql)
            }
            // The demo's accounts are sealed as they start, so reconciliation finds them in order.
            try await AccountRecords.seal(people.map(\.0), ledger: ledger, on: sql)
            return true
        }
    }
}
