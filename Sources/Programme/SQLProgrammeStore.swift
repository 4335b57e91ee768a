import Core
import Foundation
import Identity
import Ledger
import SQLKit
import Storage

/// Indicators, measurements, the action plan and ICT statistics (`programme_*` but alerts) on
/// SQLite or PostgreSQL.
public struct SQLProgrammeStore: Sendable {
    let database: Database
    let ledger: LedgerService

    public init(database: Database, ledger: LedgerService) {
        self.database = database
        self.ledger = ledger
    }

    /// Adds the indicators and action items that are missing (reference data; never overwrites).
    func ensure(_ indicators: [Indicator], _ actions: [ActionItem]) async throws {
        try await database.transaction { sql in
            for i in indicators {
                try await sql.raw(
                    """
                    INSERT INTO programme_indicators (code, task, title_ky, title_ru, title_en, unit, baseline, target,
                      source, agency, method_ky, method_ru, method_en)
                    VALUES (\(bind: i.code), \(bind: i.task), \(bind: i.title.ky), \(bind: i.title.ru), \(bind: i.title.en),
                      \(bind: i.unit.rawValue), \(bind: i.baseline), \(bind: i.target), \(bind: i.source.rawValue),
                      \(bind: i.agency), \(bind: i.method.ky), \(bind: i.method.ru), \(bind: i.method.en))
                    ON CONFLICT (code) DO NOTHING
                    """
                ).run()
            }
            for a in actions {
                try await sql.raw(
                    """
                    INSERT INTO programme_actions (id, task, title_ky, title_ru, title_en, agency, deadline, status)
                    VALUES (\(bind: a.id), \(bind: a.task), \(bind: a.title.ky), \(bind: a.title.ru), \(bind: a.title.en),
                      \(bind: a.agency), \(bind: a.deadline), \(bind: a.status.rawValue))
                    ON CONFLICT (id) DO NOTHING
                    """
                ).run()
            }
        }
    }

    func indicators() async throws -> [Indicator] {
        try await database.withConnection { sql in
            try await sql.raw("SELECT * FROM programme_indicators ORDER BY task, code").all().compactMap(Self.indicator)
        }
    }

    func measurements() async throws -> [Measurement] {
        try await database.withConnection { sql in
            try await sql.raw("SELECT * FROM programme_measurements ORDER BY indicator, period").all().map(
                Self.measurement)
        }
    }

    /// Stores `measurement` (replacing that period's figure) with its ledger entry.
    func record(_ measurement: Measurement, event: LedgerEvent?) async throws {
        try await database.transaction { sql in
            try await Self.upsert(measurement, on: sql)
            if let event { _ = try await ledger.append([event], on: sql) }
        }
    }

    /// Stores computed figures together.
    func record(_ measurements: [Measurement]) async throws {
        try await database.transaction { sql in
            for measurement in measurements { try await Self.upsert(measurement, on: sql) }
        }
    }

    private static func upsert(_ m: Measurement, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO programme_measurements (indicator, period, value, evidence, recorded_by, recorded_at)
            VALUES (\(bind: m.indicator), \(bind: m.period), \(bind: m.value), \(bind: m.evidence), \(bind: m.recordedBy),
              \(bind: m.recordedAt))
            ON CONFLICT (indicator, period) DO UPDATE SET value = excluded.value, evidence = excluded.evidence,
              recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at
            """
        ).run()
    }

    func actions() async throws -> [ActionItem] {
        try await database.withConnection { sql in
            try await sql.raw("SELECT * FROM programme_actions ORDER BY task, deadline, id").all().compactMap { row in
                guard let status = ActionItem.Status(rawValue: try row.decode(column: "status", as: String.self)) else {
                    return nil
                }
                return ActionItem(
                    id: try row.decode(column: "id", as: String.self),
                    task: try row.decode(column: "task", as: String.self),
                    title: try Self.trilingual(row, "title"), agency: try row.decode(column: "agency", as: String.self),
                    deadline: try row.decode(column: "deadline", as: String.self), status: status)
            }
        }
    }

    /// Sets an action-plan item's status with its ledger entry; false when there is no such item.
    func setStatus(_ id: String, _ status: ActionItem.Status, event: LedgerEvent) async throws -> Bool {
        try await database.transaction { sql in
            let found = try await sql.raw("SELECT id FROM programme_actions WHERE id = \(bind: id)").first() != nil
            guard found else { return false }
            try await sql.raw("UPDATE programme_actions SET status = \(bind: status.rawValue) WHERE id = \(bind: id)")
                .run()
            _ = try await ledger.append([event], on: sql)
            return true
        }
    }

    /// Stores every observation (replacing the same indicator, region and year) with one ledger
    /// entry, or nothing.
    func importICT(_ observations: [ICTObservation], at now: Int, event: LedgerEvent) async throws {
        try await database.transaction { sql in
            for o in observations {
                try await sql.raw(
                    """
                    INSERT INTO programme_ict (indicator, region, year, value, recorded_at)
                    VALUES (\(bind: o.indicator), \(bind: o.region), \(bind: o.year), \(bind: o.value), \(bind: now))
                    ON CONFLICT (indicator, region, year) DO UPDATE SET value = excluded.value,
                      recorded_at = excluded.recorded_at
                    """
                ).run()
            }
            _ = try await ledger.append([event], on: sql)
        }
    }

    func ictObservations() async throws -> [ICTObservation] {
        try await database.withConnection { sql in
            try await sql.raw("SELECT * FROM programme_ict ORDER BY indicator, region, year").all().map { row in
                ICTObservation(
                    indicator: try row.decode(column: "indicator", as: String.self),
                    region: try row.decode(column: "region", as: String.self),
                    year: try row.decode(column: "year", as: Int.self),
                    value: try row.decode(column: "value", as: Double.self))
            }
        }
    }

    private static func indicator(_ row: any SQLRow) throws -> Indicator? {
        guard let unit = IndicatorUnit(rawValue: try row.decode(column: "unit", as: String.self)),
            let source = IndicatorSource(rawValue: try row.decode(column: "source", as: String.self))
        else { return nil }
        return Indicator(
            code: try row.decode(column: "code", as: String.self),
            task: try row.decode(column: "task", as: String.self),
            title: try trilingual(row, "title"), unit: unit,
            baseline: try row.decode(column: "baseline", as: Double.self),
            target: try row.decode(column: "target", as: Double.self), source: source,
            agency: try row.decode(column: "agency", as: String.self), method: try trilingual(row, "method"))
    }

    private static func measurement(_ row: any SQLRow) throws -> Measurement {
        Measurement(
            indicator: try row.decode(column: "indicator", as: String.self),
            period: try row.decode(column: "period", as: String.self),
            value: try row.decode(column: "value", as: Double.self),
            evidence: try row.decode(column: "evidence", as: String.self),
            recordedBy: try row.decode(column: "recorded_by", as: String.self),
            recordedAt: try row.decode(column: "recorded_at", as: Int.self))
    }

    static func trilingual(_ row: any SQLRow, _ prefix: String) throws -> LocalizedName {
        LocalizedName(
            ky: try row.decode(column: prefix + "_ky", as: String.self),
            ru: try row.decode(column: prefix + "_ru", as: String.self),
            en: try row.decode(column: prefix + "_en", as: String.self))
    }
}
