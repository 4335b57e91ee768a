import Foundation

/// The three languages of the platform: Kyrgyz (state language), Russian (official), English.
public enum Language: String, Sendable, CaseIterable, Codable {
    case ky, ru, en

    /// The language used when nothing else decides: the state language.
    public static let `default`: Language = .ky

    /// Picks the first supported language of an `Accept-Language` header, honouring q-values.
    public static func negotiate(acceptLanguage header: String?) -> Language? {
        guard let header else { return nil }
        let ranked = header.split(separator: ",").compactMap { part -> (Language, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased() else { return nil }
            let primary = String(tag.split(separator: "-").first ?? "")
            guard let language = Language(rawValue: primary) else { return nil }
            let q = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return q > 0 ? (language, q) : nil
        }
        // A stable sort keeps the header's order among equal q-values.
        return ranked.enumerated().sorted { ($0.element.1, -$0.offset) > ($1.element.1, -$1.offset) }.first?.element.0
    }

    /// The language's name in itself, for the switcher.
    public var endonym: String {
        switch self {
        case .ky: "Кыргызча"
        case .ru: "Русский"
        case .en: "English"
        }
    }
}
