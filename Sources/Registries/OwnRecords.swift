import Core
import Identity

extension RegistryStore {
    /// The live records of `registry` whose `field` holds `person`'s PIN (at most 100), each logged
    /// as the person's own read ("who looked at my data", and the ledger) before it is returned.
    public func ownRecords(_ registry: Registry, field: String, of person: Principal, at: Int) async throws
        -> [RegistryRecord]
    {
        let records = try await search(registry, RecordQuery(equals: [field: person.pin], pageSize: 100)).records
        let accesses = records.map { record in
            DataAccess(
                id: DataAccess.newID(), personPIN: person.pin,
                registry: registry.name, recordKey: record.key, readerKind: "self", readerID: person.pin,
                readerName: person.displayName, agencyCode: "", application: "",
                legalBasis: PlatformPurpose.ownRecords.legalBasis, caseNumber: "", at: at, ledgerIndex: nil)
        }
        if !accesses.isEmpty { _ = try await log(accesses, by: .subjectThemself) }
        return records
    }
}
