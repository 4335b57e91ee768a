import Foundation
import Hummingbird

/// The baseline of `Benchmarks/run.sh`: a Hummingbird 2 application with nothing but the route
/// `GET /healthz`, answering the same JSON as `tazakoom serve`'s. What `tazakoom` keeps of this
/// server's throughput is the price of its request pipeline.
@main
struct BareServer {
    static func main() async throws {
        let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 8080
        let router = Router()
        router.get("/healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
