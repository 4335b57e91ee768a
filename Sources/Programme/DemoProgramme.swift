import Identity

/// Fictitious figures for the demo, so the dashboard has something to show on first start: ICT
/// statistics for every region and two years, and two years of an entered indicator. Entered as
/// the platform's operator would, so each is a ledger entry like any other.
public enum DemoProgramme {
    /// Seeds once (when no ICT statistics exist); returns whether it did.
    public static func seed(_ programme: ProgrammeService, regions: [String]) async throws -> Bool {
        guard try await programme.overview().ict.isEmpty, !regions.isEmpty else { return false }
        let platformOperator = Principal(
            pin: "00000000000000", displayName: "",
            post: OfficialPost(agencyCode: "MDD", position: "", roles: [.administrator]))
        var csv = "indicator,region,year,value\n"
        for (offset, region) in regions.sorted().enumerated() {
            let spread = Double(offset % 5) * 3.5
            csv += "HH7,\(region),2024,\(62 + spread)\nHH7,\(region),2025,\(68 + spread)\n"
            csv += "HH6,\(region),2025,\(55 + spread)\ni271mw,\(region),2025,\(88 + spread * 2)\n"
        }
        _ = try await programme.importICT(csv: csv, regions: Set(regions), by: platformOperator)
        for (period, value) in [("2024", "71.5"), ("2025", "78.2")] {
            _ = try await programme.record(
                indicator: "broadband-coverage", period: period, value: value, unit: "percent",
                evidence: "№ 17-04/\(period)", by: platformOperator)
        }
        return true
    }
}
