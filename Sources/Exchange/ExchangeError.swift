/// An error of the exchange layer itself, answered as X-Road's REST protocol answers it: the
/// `X-Road-Error` header and a JSON body with `type`, `message` and `detail`. Errors of the
/// client's request are 400 and begin with `Client`; errors of the client's node begin with
/// `Server.ClientProxy`, of the provider's node with `Server.ServerProxy`, and are 500.
/// A provider service's own errors are never these: they pass through as the service sent them.
public struct ExchangeError: Error, Sendable, Equatable {
    /// X-Road's error type, e.g. `Server.ServerProxy.AccessDenied`.
    public var type: String
    public var message: String

    public init(_ type: String, _ message: String) {
        self.type = type
        self.message = message
    }

    /// 400 for the client's mistakes, 500 for the nodes' (as X-Road's protocol for REST asks).
    public var status: Int { type.hasPrefix("Client.") ? 400 : 500 }

    /// The request does not follow the protocol (a bad path, a body too large, a missing purpose).
    public static func badRequest(_ message: String) -> ExchangeError { .init("Client.BadRequest", message) }
    /// `X-Road-Client` is missing.
    public static let missingClient = ExchangeError(
        "Client.MissingHeaderField", "The X-Road-Client header is required: INSTANCE/CLASS/MEMBER/SUBSYSTEM.")
    /// `X-Road-Client` does not parse, or names a subsystem this node does not serve.
    public static func invalidClient(_ message: String) -> ExchangeError {
        .init("Client.InvalidClientIdentifier", message)
    }
    /// The calling system's credential is missing, or is not the one of the subsystem it names.
    public static let clientNotAuthenticated = ExchangeError(
        "Server.ClientProxy.AccessDenied",
        "The calling system must present the bearer token issued for the subsystem named in X-Road-Client.")
    /// The global configuration does not know the provider (or it has no node address).
    public static func unknownMember(_ side: Side, _ member: String) -> ExchangeError {
        .init("Server.\(side.rawValue).UnknownMember", "The global configuration has no member \(member).")
    }
    /// No valid global configuration is at hand.
    public static let outdatedGlobalConfiguration = ExchangeError(
        "Server.ClientProxy.OutdatedGlobalConf", "This node has no valid global configuration.")
    /// A signature or digest does not check: the message was altered, or signed by another key.
    public static func invalidSignature(_ side: Side, _ message: String) -> ExchangeError {
        .init("Server.\(side.rawValue).InvalidSignatureValue", message)
    }
    /// The other node could not be reached, or did not answer in time.
    public static func networkError(_ side: Side, _ message: String) -> ExchangeError {
        .init("Server.\(side.rawValue).NetworkError", message)
    }
    public static func unknownService(_ service: String) -> ExchangeError {
        .init("Server.ServerProxy.UnknownService", "Unknown service \(service).")
    }
    public static func accessDenied(_ message: String) -> ExchangeError {
        .init("Server.ServerProxy.AccessDenied", message)
    }
    /// The provider's own system failed, timed out or reset the connection.
    public static func serviceFailed(_ message: String) -> ExchangeError {
        .init("Server.ServerProxy.ServiceFailed", message)
    }
    /// The node's own failure (its database): nothing was sent on.
    public static func internalError(_ side: Side) -> ExchangeError {
        .init("Server.\(side.rawValue).InternalError", "The exchange node could not process the message.")
    }

    /// Which node found the error.
    public enum Side: String, Sendable {
        case client = "ClientProxy"
        case provider = "ServerProxy"
    }
}
