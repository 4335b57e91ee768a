import Foundation

/// The translated strings of the platform, one flat JSON object per language in `Catalogs/`.
///
/// Templates and messages never hold text of their own: they name a key, and the catalog of the
/// reader's language supplies the words. Every language must have every key (a test checks).
public struct Catalog: Sendable {
    /// Strings by language, then by key.
    public let strings: [Language: [String: String]]

    /// The catalogs shipped with the platform.
    public static let shipped: Catalog = {
        var strings: [Language: [String: String]] = [:]
        for language in Language.allCases {
            strings[language] = (try? Catalog.load(language)) ?? [:]
        }
        return Catalog(strings: strings)
    }()

    public init(strings: [Language: [String: String]]) {
        self.strings = strings
    }

    static func load(_ language: Language) throws -> [String: String] {
        guard
            let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "Catalogs")
        else {
            return [:]
        }
        return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
    }

    /// The text for `key` in `language`; falls back to English, then to the key itself so a
    /// missing string is visible rather than blank.
    public func text(_ key: String, _ language: Language) -> String {
        strings[language]?[key] ?? strings[.en]?[key] ?? key
    }

    /// All strings of one language, for templates that look keys up themselves.
    public func table(_ language: Language) -> [String: String] {
        strings[language] ?? [:]
    }
}
