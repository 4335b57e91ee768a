import Core
import Crypto
import Foundation
import Identity
import Ledger

/// The programme's action plan and indicators: figures computed from the platform on a schedule,
/// figures officials enter with evidence (each a ledger entry), and ICT statistics by region.
public struct ProgrammeService: Sendable {
    let store: SQLProgrammeStore
    let clock: Clock

    public init(store: SQLProgrammeStore, clock: Clock = .system) {
        self.store = store
        self.clock = clock
    }

    /// Everything the dashboard shows.
    public struct Overview: Sendable {
        public var indicators: [Indicator]
        /// By indicator code, oldest period first.
        public var measurements: [String: [Measurement]]
        public var actions: [ActionItem]
        public var ict: [ICTObservation]
    }

    /// Adds the programme's indicators and action plan where missing.
    public func ensureReferenceData() async throws {
        try await store.ensure(ProgrammeIndicators.all, ProgrammeIndicators.actions)
    }

    public func overview() async throws -> Overview {
        Overview(
            indicators: try await store.indicators(),
            measurements: Dictionary(grouping: try await store.measurements(), by: \.indicator),
            actions: try await store.actions(), ict: try await store.ictObservations())
    }

    /// The month computed figures are kept for (`YYYY-MM`, Bishkek).
    public var currentPeriod: String { String(clock.today.description.prefix(7)) }

    /// Stores this month's computed figures (codes of computed indicators only).
    public func recordComputed(_ values: [String: Double]) async throws {
        let computed = Set(try await store.indicators().filter { $0.source == .computed }.map(\.code))
        let now = clock.seconds
        try await store.record(
            values.filter { computed.contains($0.key) && $0.value.isFinite }.sorted { $0.key < $1.key }.map {
                Measurement(
                    indicator: $0.key, period: currentPeriod, value: $0.value, evidence: "", recordedBy: "system",
                    recordedAt: now)
            })
    }

    /// An official's figure for an entered indicator, in the indicator's unit, with evidence.
    public func record(
        indicator code: String, period: String, value: String, unit: String, evidence: String, by official: Principal
    ) async throws -> Measurement {
        try AccessPolicy.require(.manageProgramme, of: official)
        guard let indicator = try await store.indicators().first(where: { $0.code == code }) else {
            throw ProgrammeError.invalid(["indicator": "programme_error_indicator"])
        }
        guard Self.answers(official, for: indicator.agency) else { throw ProgrammeError.forbidden }
        var problems: [String: String] = [:]
        if indicator.source == .computed { problems["indicator"] = "programme_error_computed" }
        if !Measurement.isPeriod(period) { problems["period"] = "programme_error_period" }
        if IndicatorUnit(rawValue: unit) != indicator.unit { problems["unit"] = "programme_error_unit" }
        let number = Self.number(value, unit: indicator.unit)
        if number == nil { problems["value"] = "programme_error_value" }
        let evidence = evidence.trimmingCharacters(in: .whitespacesAndNewlines)
        if evidence.isEmpty || evidence.count > 500 { problems["evidence"] = "programme_error_evidence" }
        guard problems.isEmpty, let number else { throw ProgrammeError.invalid(problems) }
        let now = clock.seconds
        let measurement = Measurement(
            indicator: code, period: period, value: number, evidence: evidence,
            recordedBy: official.post?.agencyCode ?? "",
            recordedAt: now)
        try await store.record(
            measurement,
            event: try LedgerEvent(
                kind: "programme.measurement.recorded", actor: Self.actor(official),
                subject: "indicator:\(code)", time: now,
                details: [
                    "period": period, "value": String(number), "unit": indicator.unit.rawValue, "evidence": evidence,
                ]))
        return measurement
    }

    /// Whether `official` may change what `agency` answers for: its own officials, and the platform's
    /// administrator for every agency.
    static func answers(_ official: Principal, for agency: String) -> Bool {
        AccessPolicy.permissions(of: official).contains(.manageAPIClients) || official.post?.agencyCode == agency
    }

    /// Officials act for their agency: the ledger names the agency.
    static func actor(_ official: Principal) -> String { "agency:" + (official.post?.agencyCode ?? "platform") }

    /// Moves an action-plan item of the official's agency (any, for the platform's administrator)
    /// to `status`, with a ledger entry.
    public func setStatus(of id: String, to status: String, by official: Principal) async throws {
        try AccessPolicy.require(.manageProgramme, of: official)
        guard let status = ActionItem.Status(rawValue: status) else {
            throw ProgrammeError.invalid(["status": "programme_error_choice"])
        }
        guard id.count <= 64, let item = try await store.actions().first(where: { $0.id == id }) else {
            throw ProgrammeError.invalid(["action": "programme_error_choice"])
        }
        guard Self.answers(official, for: item.agency) else { throw ProgrammeError.forbidden }
        let now = clock.seconds
        _ = try await store.setStatus(
            id, status,
            event: try LedgerEvent(
                kind: "programme.action.updated", actor: Self.actor(official), subject: "action:\(id)", time: now,
                details: ["from": item.status.rawValue, "to": status.rawValue]))
    }

    /// A figure written the way people write them (`12.5`, `12,5`), within what `unit` allows.
    static func number(_ text: String, unit: IndicatorUnit) -> Double? {
        let cleaned = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        guard cleaned.count <= 20, let value = Double(cleaned), value.isFinite, value >= 0 else { return nil }
        switch unit {
        case .percent: return value <= 100 ? value : nil
        case .perHundred: return value <= 1_000 ? value : nil
        case .count, .days: return value <= 1e12 ? value : nil
        }
    }

    /// Rows an ICT statistics file may have.
    public static let maximumICTRows = 10_000

    /// Imports ICT statistics from CSV (`indicator,region,year,value`): every row is checked first
    /// (known ITU indicator, known region, a year, a value in the indicator's unit), then all are
    /// stored with one ledger entry, or none. Returns how many rows were stored.
    public func importICT(csv: String, regions: Set<String>, by official: Principal) async throws -> Int {
        try AccessPolicy.require(.manageProgramme, of: official)
        var lines = csv.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard let header = lines.first,
            header.lowercased().replacingOccurrences(of: " ", with: "") == "indicator,region,year,value"
        else { throw ProgrammeError.csv(line: 1, problem: "programme_error_csv_header", value: "") }
        lines.removeFirst()
        guard !lines.isEmpty, lines.count <= Self.maximumICTRows else {
            throw ProgrammeError.csv(line: 1, problem: "programme_error_csv_size", value: "")
        }
        let units = Dictionary(uniqueKeysWithValues: ICTIndicator.all.map { ($0.code, $0.unit) })
        var observations: [ICTObservation] = []
        for (offset, line) in lines.enumerated() {
            let number = offset + 2
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count == 4 else {
                throw ProgrammeError.csv(line: number, problem: "programme_error_csv_cells", value: "")
            }
            guard let unit = units[cells[0]] else {
                throw ProgrammeError.csv(line: number, problem: "programme_error_csv_indicator", value: cells[0])
            }
            guard regions.contains(cells[1]) else {
                throw ProgrammeError.csv(line: number, problem: "programme_error_csv_region", value: cells[1])
            }
            guard cells[2].count == 4, let year = Int(cells[2]), (2000...2100).contains(year) else {
                throw ProgrammeError.csv(line: number, problem: "programme_error_csv_year", value: cells[2])
            }
            guard let value = Self.number(cells[3], unit: unit) else {
                throw ProgrammeError.csv(line: number, problem: "programme_error_csv_value", value: cells[3])
            }
            observations.append(ICTObservation(indicator: cells[0], region: cells[1], year: year, value: value))
        }
        let now = clock.seconds
        let digest = Hex.encode(Array(SHA256.hash(data: Data(csv.utf8))))
        try await store.importICT(
            observations, at: now,
            event: try LedgerEvent(
                kind: "programme.ict.imported", actor: Self.actor(official), subject: "ict-statistics", time: now,
                details: ["rows": String(observations.count), "sha256": digest]))
        return observations.count
    }
}
