import Foundation

/// A member or one of its subsystems, as X-Road writes it: `INSTANCE/CLASS/CODE[/SUBSYSTEM]`,
/// e.g. `KG/GOV/70000001/POPULATION`. Each part is percent-decoded, 1–64 characters, and free of
/// the characters X-Road forbids in identifiers (controls, `:;%/\`, zero-width spaces), so an
/// identifier can never smuggle a path or a header into a message.
public struct XRoadClient: Sendable, Hashable, Codable, CustomStringConvertible {
    public var instance: String
    public var memberClass: String
    public var memberCode: String
    /// Nil for the member itself.
    public var subsystem: String?

    public init(instance: String, memberClass: String, memberCode: String, subsystem: String? = nil) {
        self.instance = instance
        self.memberClass = memberClass
        self.memberCode = memberCode
        self.subsystem = subsystem
    }

    /// Parses the header form (`X-Road-Client`), 3 or 4 percent-encoded parts.
    public init?(_ text: some StringProtocol) {
        guard text.utf8.count <= 300,
            let parts = XRoadClient.parts(text), parts.count == 3 || parts.count == 4
        else { return nil }
        self.init(
            instance: parts[0], memberClass: parts[1], memberCode: parts[2],
            subsystem: parts.count == 4 ? parts[3] : nil)
    }

    /// The member this client belongs to (itself, for a member).
    public var member: XRoadClient { XRoadClient(instance: instance, memberClass: memberClass, memberCode: memberCode) }

    /// `INSTANCE/CLASS/CODE[/SUBSYSTEM]`, each part percent-encoded.
    public var description: String {
        ([instance, memberClass, memberCode] + (subsystem.map { [$0] } ?? [])).map(XRoadClient.encode).joined(
            separator: "/")
    }

    /// Splits on `/`, percent-decodes and checks each part; nil if any part is bad.
    static func parts(_ text: some StringProtocol) -> [String]? {
        var out: [String] = []
        for raw in text.split(separator: "/", omittingEmptySubsequences: false) {
            guard let part = String(raw).removingPercentEncoding, isValidPart(part) else { return nil }
            out.append(part)
        }
        return out
    }

    static func isValidPart(_ part: String) -> Bool {
        guard (1...64).contains(part.count) else { return false }
        return part.unicodeScalars.allSatisfy { scalar in
            !forbidden.contains(scalar) && !CharacterSet.controlCharacters.contains(scalar)
                && !CharacterSet.whitespacesAndNewlines.contains(scalar)
        }
    }

    private static let forbidden: Set<Unicode.Scalar> = [":", ";", "%", "/", "\\", "\u{FEFF}", "\u{200B}"]

    static func encode(_ part: String) -> String {
        part.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", "?", "#", "&", "=", "+"]))
            ?? part
    }
}

/// A service of a provider subsystem: `INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE`, the part of an
/// `/r1/…` path that names what is called (the rest of the path goes to the service).
public struct XRoadService: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The provider subsystem.
    public var provider: XRoadClient
    public var code: String

    public init(provider: XRoadClient, code: String) {
        self.provider = provider
        self.code = code
    }

    /// Parses `INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE` (five parts; a service always belongs to a subsystem here).
    public init?(_ text: some StringProtocol) {
        guard text.utf8.count <= 400, let parts = XRoadClient.parts(text), parts.count == 5 else { return nil }
        self.init(
            provider: XRoadClient(instance: parts[0], memberClass: parts[1], memberCode: parts[2], subsystem: parts[3]),
            code: parts[4])
    }

    public var description: String { provider.description + "/" + XRoadClient.encode(code) }
}

/// A call's target as the client wrote it after `/r1/`: the service, and the path and query for it.
public struct XRoadTarget: Sendable, Equatable {
    public var service: XRoadService
    /// The path for the provider's service, beginning with `/` (or empty), still percent-encoded.
    public var path: String
    /// The query string without `?`, as sent.
    public var query: String

    /// Splits `INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE[/path]` and a query; nil if the service part is bad
    /// or the path climbs out of the service (`..`).
    public init?(path full: String, query: String) {
        let parts = full.split(separator: "/", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count >= 5, let service = XRoadService(parts.prefix(5).joined(separator: "/")) else { return nil }
        let rest = parts.count == 6 ? "/" + parts[5] : ""
        let decoded = rest.removingPercentEncoding ?? rest
        guard !decoded.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }), full.utf8.count <= 2000,
            query.utf8.count <= 2000
        else { return nil }
        self.service = service
        self.path = rest
        self.query = query
    }
}
