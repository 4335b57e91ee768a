import Core
import Identity
import Registries

/// Registry fields and values as people read them: `landUse` is "Land use", `residential` is
/// "жилое", `BIS-LEN` is the district's name, a boundary is "a shape on the map"; codes that are
/// identifiers (a PIN, a plate, a cadastral number) stay as they are.
struct RegistryWords {
    let language: Language
    /// District names by code.
    let districts: [String: String]

    /// The words for `language`, with the district names the identity module keeps.
    static func make(_ identity: IdentityService, _ language: Language) async throws -> RegistryWords {
        var names: [String: String] = [:]
        for region in try await identity.regions() {
            for district in region.districts {
                names[district.code] = region.name.text(language) + ", " + district.name.text(language)
            }
        }
        return RegistryWords(language: language, districts: names)
    }

    private func t(_ key: String) -> String? { Catalog.shipped.table(language)[key] }

    /// A field's label, or its name when the catalog has none.
    func label(_ field: String) -> String { t("regfield_\(field)") ?? field }

    /// A value as text: enumeration values and yes/no from the catalog, districts by name, dates
    /// and numbers in the language's format.
    func value(_ field: String, _ value: JSONValue?) -> String {
        guard let value else { return "—" }
        switch value {
        case .object(let object) where object["type"] != nil: return t("regvalue_geojson") ?? "GeoJSON"
        case .bool(let flag): return t("regvalue_\(flag)") ?? String(flag)
        case .number(let number) where number == number.rounded() && abs(number) < 1e15:
            return field == "year" ? String(Int(number)) : language.number(Int(number))
        case .string(let text):
            if field == "districtCode", let name = districts[text] { return name }
            if let word = t("regvalue_\(text)") { return word }
            return DisplayTime.date(iso: text, language)
        default: return value.plainText
        }
    }
}
