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

    @Test func decimalsUseTheLanguagesMarkAndGrouping() {
        #expect(Language.en.number(1234.56, maximumFractionDigits: 1) == "1,234.6")
        #expect(Language.ru.number(1234.56, maximumFractionDigits: 1) == "1\u{202F}234,6")
        #expect(Language.ky.number(2.0, maximumFractionDigits: 1) == "2", "no trailing zero")
        #expect(Language.en.number(0.05, maximumFractionDigits: 2) == "0.05")
        #expect(Language.en.number(-3.25, maximumFractionDigits: 1) == "−3.3")
        #expect(Language.en.number(-0.01, maximumFractionDigits: 1) == "0", "no minus on a rounded zero")
        #expect(Language.en.number(.infinity, maximumFractionDigits: 1) == "inf", "no trap on what cannot be grouped")
        #expect(Language.en.number(7, maximumFractionDigits: 99) == "7", "digits are bounded")
        #expect(Language.ky.number(12_345.6, maximumFractionDigits: 0) == "12\u{202F}346", "whole numbers")
    }

    @Test func everyCatalogHasEveryKeyWithText() {
        let catalog = Catalog.shipped
        // Counted phrases (`key#category`) differ by language: each has its own plural categories.
        func plain(_ language: Language) -> Set<String> {
            Set(catalog.table(language).keys.filter { !$0.contains("#") })
        }
        func counted(_ language: Language) -> [String: Set<String>] {
            var forms: [String: Set<String>] = [:]
            for key in catalog.table(language).keys where key.contains("#") {
                let parts = key.split(separator: "#")
                forms[String(parts[0]), default: []].insert(String(parts[1]))
            }
            return forms
        }
        let keys = plain(.en)
        #expect(keys.count > 100)
        let phrases = Set(counted(.en).keys)
        for language in Language.allCases {
            let table = plain(language)
            #expect(
                table == keys,
                "\(language) differs: missing \(keys.subtracting(table).sorted()), extra \(table.subtracting(keys).sorted())"
            )
            for (phrase, forms) in counted(language) {
                #expect(forms == Set(language.pluralCategories.map(\.rawValue)), "\(language) \(phrase): \(forms)")
            }
            #expect(Set(counted(language).keys) == phrases, "\(language): counted phrases differ")
            for (key, value) in catalog.table(language) {
                #expect(!value.trimmingCharacters(in: .whitespaces).isEmpty, "\(language).\(key) is empty")
            }
        }
    }

    @Test(
        arguments: [
            (Language.ru, 1, "1 рабочий день"), (.ru, 2, "2 рабочих дня"), (.ru, 5, "5 рабочих дней"),
            (.ru, 11, "11 рабочих дней"), (.ru, 21, "21 рабочий день"), (.ru, 112, "112 рабочих дней"),
            (.ru, 1234, "1\u{202F}234 рабочих дня"), (.en, 1, "1 working day"), (.en, 0, "0 working days"),
            (.en, 12345, "12,345 working days"), (.ky, 1, "1 жумуш күн"), (.ky, 5, "5 жумуш күн"),
        ] as [(Language, Int, String)])
    func countedPhrasesFollowEachLanguagesPluralRules(language: Language, n: Int, expected: String) {
        #expect(Catalog.shipped.count("service_days", n, language) == expected)
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
