import Foundation
import Hummingbird
import Prometheus
import Storage

/// Health, readiness, metrics and the API description, for operators and load balancers.
struct OpsController: Sendable {
    let database: Database

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.healthz.pattern, use: healthz)
        router.get(Route.readyz.pattern, use: readyz)
        router.get(Route.metrics.pattern, use: metrics)
        router.get(Route.openAPI.pattern, use: openAPI)
    }

    /// The process is up; says nothing about the database.
    @Sendable func healthz(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
    }

    /// The database answers; a load balancer should only send traffic when this is 200.
    @Sendable func readyz(_ request: Request, context: AppRequestContext) async throws -> Response {
        let ready = await database.isReachable()
        return try JSONResponse.make(
            ["status": ready ? "ready" : "database unreachable"], status: ready ? .ok : .serviceUnavailable)
    }

    /// Prometheus text exposition of every metric of this process.
    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        var buffer: [UInt8] = []
        Telemetry.registry.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }

    @Sendable func openAPI(_ request: Request, context: AppRequestContext) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(OpenAPIDocument.document)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
