import Core
import Foundation
import Hummingbird
import Identity
import Ledger
import Logging
import Registries
import Storage
import Workflow

/// Turns any error into the answer a client should see: RFC 9457 problem details for JSON
/// clients, an error page for people. Nothing internal leaks; 500s are logged with the request id.
struct ErrorResponder: Sendable {
    let pages: PageRenderer
    let routes: RouteIndex

    func response(for error: any Error, request: Request, context: AppRequestContext) -> Response {
        let (status, key, fields, headers) = classify(error, request: request, context: context)
        if Self.wantsJSON(request) {
            return Problem.make(
                status, key: key, language: context.language, detail: Self.detail(of: error), errors: fields
            ).response(headers: headers)
        }
        if status == .unauthorized {
            let next =
                request.uri.path.addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/"))) ?? "/"
            return .redirect(to: Route.signIn.rawValue + "?next=" + next)
        }
        var response = pages.render(
            "error", titleKey: "problem_\(key)", request: request, context: context, status: status,
            page: ErrorPage(message: pages.text("problem_\(key)_detail", context.language))
        )
        for field in headers { response.headers.append(field) }
        return response
    }

    private func classify(_ error: any Error, request: Request, context: AppRequestContext) -> (
        HTTPResponse.Status, String, [FieldError], HTTPFields
    ) {
        switch error {
        case let error as ValidationError:
            return (.unprocessableContent, "invalid", error.fields, [:])
        case let error as DomainError:
            switch error {
            case .notFound: return (.notFound, "not_found", [], [:])
            case .conflict(let field, let key):
                return (.conflict, "conflict", [FieldError(field: field, messageKey: key)], [:])
            case .forbidden: return (.forbidden, "forbidden", [], [:])
            case .unauthenticated: return (.unauthorized, "unauthenticated", [], [.wwwAuthenticate: "Bearer"])
            case .throttled(let seconds): return (.tooManyRequests, "throttled", [], [.retryAfter: String(seconds)])
            }
        case let error as RegistryError:
            switch error {
            case .invalidSchema(let problems), .incompatibleSchema(let problems):
                return (
                    .unprocessableContent, "invalid_schema",
                    problems.map { FieldError(field: $0.path, messageKey: "error_schema") }, [:]
                )
            case .notSearchable(let field):
                return (
                    .badRequest, "not_searchable", [FieldError(field: field, messageKey: "error_not_searchable")], [:]
                )
            case .importRejected(let report):
                return (
                    .unprocessableContent, "invalid",
                    report.rejected.map {
                        FieldError(field: "line \($0.line): \($0.field)", messageKey: $0.messageKey)
                    }, [:]
                )
            }
        case let error as WorkflowError:
            switch error {
            case .conflictOfInterest: return (.forbidden, "conflict_of_interest", [], [:])
            case .roleNotAllowed, .notEligible: return (.forbidden, "forbidden", [], [:])
            case .unknownAction:
                return (
                    .badRequest, "bad_request", [FieldError(field: "action", messageKey: "error_not_a_choice")], [:]
                )
            case .notFromState, .guardFailed, .missingDocuments, .evaluation:
                return (.conflict, "not_allowed_now", [], [:])
            }
        case let error as LedgerError:
            switch error {
            case .outOfRange, .invalidEvent: return (.notFound, "not_found", [], [:])
            case .corrupt, .behindCheckpoint, .behindRememberedCheckpoint:
                context.logger.critical("ledger damaged", metadata: ["error": "\(error)"])
                return (.internalServerError, "internal", [], [:])
            }
        case IdempotencyConflict.inProgress:
            return (.conflict, "in_progress", [], [.retryAfter: "1"])
        case IdempotencyConflict.keyReused:
            return (
                .unprocessableContent, "key_reused",
                [FieldError(field: "Idempotency-Key", messageKey: "error_idempotency_reused")], [:]
            )
        case is MalformedIdempotencyKey:
            return (
                .badRequest, "bad_request", [FieldError(field: "Idempotency-Key", messageKey: "error_idempotency_key")],
                [:]
            )
        case is DecodingError, is BadRequest:
            return (.badRequest, "bad_request", [], [:])
        case is DatabaseUnavailable:
            context.logger.error("database unavailable")
            return (.serviceUnavailable, "unavailable", [], [.retryAfter: "5"])
        case let error as any HTTPResponseError:
            if error.status == .notFound {
                let allowed = routes.methods(for: request.uri.path)
                if !allowed.isEmpty && !allowed.contains(request.method) {
                    return (
                        .methodNotAllowed, "method_not_allowed", [],
                        [.allow: allowed.map(\.rawValue).joined(separator: ", ")]
                    )
                }
                return (.notFound, "not_found", [], [:])
            }
            if error.status == .contentTooLarge { return (.contentTooLarge, "too_large", [], [:]) }
            return (
                error.status.code < 500 ? .badRequest : .internalServerError,
                error.status.code < 500 ? "bad_request" : "internal", [], [:]
            )
        default:
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return (.internalServerError, "internal", [], [:])
        }
    }

    /// Words that only the error itself knows (schema problems name their JSON path); nil for the catalog's.
    static func detail(of error: any Error) -> String? {
        switch error {
        case RegistryError.invalidSchema(let problems), RegistryError.incompatibleSchema(let problems):
            problems.map(\.description).joined(separator: "; ")
        case WorkflowError.guardFailed(let action, let condition): "\(action): \(condition)"
        case WorkflowError.missingDocuments(let documents): "missing documents: " + documents.joined(separator: ", ")
        case WorkflowError.notFromState(let action, let state): "\(action) cannot be taken in state \(state)"
        default: nil
        }
    }

    /// API paths and clients that ask for JSON get problem details; browsers get pages.
    static func wantsJSON(_ request: Request) -> Bool {
        let path = request.uri.path
        if RouteArea(path: path) == .machine || path.hasPrefix(Route.ledgerPrefix)
            || [Route.openAPI, .healthz, .readyz].contains(where: { $0.rawValue == path })
        {
            return true
        }
        let accept = request.headers[.accept] ?? ""
        return accept.contains("json") && !accept.contains("text/html")
    }
}

/// Malformed input that is not a field problem: a body that is not JSON, an unreadable form.
struct BadRequest: Error {}

/// An error page: what went wrong, in the reader's language.
struct ErrorPage: Encodable, Sendable {
    var message: String
}
