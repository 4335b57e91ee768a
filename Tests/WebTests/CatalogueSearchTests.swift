import Core
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

@testable import Services
@testable import Web

/// The catalogue finds services the way people ask for them: common phrasings, other word forms,
/// and a suggestion instead of an empty page.
@Suite struct CatalogueSearchTests {
    @Test(
        arguments: [
            ("ru", "справка о несудимости", "no-criminal-record"), ("ru", "несудимость", "no-criminal-record"),
            ("ru", "Справку о судимости", "no-criminal-record"), ("ru", "открыть фирму", "llc-registration"),
            ("ru", "запись к врачу", "doctor-appointment"), ("ky", "мектепке", "school-enrolment"),
            ("en", "police clearance", "no-criminal-record"), ("en", "regist compan", "llc-registration"),
        ] as [(String, String, String)])
    func commonPhrasingsAndWordFormsFindTheService(language: String, query: String, service: String) async throws {
        try await withApp(.sqlite) { client, _ async throws in
            var reader = Browser(client)
            reader.acceptLanguage = language
            let page = try await reader.get("/services?q=" + Browser.encode(query))
            #expect(page.text.contains("href=\"/services/\(service)\""), "\(query)")
            #expect(!page.text.contains(#"id="suggestions""#), "\(query)")
        }
    }

    @Test func nothingFoundSuggestsWhatMightFitInTheReadersLanguage() async throws {
        try await withApp(.sqlite) { client, _ async throws in
            var reader = Browser(client)
            reader.acceptLanguage = "ru"
            // "несудимость" matches, "квадроцикл" nothing: not every word, so a suggestion.
            let page = try await reader.get("/services?q=" + Browser.encode("несудимость квадроцикл"))
            #expect(page.text.contains("Найдено 0 услуг") && page.text.contains(#"id="suggestions""#))
            #expect(page.text.contains("Возможно, вы ищете") && page.text.contains("/services/no-criminal-record"))
            let nothing = try await reader.get("/services?q=" + Browser.encode("квадроцикл"))
            #expect(nothing.text.contains("Ничего не найдено") && !nothing.text.contains("Возможно, вы ищете"))
            let all = try await reader.get("/services")
            #expect(!all.text.contains(#"id="suggestions""#) && all.text.contains("Найдено 9 услуг"))
        }
    }

    @Test func wordFormsShareTheirStemAndShortWordsAreIgnored() {
        #expect(ServiceCatalogue.sameWord("несудимость", "несудимости"))
        #expect(ServiceCatalogue.sameWord("справку", "справка"))
        #expect(!ServiceCatalogue.sameWord("справка", "спорт"))
        #expect(ServiceCatalogue.words("справка о несудимости") == ["справка", "несудимости"])
    }
}
