/// Why an open-data call failed, in CKAN's terms: each case is one of CKAN's error types and
/// HTTP statuses, so CKAN's clients raise the exception they expect.
public enum OpenDataError: Error, Sendable, Equatable {
    /// 404 "Not Found Error".
    case notFound(String)
    /// 409 "Validation Error": messages by field.
    case validation([String: [String]])
    /// 403 "Authorization Error".
    case notAuthorized(String)
    /// 409 "Search Query Error".
    case searchQuery(String)
    /// 400 "Bad Request": an unknown action, a body that is not JSON.
    case badRequest(String)
}
