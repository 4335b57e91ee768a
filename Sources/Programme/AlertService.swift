import Core
import Foundation
import Identity
import Ledger
import Storage

/// Emergency alerts (task 1.3): an authorised agency publishes one for some regions; it reaches
/// the account holders living there (in their inbox and by SMS), shows as a banner, is a ledger
/// entry, and goes out in the public CAP 1.2 feed.
public struct AlertService: Sendable {
    let store: SQLAlertStore
    /// The PIN and phone of account holders living in the given regions, for alert `id` published
    /// by an official: a read of each person's contact details, so the closure logs it for them
    /// (their "who looked at my data").
    let residents: Residents
    let clock: Clock
    private let activeCache = TTLCache<String, [EmergencyAlert]>(lifetime: .seconds(5), capacity: 1)

    /// Agencies that may publish alerts: the emergency ministry and the platform's operator.
    public static let authorisedAgencies: Set<String> = ["MES", "MDD"]

    /// Reads the recipients of an alert: regions, the alert's id and the official publishing it.
    public typealias Residents =
        @Sendable (_ regions: [String], _ alert: String, _ official: Principal) async throws
        -> [(pin: String, phone: String)]

    public init(store: SQLAlertStore, residents: @escaping Residents, clock: Clock = .system) {
        self.store = store
        self.residents = residents
        self.clock = clock
    }

    /// Whether `official` may publish alerts.
    public static func mayPublish(_ official: Principal) -> Bool {
        AccessPolicy.permissions(of: official).contains(.publishAlerts)
            && authorisedAgencies.contains(official.post?.agencyCode ?? "")
    }

    /// Checks `input` whole (every language, known regions and values), then stores the alert, who
    /// it reaches, their SMS and its ledger entry together.
    public func publish(_ input: AlertInput, regions known: Set<String>, by official: Principal) async throws
        -> EmergencyAlert
    {
        guard Self.mayPublish(official), let agency = official.post?.agencyCode else { throw ProgrammeError.forbidden }
        var problems: [String: String] = [:]
        let category = EmergencyAlert.Category(rawValue: input.category)
        let severity = EmergencyAlert.Severity(rawValue: input.severity)
        let urgency = EmergencyAlert.Urgency(rawValue: input.urgency)
        let certainty = EmergencyAlert.Certainty(rawValue: input.certainty)
        if category == nil { problems["category"] = "programme_error_choice" }
        if severity == nil { problems["severity"] = "programme_error_choice" }
        if urgency == nil { problems["urgency"] = "programme_error_choice" }
        if certainty == nil { problems["certainty"] = "programme_error_choice" }
        let regions = Array(Set(input.regions)).sorted()
        if regions.isEmpty || !regions.allSatisfy(known.contains) { problems["regions"] = "programme_error_regions" }
        var texts: [Language: EmergencyAlert.Text] = [:]
        for language in Language.allCases {
            let given = input.texts[language]
            let headline = (given?.headline ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let instruction = (given?.instruction ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if !AlertInput.headlineLength.contains(headline.count) || headline.contains(where: \.isNewline) {
                problems["headline_" + language.rawValue] = "programme_error_language"
            }
            if !AlertInput.instructionLength.contains(instruction.count) {
                problems["instruction_" + language.rawValue] = "programme_error_language"
            }
            texts[language] = EmergencyAlert.Text(headline: headline, instruction: instruction)
        }
        let hours = Int(input.hours.trimmingCharacters(in: .whitespaces)).flatMap {
            AlertInput.hoursAllowed.contains($0) ? $0 : nil
        }
        if hours == nil { problems["hours"] = "programme_error_hours" }
        guard problems.isEmpty, let category, let severity, let urgency, let certainty, let hours else {
            throw ProgrammeError.invalid(problems)
        }
        let now = clock.seconds
        let alert = EmergencyAlert(
            id: UUID().uuidString.lowercased(), agency: agency, category: category, severity: severity,
            urgency: urgency, certainty: certainty, regions: regions, texts: texts, sentAt: now,
            expiresAt: now + hours * 3_600)
        let people = try await residents(regions, alert.id, official)
        // SMS in Kyrgyz and Russian, as the overdue notices: one message whatever the phone's language.
        let sms = [Language.ky, .ru].map { "\(texts[$0]!.headline). \(texts[$0]!.instruction)" }.joined(
            separator: " / ")
        let messages = people.filter { !$0.phone.isEmpty }.map {
            OutboxMessage(
                id: "alert:\(alert.id):\($0.pin)", channel: "sms", recipient: $0.phone, subject: "", body: sms,
                createdAt: now)
        }
        try await store.insert(
            alert, recipients: people.map(\.pin), messages: messages,
            event: try LedgerEvent(
                kind: "programme.alert.published", actor: "agency:" + agency, subject: "alert:" + alert.id, time: now,
                details: [
                    "category": category.rawValue, "severity": severity.rawValue, "urgency": urgency.rawValue,
                    "certainty": certainty.rawValue, "regions": regions.joined(separator: ","),
                    "expires": CalendarDate.utcTimestamp(alert.expiresAt), "headline": texts[.en]!.headline,
                    "recipients": String(people.count),
                ]))
        await activeCache.removeAll()
        return alert
    }

    /// Alerts in force now, newest first (kept a few seconds: every page asks).
    public func active() async throws -> [EmergencyAlert] {
        let now = clock.seconds
        let store = self.store
        return try await activeCache.value(for: "active") {
            try await store.alerts(expiringAfter: now, limit: 20)
        }.filter { $0.isActive(at: now) }
    }

    /// The banner for a page: every alert in force for a visitor who is not signed in (they may be
    /// anywhere), and those that reached a signed-in person.
    public func banner(for pin: String?) async throws -> [EmergencyAlert] {
        let active = try await active()
        guard let pin, !active.isEmpty else { return active }
        let delivered = try await store.delivered(active.map(\.id), to: pin)
        return active.filter { delivered.contains($0.id) }
    }

    /// Alerts published in the last `days` days or still in force, newest first (the public feed).
    public func recent(days: Int = 30, limit: Int = 100) async throws -> [EmergencyAlert] {
        try await store.alerts(expiringAfter: clock.seconds - days * 86_400, limit: limit)
    }

    public func alert(_ id: String) async throws -> EmergencyAlert {
        guard id.count <= 64, let alert = try await store.alert(id) else { throw ProgrammeError.notFound }
        return alert
    }

    /// The alerts that reached `pin` (their inbox), newest first.
    public func inbox(of pin: String, limit: Int = 50) async throws -> [EmergencyAlert] {
        try await store.alerts(of: pin, limit: limit)
    }
}
