import Core
import Foundation
import Testing

@Suite struct LanguageTests {
    @Test(
        arguments: [
            ("ru-RU,ru;q=0.9,en;q=0.8", Language.ru),
            ("en-US,en;q=0.9", .en),
            ("ky", .ky),
            ("de-DE, en;q=0.5, ru;q=0.7", .ru),
            ("fr, de", nil),
            ("ru;q=0, en", .en),
        ] as [(String, Language?)])
    func negotiatesAcceptLanguage(header: String, expected: Language?) {
        #expect(Language.negotiate(acceptLanguage: header) == expected)
    }

    @Test func everyCatalogHasEveryKeyWithText() {
        let catalog = Catalog.shipped
        let keys = Set(catalog.table(.en).keys)
        #expect(keys.count > 100)
        for language in Language.allCases {
            let table = catalog.table(language)
            #expect(
                Set(table.keys) == keys,
                "\(language) differs: missing \(keys.subtracting(table.keys).sorted()), extra \(Set(table.keys).subtracting(keys).sorted())"
            )
            for (key, value) in table {
                #expect(!value.trimmingCharacters(in: .whitespaces).isEmpty, "\(language).\(key) is empty")
            }
        }
    }

    @Test func everyValidationMessageIsInTheCatalog() {
        let keys = [
            "error_pin_length", "error_pin_digits", "error_pin_sex", "error_pin_date", "error_inn_length",
            "error_inn_digits", "error_inn_kind", "error_inn_date",
        ]
        for key in keys {
            for language in Language.allCases {
                #expect(Catalog.shipped.table(language)[key] != nil, "\(language) lacks \(key)")
            }
        }
    }
}
