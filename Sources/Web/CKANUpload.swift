import Foundation
import Hummingbird
import MultipartKit
import OpenData

/// A `resource_create` with a file: the multipart body is parsed as it arrives, the `upload` part
/// written straight to a temporary file (never held in memory) and the other parts kept as
/// parameters; a body over the limit stops the upload.
struct CKANUpload {
    var parameters: CKANParameters
    var file: URL?

    /// Text parts are small: at most this many bytes together.
    static let maximumTextBytes = 256 * 1024

    static func receive(_ request: Request, boundary: String, limit: Int) async throws -> CKANUpload {
        try RequestForm.refuseDeclaredOversize(request, limit: limit + maximumTextBytes)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tk-upload-\(UUID().uuidString).csv")
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = try? FileHandle(forWritingTo: url)
        else { throw OpenDataError.validation(["upload": ["The file cannot be stored for loading."]]) }
        let collector = PartCollector(handle: handle)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in collector.header(name, value) }
        parser.onBody = { buffer in collector.body(&buffer) }
        parser.onPartComplete = { collector.complete() }
        var received = 0
        do {
            for try await buffer in request.body {
                received += buffer.readableBytes
                guard received <= limit + maximumTextBytes else {
                    throw OpenDataError.validation(["upload": ["The file is larger than \(limit / 1_048_576) MiB."]])
                }
                do { try parser.execute(buffer) } catch {
                    throw OpenDataError.badRequest("Bad request - the multipart body cannot be read")
                }
                if let problem = collector.problem { throw problem }
            }
            try handle.close()
            // A body cut off before the file's closing boundary is not a whole file.
            if collector.sawFile && !collector.fileComplete {
                throw OpenDataError.badRequest("Bad request - the multipart body ends inside the upload")
            }
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        guard collector.sawFile else {
            try? FileManager.default.removeItem(at: url)
            return CKANUpload(parameters: CKANParameters(query: collector.fields), file: nil)
        }
        return CKANUpload(parameters: CKANParameters(query: collector.fields), file: url)
    }

    /// Removes the temporary file.
    func discard() {
        if let file { try? FileManager.default.removeItem(at: file) }
    }
}

/// Gathers the parts as the parser reports them (used by one request's task only).
private final class PartCollector {
    let handle: FileHandle
    var fields: [(String, String)] = []
    var sawFile = false
    var fileComplete = false
    var problem: OpenDataError?
    private var name = ""
    private var isFile = false
    private var text: [UInt8] = []
    private var textBytes = 0

    init(handle: FileHandle) { self.handle = handle }

    func header(_ field: String, _ value: String) {
        guard field.lowercased() == "content-disposition" else { return }
        name = RequestForm.parameter("name", in: value) ?? ""
        isFile = name == "upload"
    }

    func body(_ buffer: inout ByteBuffer) {
        if isFile {
            sawFile = true
            handle.write(Data(buffer.readableBytesView))
        } else {
            textBytes += buffer.readableBytes
            if textBytes > CKANUpload.maximumTextBytes {
                problem = .validation(["upload": ["The form's text fields are too large."]])
                return
            }
            text.append(contentsOf: buffer.readableBytesView)
        }
    }

    func complete() {
        if isFile { fileComplete = true }
        if !isFile && !name.isEmpty { fields.append((name, String(decoding: text, as: UTF8.self))) }
        name = ""
        isFile = false
        text = []
    }
}
