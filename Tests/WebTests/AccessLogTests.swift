import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Web

/// Every request leaves one access log line whose id is the `X-Request-ID` the caller got back,
/// whether the route answered, failed or did not exist.
@Suite struct AccessLogTests {
    @Test func everyRequestHasOneLineWithTheIdItsCallerGot() async throws {
        let capture = LogCapture()
        try await withApp(.sqlite, logger: capture.logger()) { client, _ async throws in
            for (uri, status) in [
                ("/healthz", HTTPResponse.Status.ok), ("/nowhere", .notFound), ("/api/v1/client", .unauthorized),
            ] {
                let answer = try await client.executeRequest(uri: uri, method: .get, headers: [:], body: nil)
                #expect(answer.status == status, "\(uri)")
                let ids = answer.headers[values: PipelineMiddleware.requestIDHeader]
                #expect(ids.count == 1, "one X-Request-ID on \(uri): \(ids)")
                let id = try #require(ids.first)
                let logged = capture.fields(ofLinesSaying: "Request").filter { $0["hb.request.id"] == id }
                #expect(logged.count == 1, "one line for \(uri)")
                #expect(logged.first?["hb.request.path"] == uri && logged.first?["hb.request.method"] == "GET")
            }
        }
    }
}
