import Core
import Identity
import Registries

/// Fields that must name the applicant's own record (`FormField.ownedBy`): a building permit is
/// for a parcel the cadastre records in the applicant's name.
extension ApplicationService {
    /// The applicant's own records for each such field of `service`, by field id; the form offers
    /// them, and reading them is logged as the applicant's own read.
    public func ownRecords(for service: Service, of applicant: Principal) async throws -> [String: [RegistryRecord]] {
        let owned = service.form.filter { $0.kind == .registry && $0.ownedBy != nil }
        guard !owned.isEmpty else { return [:] }
        let catalogue = try await registries.catalogue()
        var result: [String: [RegistryRecord]] = [:]
        for field in owned {
            guard let name = field.registry, let ownedBy = field.ownedBy, let registry = catalogue.registries[name]
            else {
                continue
            }
            result[field.id] = try await registries.ownRecords(
                registry, field: ownedBy, of: applicant, at: clock.seconds)
        }
        return result
    }

    /// Refuses answers naming a record that is not the applicant's.
    func checkOwnership(_ service: Service, answers: [String: String], applicant: Principal) async throws {
        let owned = service.form.filter { $0.kind == .registry && $0.ownedBy != nil && answers[$0.id] != nil }
        guard !owned.isEmpty else { return }
        let catalogue = try await registries.catalogue()
        var errors: [FieldError] = []
        for field in owned {
            guard let name = field.registry, let ownedBy = field.ownedBy, let key = answers[field.id],
                let registry = catalogue.registries[name]
            else { continue }
            let record = try await registries.record(registry, key: key)
            guard let record, !record.deleted, case .string(applicant.pin)? = record.content[ownedBy] else {
                errors.append(FieldError(field: field.id, messageKey: "error_not_your_record"))
                continue
            }
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
    }
}
