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
            try await store.insertUpload(id: id, client: client, field: name, file: file, at: at, on: sql)
        }
        return (id, type)
    }

    /// The files `client` uploaded under `ids`, by form field; an id that is not theirs is an error.
    public func uploads(_ ids: [String], client: String) async throws -> [String: UploadedFile] {
        guard !ids.isEmpty else { return [:] }
        return try await database.withConnection { sql in
            var files: [String: UploadedFile] = [:]
            for id in ids {
                guard let upload = try await store.upload(id, client: client, on: sql) else {
                    throw ValidationError(field: "documentUrls", messageKey: "error_reference")
                }
                files[upload.field] = upload.file
            }
            return files
        }
    }
}
