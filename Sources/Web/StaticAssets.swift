import Foundation
import Hummingbird

/// The few static files of the portal (one stylesheet), read once at start and served from memory
/// with a one-day cache lifetime.
struct StaticAssets: Sendable {
    private let files: [String: (body: ByteBuffer, contentType: String)]

    static func load() throws -> StaticAssets {
        var files: [String: (ByteBuffer, String)] = [:]
        let directory = PageRenderer.publicDirectory
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name))
            let type =
                name.hasSuffix(".css")
                ? "text/css; charset=utf-8" : name.hasSuffix(".svg") ? "image/svg+xml" : "application/octet-stream"
            files[name] = (ByteBuffer(bytes: data), type)
        }
        return StaticAssets(files: files)
    }

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.staticFile.pattern) { _, context in
            guard let file = self.files[try context.parameters.require("file")] else { throw HTTPError(.notFound) }
            return Response(
                status: .ok,
                headers: [.contentType: file.contentType, .cacheControl: "public, max-age=86400"],
                body: .init(byteBuffer: file.body)
            )
        }
    }
}
