import Identity
import OpenData

/// Each agency publishes open data as one organization, named by its code in lower case.
enum OpenDataOrganizations {
    static func organization(_ agency: Agency) -> DataOrganization {
        DataOrganization(
            name: agency.code.lowercased(), agencyCode: agency.code,
            title: TranslatedText(["ky": agency.name.ky, "ru": agency.name.ru, "en": agency.name.en]),
            description: TranslatedText([:]))
    }
}
