/// An HTTP request or response of the exchange, without the web layer's types: the module
/// decides what to send and answer, `Web` and the transport move the bytes.
public struct ExchangeMessage: Sendable {
    /// The method of a request; empty for a response.
    public var method: String
    /// The status of a response; 0 for a request.
    public var status: Int
    public var headers: [Header]
    public var body: [UInt8]

    /// One header field.
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(method: String = "", status: Int = 0, headers: [Header] = [], body: [UInt8] = []) {
        self.method = method
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (case-insensitive).
    public subscript(name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}

/// Sends the exchange's HTTP requests: to other nodes and to providers' own systems.
public protocol ExchangeTransport: Sendable {
    /// Sends `request` to `url`; throws `ExchangeTransportError` when the other side cannot be
    /// reached, is too slow, or answers with more than `maxBodyBytes`. Never follows redirects.
    func send(_ request: ExchangeMessage, to url: String, timeoutSeconds: Int, maxBodyBytes: Int) async throws
        -> ExchangeMessage
}

/// Why a call to another system failed.
public enum ExchangeTransportError: Error, Sendable, Equatable {
    case unreachable(String)
    case timedOut
    case tooLarge
}
