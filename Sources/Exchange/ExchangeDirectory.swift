import Foundation
import Yams

/// X-Road's service metadata for REST: `listClients` on any node (from the global
/// configuration), and `listMethods`, `allowedMethods` and `getOpenAPI` answered by a provider's
/// node as if they were services of each of its subsystems.
extension ExchangeNode {
    /// The metadata services' codes.
    static let metaServices: Set<String> = ["listMethods", "allowedMethods", "getOpenAPI"]

    /// Every subsystem of every member, as X-Road's `listClients` lists them (JSON).
    public func listClients() async -> [UInt8]? {
        guard let configuration = await configuration.value else { return nil }
        var clients: [ClientEntry] = []
        for member in configuration.members {
            guard let id = XRoadClient(member.id) else { continue }
            clients.append(ClientEntry(id: .init(id, type: "MEMBER"), name: member.name))
            for subsystem in member.subsystems {
                var sub = id
                sub.subsystem = subsystem
                clients.append(ClientEntry(id: .init(sub, type: "SUBSYSTEM"), name: member.name))
            }
        }
        return Array(ClientList(member: clients).canonicalJSON().utf8)
    }

    /// Answers a metadata service addressed to one of this member's subsystems; nil for other services.
    func directoryAnswer(_ call: XRoadTarget, client: XRoadClient, configuration: GlobalConfiguration) async throws
        -> ExchangeMessage?
    {
        guard Self.metaServices.contains(call.service.code), call.path.isEmpty else { return nil }
        let subsystem = call.service.provider
        let services = try await store.services().filter { $0.id.provider == subsystem }
        switch call.service.code {
        case "getOpenAPI":
            guard let code = Self.parameter("serviceCode", in: call.query),
                let service = services.first(where: { $0.id.code == code })
            else {
                throw ExchangeError.unknownService(
                    subsystem.description + "/" + (Self.parameter("serviceCode", in: call.query) ?? ""))
            }
            let type = service.openAPI.hasPrefix("{") ? "application/json" : "text/yaml"
            return ExchangeMessage(
                status: 200, headers: [.init("Content-Type", type)], body: Array(service.openAPI.utf8))
        default:
            let grantees = Set([client.description] + configuration.groups(of: client).map { "group:" + $0 })
            var listed: [ServiceEntry] = []
            for service in services {
                var endpoints = Self.endpoints(service.openAPI)
                if call.service.code == "allowedMethods" {
                    let rights = try await store.rights(service.id).filter { grantees.contains($0.grantee) }
                    if rights.isEmpty { continue }
                    if !rights.contains(where: { $0.method == "*" && $0.path == "*" }) {
                        endpoints = endpoints.filter { endpoint in
                            rights.contains { $0.allows(method: endpoint.method, path: endpoint.path) }
                        }
                    }
                }
                listed.append(ServiceEntry(service.id, endpoints: endpoints))
            }
            return ExchangeMessage(
                status: 200, headers: [.init("Content-Type", "application/json")],
                body: Array(ServiceList(service: listed).canonicalJSON().utf8))
        }
    }

    /// The method and path of each operation an OpenAPI description lists, `{parameter}` written `*`.
    static func endpoints(_ openAPI: String) -> [Endpoint] {
        guard let paths = (try? Yams.compose(yaml: openAPI))?["paths"]?.mapping else { return [] }
        let methods = ["get", "put", "post", "delete", "patch", "head", "options"]
        return paths.flatMap { path, item -> [Endpoint] in
            guard let path = path.string, let item = item.mapping else { return [] }
            let pattern = path.split(separator: "/").map { $0.hasPrefix("{") ? "*" : String($0) }.joined(separator: "/")
            return item.keys.compactMap(\.string).filter(methods.contains).map {
                Endpoint(method: $0.uppercased(), path: "/" + pattern)
            }
        }
    }

    /// One endpoint of a REST service.
    struct Endpoint: Codable, Equatable {
        var method: String
        var path: String
    }

    /// One service as X-Road's metadata services list it (their JSON is snake_case).
    struct ServiceEntry: Codable {
        var instance, memberClass, memberCode, subsystemCode, serviceCode: String
        var objectType = "SERVICE"
        var serviceType = "OPENAPI"
        var endpoints: [Endpoint]

        enum CodingKeys: String, CodingKey {
            case instance = "xroad_instance"
            case memberClass = "member_class"
            case memberCode = "member_code"
            case subsystemCode = "subsystem_code"
            case serviceCode = "service_code"
            case objectType = "object_type"
            case serviceType = "service_type"
            case endpoints = "endpoint_list"
        }

        init(_ id: XRoadService, endpoints: [Endpoint]) {
            instance = id.provider.instance
            memberClass = id.provider.memberClass
            memberCode = id.provider.memberCode
            subsystemCode = id.provider.subsystem ?? ""
            serviceCode = id.code
            self.endpoints = endpoints
        }
    }

    struct ServiceList: Codable { var service: [ServiceEntry] }

    /// One member or subsystem as `listClients` lists it.
    struct ClientEntry: Codable {
        var id: Identifier
        var name: String

        struct Identifier: Codable {
            var objectType, instance, memberClass, memberCode: String
            var subsystemCode: String?

            enum CodingKeys: String, CodingKey {
                case objectType = "object_type"
                case instance = "xroad_instance"
                case memberClass = "member_class"
                case memberCode = "member_code"
                case subsystemCode = "subsystem_code"
            }

            init(_ client: XRoadClient, type: String) {
                objectType = type
                instance = client.instance
                memberClass = client.memberClass
                memberCode = client.memberCode
                subsystemCode = client.subsystem
            }
        }
    }

    struct ClientList: Codable { var member: [ClientEntry] }
}
