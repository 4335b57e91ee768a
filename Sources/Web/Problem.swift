import Core
import Foundation
import Hummingbird

/// An RFC 9457 problem details document, the body of every JSON error.
struct Problem: Codable, Sendable {
    /// A URI naming the kind of problem; relative to the platform's documentation.
    var type: String
    var title: String
    var status: Int
    var detail: String?
    /// One entry per field that was wrong, with a message in the caller's language.
    var errors: [FieldProblem]?

    /// A field error as JSON clients receive it.
    struct FieldProblem: Codable, Sendable {
        var field: String
        var code: String
        var message: String
    }

    /// The HTTP response carrying this problem.
    func response(headers extra: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        var headers = extra
        headers[.contentType] = "application/problem+json"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func make(
        _ status: HTTPResponse.Status, key: String, language: Language, detail: String? = nil, errors: [FieldError] = []
    ) -> Problem {
        let catalog = Catalog.shipped
        return Problem(
            type: Route.problems.rawValue + "#\(key)",
            title: catalog.text("problem_\(key)", language),
            status: Int(status.code),
            detail: detail ?? catalog.text("problem_\(key)_detail", language),
            errors: errors.isEmpty
                ? nil
                : errors.map {
                    FieldProblem(field: $0.field, code: $0.messageKey, message: catalog.text($0.messageKey, language))
                }
        )
    }
}
