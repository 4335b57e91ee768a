import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// The exchange's HTTP client: AsyncHTTPClient with pooled keep-alive connections per node,
/// redirects never followed (X-Road passes them to the client untouched), bodies capped.
public final class LiveExchangeTransport: ExchangeTransport {
    let client: HTTPClient

    /// `connectionsPerHost`: kept-alive connections to each other node or provider system.
    public init(connectionsPerHost: Int = 16) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5)))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionsPerHost
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the pooled connections; call once, at shutdown.
    public func shutdown() async throws { try await client.shutdown() }

    public func send(_ message: ExchangeMessage, to url: String, timeoutSeconds: Int, maxBodyBytes: Int) async throws
        -> ExchangeMessage
    {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: message.method)
        for header in message.headers { request.headers.add(name: header.name, value: header.value) }
        if !message.body.isEmpty { request.body = .bytes(ByteBuffer(bytes: message.body)) }
        do {
            let response = try await client.execute(request, timeout: .seconds(Int64(timeoutSeconds)))
            let body = try await response.body.collect(upTo: maxBodyBytes)
            return ExchangeMessage(
                status: Int(response.status.code),
                headers: response.headers.map { ExchangeMessage.Header($0.name, $0.value) },
                body: Array(buffer: body))
        } catch let error as HTTPClientError
            where [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error)
        {
            throw ExchangeTransportError.timedOut
        } catch is NIOTooManyBytesError {
            throw ExchangeTransportError.tooLarge
        } catch {
            throw ExchangeTransportError.unreachable(String(describing: error))
        }
    }
}
