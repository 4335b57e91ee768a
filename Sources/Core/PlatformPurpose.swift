/// The reasons the platform itself gives when it reads a person's data, written into the access
/// log as a code (`tk:examination TK-…`) so that "who looked at my data" shows them in the
/// reader's language; reasons officials type are kept as they typed them.
public enum PlatformPurpose: Sendable, Equatable {
    /// An official opened application `application` of service `service`.
    case examination(application: String, service: String)
    /// The application form of `service` was filled in from the registers (once-only).
    case onceOnly(service: String)
    /// An official of the issuing agency opened document `document`.
    case documentOpened(document: String)
    /// An automatic step of process `process` read it.
    case automaticStep(process: String)
    /// An SMS activation code was sent to the phone the register holds.
    case activationCode
    /// A registrar checked an identity document at a Public Service Centre.
    case identityChecked
    /// The person looked at what the registers hold about them.
    case ownRecords
    /// Where the person lives was read to count their signature or ballot by region.
    case participation
    /// The person's phone was read to send them emergency alert `alert` (they live in its region);
    /// the words do not repeat the id, which their inbox shows with the alert itself.
    case emergencyAlert(alert: String)

    private static let prefix = "tk:"

    /// The code stored as the legal basis.
    public var legalBasis: String {
        switch self {
        case .examination(let application, let service): "\(Self.prefix)examination \(application) \(service)"
        case .onceOnly(let service): "\(Self.prefix)once_only \(service)"
        case .documentOpened(let document): "\(Self.prefix)document_opened \(document)"
        case .automaticStep(let process): "\(Self.prefix)automatic_step \(process)"
        case .activationCode: "\(Self.prefix)activation_code"
        case .identityChecked: "\(Self.prefix)identity_checked"
        case .ownRecords: "\(Self.prefix)own_records"
        case .participation: "\(Self.prefix)participation"
        case .emergencyAlert(let alert): "\(Self.prefix)emergency_alert \(alert)"
        }
    }

    /// `legalBasis` in words: the catalog's `purpose_<kind>` with `{1}`, `{2}` replaced by the
    /// code's arguments; anything else (an official's own words) as it is.
    public static func words(_ legalBasis: String, _ language: Language) -> String {
        guard legalBasis.hasPrefix(prefix) else { return legalBasis }
        let parts = legalBasis.dropFirst(prefix.count).split(separator: " ").map(String.init)
        guard let kind = parts.first, var text = Catalog.shipped.table(language)["purpose_" + kind] else {
            return legalBasis
        }
        for (i, argument) in parts.dropFirst().enumerated() {
            text = text.replacingOccurrences(of: "{\(i + 1)}", with: argument)
        }
        return text
    }
}
