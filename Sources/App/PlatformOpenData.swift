import Core
import Exchange
import Foundation
import Identity
import Ledger
import Logging
import OpenData
import Participation
import Programme
import Registries
import ServiceLifecycle
import Services

/// The open data the platform publishes about itself, in organization `taza-koom`: service
/// performance, registry sizes, the latest ledger checkpoint, exchange traffic and e-participation's
/// petitions and budget results. Counts of 1 to 4
/// (and figures computed over fewer than 5 cases) are left empty. Later modules add their tables
/// to `tables()` and they go out through the same path.
public struct PlatformOpenData: Sendable {
    let applications: ApplicationService
    let registries: RegistryService
    let ledger: LedgerService
    let exchange: ExchangeNode?
    let openData: OpenDataService
    let participation: ParticipationServices?
    let programme: ProgrammeService?
    /// Refreshes the programme's computed indicators, so that their dataset is current when published.
    let computedIndicators: ComputedIndicators?

    /// The platform's own organization and the publisher that writes there.
    static let organization = DataOrganization(
        name: "taza-koom", agencyCode: "TAZAKOOM",
        title: TranslatedText([
            "ky": "Таза Коом платформасы", "ru": "Платформа «Таза Коом»", "en": "Taza Koom platform",
        ]),
        description: TranslatedText([
            "en": "Figures the platform publishes about itself", "ru": "Сведения, которые платформа публикует о себе",
            "ky": "Платформа өзү жөнүндө жарыялаган маалыматтар",
        ]))
    static let publisher = Publisher(agencyCode: "TAZAKOOM", actor: "system:open-data")

    /// Publishes every table whose rows changed; returns the names of those published.
    @discardableResult
    public func publish() async throws -> [String] {
        var published: [String] = []
        if let programme, let computedIndicators { try await computedIndicators.refresh(programme) }
        for table in try await tables()
        where try await openData.publish(table, in: Self.organization.name, by: Self.publisher) {
            published.append(table.name)
        }
        return published
    }

    func tables() async throws -> [PublishedTable] {
        var tables = [try await servicePerformance(), try await registrySizes(), try await ledgerCheckpoint()]
        if let exchange { tables.append(try await exchangeTraffic(exchange)) }
        if let participation { tables += try await participationTables(participation) }
        if let programme { tables += try await programmeTables(programme) }
        return tables
    }

    func servicePerformance() async throws -> PublishedTable {
        let rows = try await applications.statistics().sorted { $0.serviceID < $1.serviceID }.map { s in
            [
                s.serviceID, s.agency, SmallCounts.cell(s.applications), SmallCounts.cell(s.decided),
                SmallCounts.cell(s.backlog), SmallCounts.cell(s.withdrawn),
                SmallCounts.cell(s.medianDaysToDecision.map { String(format: "%.1f", $0) } ?? "", over: s.decided),
                SmallCounts.cell(s.withinDeadline.map { String(format: "%.3f", $0) } ?? "", over: s.decided),
                SmallCounts.cell(s.averageRating.map { String(format: "%.2f", $0) } ?? "", over: s.ratings),
            ]
        }
        return PublishedTable(
            name: "service-performance",
            title: TranslatedText([
                "en": "Public service performance", "ru": "Показатели государственных услуг",
                "ky": "Мамлекеттик кызматтардын көрсөткүчтөрү",
            ]),
            notes: TranslatedText([
                "en":
                    "Applications per online service: decided, open, withdrawn, median days to a decision, share decided within the legal deadline, average rating. Counts of 1 to 4 are left empty.",
                "ru":
                    "Заявления по каждой онлайн-услуге: решённые, открытые, отозванные, медиана дней до решения, доля решённых в законный срок, средняя оценка. Числа от 1 до 4 не публикуются.",
                "ky":
                    "Ар бир онлайн кызмат боюнча арыздар: чечилгендер, ачыктар, кайтарылгандар, чечимге чейинки күндөрдүн медианасы, мыйзамдуу мөөнөттө чечилгендердин үлүшү, орточо баа. 1ден 4кө чейинки сандар жарыяланбайт.",
            ]),
            themes: ["GOVE"], tags: ["services", "performance"], frequency: "DAILY",
            columns: [
                .init(name: "service", type: .string), .init(name: "agency", type: .string),
                .init(name: "applications", type: .integer), .init(name: "decided", type: .integer),
                .init(name: "open", type: .integer), .init(name: "withdrawn", type: .integer),
                .init(name: "median_days_to_decision", type: .number),
                .init(name: "share_within_deadline", type: .number),
                .init(name: "average_rating", type: .number),
            ],
            rows: rows)
    }

    func registrySizes() async throws -> PublishedTable {
        let catalogue = try await registries.catalogue()
        let counts = try await registries.recordCounts()
        let rows = catalogue.registries.values.sorted { $0.name < $1.name }.map { registry in
            [registry.name, registry.ownerAgency, registry.title.en, SmallCounts.cell(counts[registry.name] ?? 0)]
        }
        return PublishedTable(
            name: "registry-sizes",
            title: TranslatedText([
                "en": "State registries and their sizes", "ru": "Государственные реестры и их размер",
                "ky": "Мамлекеттик реестрлер жана алардын көлөмү",
            ]),
            notes: TranslatedText([
                "en": "How many live records each registry on the platform holds, and which agency keeps it.",
                "ru": "Сколько действующих записей в каждом реестре платформы и какое ведомство его ведёт.",
                "ky": "Платформадагы ар бир реестрде канча жазуу бар жана аны кайсы мекеме жүргүзөт.",
            ]),
            themes: ["GOVE"], tags: ["registries"], frequency: "DAILY",
            columns: [
                .init(name: "registry", type: .string), .init(name: "agency", type: .string),
                .init(name: "title", type: .string), .init(name: "records", type: .integer),
            ],
            rows: rows)
    }

    func ledgerCheckpoint() async throws -> PublishedTable {
        let rows = try await ledger.latestCheckpoint().map { [[String($0.size), $0.root.base64, $0.note]] } ?? []
        return PublishedTable(
            name: "ledger-checkpoint",
            title: TranslatedText([
                "en": "Transparency ledger: signed checkpoint",
                "ru": "Реестр прозрачности: подписанная контрольная точка",
                "ky": "Ачыктык реестри: кол коюлган текшерүү чекити",
            ]),
            notes: TranslatedText([
                "en":
                    "The latest signed checkpoint of the ledger (size, root hash, signed note). Each version of this dataset keeps the checkpoint of its day: an archive anyone can check `tazakoom ledger verify` against.",
                "ru":
                    "Последняя подписанная контрольная точка реестра (размер, корневой хеш, подписанная запись). Каждая версия набора хранит контрольную точку своего дня.",
                "ky":
                    "Реестрдин акыркы кол коюлган текшерүү чекити (өлчөмү, тамыр хеши, кол коюлган жазуу). Топтомдун ар бир версиясы өз күнүнүн чекитин сактайт.",
            ]),
            themes: ["GOVE"], tags: ["ledger", "transparency"], frequency: "DAILY",
            columns: [
                .init(name: "size", type: .integer), .init(name: "root_hash", type: .string),
                .init(name: "signed_note", type: .string),
            ],
            rows: rows)
    }

    func exchangeTraffic(_ node: ExchangeNode) async throws -> PublishedTable {
        let rows = try await node.overview().traffic.sorted {
            ($0.service, $0.clientMember, $0.side) < ($1.service, $1.clientMember, $1.side)
        }
        .map { [$0.side, $0.service, $0.clientMember, SmallCounts.cell($0.messages), SmallCounts.cell($0.errors)] }
        return PublishedTable(
            name: "exchange-traffic",
            title: TranslatedText([
                "en": "Data exchange between agencies: last 30 days",
                "ru": "Обмен данными между ведомствами: последние 30 дней",
                "ky": "Мекемелер ортосундагы маалымат алмашуу: акыркы 30 күн",
            ]),
            notes: TranslatedText([
                "en":
                    "Messages this node sent or answered on the exchange layer, per service and client member, with errors.",
                "ru":
                    "Сообщения, которые этот узел отправил или на которые ответил, по услугам и клиентам, с ошибками.",
                "ky": "Бул түйүн жөнөткөн же жооп берген билдирүүлөр, кызматтар жана кардарлар боюнча, каталар менен.",
            ]),
            themes: ["GOVE", "TECH"], tags: ["exchange"], frequency: "DAILY",
            columns: [
                .init(name: "side", type: .string), .init(name: "service", type: .string),
                .init(name: "client", type: .string), .init(name: "messages", type: .integer),
                .init(name: "errors", type: .integer),
            ],
            rows: rows)
    }
}

/// Refreshes the computed indicators and publishes the platform's own open data at start and then every
/// `intervalSeconds` (0: never).
struct OpenDataPublishing: ServiceLifecycle.Service {
    let data: PlatformOpenData
    let intervalSeconds: Int
    let logger: Logger

    func run() async throws {
        guard intervalSeconds > 0 else {
            try? await gracefulShutdown()
            return
        }
        await repeatUntilShutdown(everySeconds: intervalSeconds, startNow: true) {
            do {
                let published = try await data.publish()
                if !published.isEmpty { logger.info("open data published", metadata: ["datasets": "\(published)"]) }
            } catch {
                logger.warning("open data not published", metadata: ["error": "\(error)"])
            }
        }
    }
}
