import Core
import Foundation
import Hummingbird
import MultipartKit
import Services

/// A submitted HTML form: `application/x-www-form-urlencoded` or, when it carries files,
/// `multipart/form-data` (parsed by MultipartKit).
struct RequestForm: Sendable {
    var fields: FormData
    var files: [String: UploadedFile]

    /// The largest body a form with files may have: a few files of 5 MiB each.
    static let multipartLimit = 16 * 1024 * 1024

    /// The largest body a form on `path` may send: a document to verify is small; a service form
    /// may carry several files of up to 5 MiB each.
    static func limit(for path: String) -> Int {
        path.hasPrefix(Route.verify.rawValue) ? 1024 * 1024 : multipartLimit
    }

    /// Refuses a body whose declared length is over `limit` before reading any of it (413); a body
    /// that declares none is cut off by the reader at the same limit.
    static func refuseDeclaredOversize(_ request: Request, limit: Int) throws {
        if let declared = request.headers[.contentLength].flatMap({ RequestNumber.parse($0, in: 0...Int(Int32.max)) }),
            declared > limit
        {
            throw HTTPError(.contentTooLarge)
        }
    }

    subscript(_ name: String) -> String { fields[name] }

    /// Reads the request's form; a malformed body is a `BadRequest`, an oversized one 413.
    static func read(_ request: Request) async throws -> RequestForm {
        var request = request
        guard let boundary = boundary(of: request) else {
            return RequestForm(fields: try await FormData.read(request), files: [:])
        }
        let limit = limit(for: request.uri.path)
        try refuseDeclaredOversize(request, limit: limit)
        let buffer = try await request.collectBody(upTo: limit)
        return try parse(buffer, boundary: boundary)
    }

    static func boundary(of request: Request) -> String? {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data") else {
            return nil
        }
        for parameter in type.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// Splits a multipart body into text fields and files (a part with a filename is a file).
    static func parse(_ buffer: ByteBuffer, boundary: String) throws -> RequestForm {
        let parts: [MultipartPart]
        do {
            parts = try MultipartParser.parseAll(buffer, boundary: boundary)
        } catch {
            throw BadRequest()
        }
        var pairs: [String] = []
        var files: [String: UploadedFile] = [:]
        for part in parts {
            guard let disposition = part.headers.first(name: "Content-Disposition"),
                let name = parameter("name", in: disposition)
            else { continue }
            let bytes = Array(part.body.readableBytesView)
            if let filename = parameter("filename", in: disposition) {
                if !filename.isEmpty || !bytes.isEmpty { files[name] = UploadedFile(filename: filename, bytes: bytes) }
            } else {
                let value = String(decoding: bytes, as: UTF8.self)
                pairs.append(encode(name) + "=" + encode(value))
            }
        }
        return RequestForm(fields: FormData(pairs.joined(separator: "&")), files: files)
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    /// A parameter of a header such as Content-Disposition (`name="upload"`).
    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == name {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}

extension MultipartParser {
    /// Every part of a complete body.
    static func parseAll(_ buffer: ByteBuffer, boundary: String) throws -> [MultipartPart] {
        let parser = MultipartParser(boundary: boundary)
        var parts: [MultipartPart] = []
        var headers: HTTPHeaders = [:]
        var body = ByteBuffer()
        parser.onHeader = { field, value in headers.add(name: field, value: value) }
        parser.onBody = { chunk in body.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append(MultipartPart(headers: headers, body: body))
            headers = [:]
            body = ByteBuffer()
        }
        try parser.execute(buffer)
        return parts
    }
}
