import Core
import Exchange
import Hummingbird
import Identity

/// The administrator's page of this exchange node: who is in the exchange (and who asks to join,
/// on the operator's node), what the node offers and to whom, its systems and subscriptions, the
/// events given up on, and the traffic of the last 30 days as charts.
struct ExchangeAdminController: Sendable {
    let node: ExchangeNode
    let pages: PageRenderer

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.adminExchange.pattern, use: page)
        router.post(Route.adminExchangeDecide.pattern, use: decide)
        router.post(Route.adminExchangeRetry.pattern, use: retry)
    }

    private func administrator(_ context: AppRequestContext) throws -> Principal {
        let principal = try PortalController.signedIn(context)
        try AccessPolicy.require(.manageExchange, of: principal)
        return principal
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try administrator(context)
        let overview = try await node.overview()
        let language = context.language
        let t = { (key: String) in pages.text(key, language) }
        let received = overview.traffic.filter { $0.side == "provider" }
        let sent = overview.traffic.filter { $0.side == "client" }
        let charts = [
            (t("exchange_chart_services"), Self.totals(received, by: \.service)),
            (t("exchange_chart_members"), Self.totals(received, by: \.clientMember)),
            (t("exchange_chart_sent"), Self.totals(sent, by: \.service)),
        ].filter { !$0.1.isEmpty }.map { title, rows in
            ExchangeAdminPage.Chart(
                title: title,
                svg: BarChart.svg(
                    title: title, rows: rows.map { ($0.0, Double($0.1), language.number($0.1)) }))
        }
        let view = ExchangeAdminPage(
            member: overview.member, name: overview.name, isOperator: overview.isOperator,
            serial: overview.serial.map(String.init) ?? t("exchange_no_configuration"),
            members: overview.members.map {
                .init(id: $0.id, name: $0.name, address: $0.address, subsystems: $0.subsystems.joined(separator: ", "))
            },
            requests: overview.joinRequests.filter { $0.status == "pending" }.map {
                .init(
                    id: $0.member.id, name: $0.member.name, address: $0.member.address,
                    subsystems: $0.member.subsystems.joined(separator: ", "),
                    requestedAt: DisplayTime.dateTime($0.requestedAt, language))
            },
            services: overview.services.map { service, rights in
                .init(
                    id: service.id.description, backend: service.backend,
                    rights: rights.map { "\($0.grantee) \($0.method) \($0.path)" })
            },
            subsystems: overview.localSubsystems,
            subscriptions: overview.subscriptions.map {
                .init(registry: $0.registry, subscriber: $0.subscriber.description, legalBasis: $0.legalBasis)
            },
            deadLetters: overview.deadLetters.map {
                .init(
                    id: $0.message.id, recipient: $0.message.recipient, attempts: $0.attempts,
                    error: String($0.lastError.prefix(200)))
            },
            charts: charts,
            recent: overview.recent.map {
                .init(
                    at: DisplayTime.dateTime($0.at, language), side: t("exchange_side_\($0.side)"),
                    client: $0.client, service: $0.service, status: String($0.status), error: $0.error,
                    messageID: $0.messageID)
            },
            trafficDays: Catalog.shipped.count("exchange_traffic_days", ExchangeNode.trafficDays, language))
        return pages.render(
            "exchange_admin", titleKey: "exchange_admin_title", request: request, context: context,
            page: view.flagged())
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> Response {
        let administrator = try administrator(context)
        let form = try await FormData.read(request)
        guard ["approve", "refuse"].contains(form["decision"]) else {
            throw ValidationError(field: "decision", messageKey: "error_required")
        }
        let approve = form["decision"] == "approve"
        guard
            try await node.decideJoinRequest(
                member: form["member"], approve: approve, by: "person:\(administrator.pin)")
        else { throw DomainError.notFound }
        return .seeOther(Route.adminExchange.rawValue, notice: approve ? .memberApproved : .memberRefused)
    }

    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try administrator(context)
        let form = try await FormData.read(request)
        guard try await node.retryDeadLetter(id: form["id"]) else { throw DomainError.notFound }
        return .seeOther(Route.adminExchange.rawValue, notice: .eventQueued)
    }

    /// Message counts summed by `key`, largest first, at most 12 bars.
    static func totals(_ counts: [TrafficCount], by key: KeyPath<TrafficCount, String>) -> [(String, Int)] {
        var sums: [String: Int] = [:]
        for count in counts { sums[count[keyPath: key], default: 0] += count.messages }
        let ordered = sums.sorted { a, b in a.value != b.value ? a.value > b.value : a.key < b.key }
        return ordered.prefix(12).map { ($0.key, $0.value) }
    }
}

/// The administrator's page of the exchange node (template `exchange_admin`).
struct ExchangeAdminPage: Encodable, Sendable {
    /// A member of the global configuration.
    struct Member: Encodable, Sendable {
        var id, name, address, subsystems: String
    }
    /// A member's pending request to join.
    struct Request: Encodable, Sendable {
        var id, name, address, subsystems, requestedAt: String
    }
    /// A service this node offers, with its rights written out.
    struct Service: Encodable, Sendable {
        var id, backend: String
        var rights: [String]
        var hasRights: Bool

        init(id: String, backend: String, rights: [String]) {
            self.id = id
            self.backend = backend
            self.rights = rights
            hasRights = !rights.isEmpty
        }
    }
    struct Subscription: Encodable, Sendable {
        var registry, subscriber, legalBasis: String
    }
    struct DeadLetter: Encodable, Sendable {
        var id, recipient: String
        var attempts: Int
        var error: String
    }
    struct Chart: Encodable, Sendable {
        var title, svg: String
    }
    /// A line of the message log.
    struct Message: Encodable, Sendable {
        var at, side, client, service, status, error, messageID: String
    }

    var member, name: String
    var isOperator: Bool
    var serial: String
    var members: [Member]
    var requests: [Request]
    var services: [Service]
    var subsystems: [String]
    var subscriptions: [Subscription]
    var deadLetters: [DeadLetter]
    var charts: [Chart]
    var recent: [Message]
    var trafficDays: String
    // Mustache shows a section for a non-empty list once per item: these say whether to show the
    // table around the items at all (set by `flagged()`).
    var hasRequests = false
    var hasServices = false
    var hasSubsystems = false
    var hasSubscriptions = false
    var hasDeadLetters = false
    var hasRecent = false

    /// The page with its `has…` flags set from its lists.
    func flagged() -> ExchangeAdminPage {
        var page = self
        page.hasRequests = !requests.isEmpty
        page.hasServices = !services.isEmpty
        page.hasSubsystems = !subsystems.isEmpty
        page.hasSubscriptions = !subscriptions.isEmpty
        page.hasDeadLetters = !deadLetters.isEmpty
        page.hasRecent = !recent.isEmpty
        return page
    }
}
