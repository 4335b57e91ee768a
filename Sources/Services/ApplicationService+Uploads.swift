import Core
import Foundation
import SQLKit

/// Files another system uploads before it submits an application (GovStack Registration
/// `POST /documents`): checked like a form's files, kept for its client, named in the submission.
extension ApplicationService {
    /// Stores `file` for `client`'s later submission, as the answer to form field `field`.
    /// Returns the upload's id. Only PDF, PNG and JPEG, by content, up to 5 MiB.
    public func upload(_ file: UploadedFile, field: String, client: String) async throws -> (id: String, type: String) {
        var errors: [FieldError] = []
        if file.bytes.isEmpty {
            errors.append(FieldError(field: "file", messageKey: "error_file_required"))
        } else if file.bytes.count > 5 * 1024 * 1024 {
            errors.append(FieldError(field: "file", messageKey: "error_file_too_large"))
        } else if file.sniffedType == nil {
            errors.append(FieldError(field: "file", messageKey: "error_file_type"))
        }
        let name = field.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > 64 {
            errors.append(FieldError(field: "additionalMetadata", messageKey: "error_required"))
        }
        guard errors.isEmpty, let type = file.sniffedType else { throw ValidationError(errors) }
        let id = "U" + Secrets.token().filter { $0.isLetter || $0.isNumber }.prefix(24)
        let at = clock.seconds
        try await database.withConnection { sql in
            try await sql.raw(
                """
                INSERT INTO registration_uploads (id, client_id, field, filename, content, created_at)
                VALUES (\(bind: id), \(bind: client), \(bind: name), \(bind: String(file.filename.prefix(200))), \(bind: Data(file.bytes).base64EncodedString()), \(bind: at))
                """
            ).run()
        }
        return (id, type)
    }

    /// The files `client` uploaded under `ids`, by form field; an id that is not theirs is an error.
    public func uploads(_ ids: [String], client: String) async throws -> [String: UploadedFile] {
        guard !ids.isEmpty else { return [:] }
        return try await database.withConnection { sql in
            var files: [String: UploadedFile] = [:]
            for id in ids {
                guard
                    let row = try await sql.raw(
                        "SELECT field, filename, content FROM registration_uploads WHERE id = \(bind: id) AND client_id = \(bind: client)"
                    ).first(),
                    let bytes = Data(base64Encoded: try row.decode(column: "content", as: String.self))
                else { throw ValidationError(field: "documentUrls", messageKey: "error_reference") }
                files[try row.decode(column: "field", as: String.self)] = UploadedFile(
                    filename: try row.decode(column: "filename", as: String.self), bytes: Array(bytes))
            }
            return files
        }
    }
}
