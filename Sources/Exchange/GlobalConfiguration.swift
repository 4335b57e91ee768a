import Core
import Foundation
import Ledger

/// What every node of the exchange must agree on, published by the operator as one signed
/// document (X-Road's global configuration): the members, their nodes' addresses, their signing
/// keys and subsystems, and the groups rights can be granted to. Services and the rights to them
/// stay with each provider's node, as in X-Road.
public struct GlobalConfiguration: Sendable, Codable, Equatable {
    /// The exchange instance, e.g. `KG`.
    public var instance: String
    /// Grows by one with each change; a node never goes back to a lower serial.
    public var serial: Int
    /// Seconds since 1970.
    public var generatedAt: Int
    public var members: [Member]
    public var groups: [Group]

    /// One member and its node.
    public struct Member: Sendable, Codable, Equatable {
        /// `INSTANCE/CLASS/CODE`.
        public var id: String
        public var name: String
        /// The base URL of its node, e.g. `https://exchange.tax.gov.kg`.
        public var address: String
        /// Its signing key, in the signed-note verifier form `name+id+key`.
        public var key: String
        public var subsystems: [String]

        public init(id: String, name: String, address: String, key: String, subsystems: [String]) {
            self.id = id
            self.name = name
            self.address = address
            self.key = key
            self.subsystems = subsystems
        }
    }

    /// A global group: subsystems rights can be granted to at once.
    public struct Group: Sendable, Codable, Equatable {
        public var code: String
        /// Subsystem identifiers.
        public var members: [String]

        public init(code: String, members: [String]) {
            self.code = code
            self.members = members
        }
    }

    public init(instance: String, serial: Int, generatedAt: Int, members: [Member], groups: [Group]) {
        self.instance = instance
        self.serial = serial
        self.generatedAt = generatedAt
        self.members = members
        self.groups = groups
    }

    /// The member with identifier `id` (`INSTANCE/CLASS/CODE`).
    public func member(_ id: XRoadClient) -> Member? {
        let key = id.member.description
        return members.first { $0.id == key }
    }

    /// Whether `client` is a subsystem the configuration lists.
    public func knows(_ client: XRoadClient) -> Bool {
        guard let subsystem = client.subsystem, let member = member(client) else { return false }
        return member.subsystems.contains(subsystem)
    }

    /// The groups `client` belongs to.
    public func groups(of client: XRoadClient) -> [String] {
        groups.filter { $0.members.contains(client.description) }.map(\.code)
    }

    private static let header = "tazakoom-exchange-globalconf/1"

    /// The signed note the operator publishes: a header line and the configuration as one line of
    /// canonical JSON.
    public func signed(by operatorKey: NoteSigner) throws -> String {
        try operatorKey.sign(Self.header + "\n" + canonicalJSON() + "\n")
    }

    /// Checks `note` against the operator's key and reads it; throws if either fails.
    public static func open(_ note: String, operatorKey: NoteVerifier) throws -> GlobalConfiguration {
        let text = try operatorKey.open(note)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2, lines[0] == header else {
            throw ExchangeError.outdatedGlobalConfiguration
        }
        return try JSONDecoder().decode(GlobalConfiguration.self, from: Data(lines[1].utf8))
    }
}
