import Foundation
import SQLKit

/// Application files, files uploaded ahead of a submission, and bills.
extension SQLServicesStore {
    public func insertFile(_ file: UploadedFile, field: String, application: String, on sql: any SQLDatabase)
        async throws
    {
        try await sql.raw(
            """
            INSERT INTO application_files (application_id, field, filename, media_type, size, sha256, content)
            VALUES (\(bind: application), \(bind: field), \(bind: String(file.filename.prefix(200))), \(bind: file.mediaType), \(bind: file.bytes.count),
              \(bind: file.sha256), \(bind: Data(file.bytes).base64EncodedString()))
            """
        ).run()
    }

    public func files(of applicationID: String, on sql: any SQLDatabase) async throws -> [FileSummary] {
        try await sql.raw(
            """
            SELECT field, filename, media_type, size, sha256 FROM application_files WHERE application_id = \(bind: applicationID) ORDER BY field
            """
        ).all().map {
            FileSummary(
                field: try $0.decode(column: "field", as: String.self),
                filename: try $0.decode(column: "filename", as: String.self),
                mediaType: try $0.decode(column: "media_type", as: String.self),
                size: try $0.decode(column: "size", as: Int.self),
                sha256: try $0.decode(column: "sha256", as: String.self))
        }
    }

    public func file(_ field: String, of applicationID: String, on sql: any SQLDatabase) async throws -> (
        filename: String, mediaType: String, bytes: Data
    )? {
        guard
            let row = try await sql.raw(
                """
                SELECT filename, media_type, content FROM application_files WHERE application_id = \(bind: applicationID) AND field = \(bind: field)
                """
            ).first(),
            let bytes = Data(base64Encoded: try row.decode(column: "content", as: String.self))
        else { return nil }
        return (
            try row.decode(column: "filename", as: String.self), try row.decode(column: "media_type", as: String.self),
            bytes
        )
    }

    public func insertUpload(
        id: String, client: String, field: String, file: UploadedFile, at: Int, on sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO registration_uploads (id, client_id, field, filename, content, created_at)
            VALUES (\(bind: id), \(bind: client), \(bind: field), \(bind: String(file.filename.prefix(200))), \(bind: Data(file.bytes).base64EncodedString()), \(bind: at))
            """
        ).run()
    }

    public func upload(_ id: String, client: String, on sql: any SQLDatabase) async throws -> (
        field: String, file: UploadedFile
    )? {
        guard
            let row = try await sql.raw(
                "SELECT field, filename, content FROM registration_uploads WHERE id = \(bind: id) AND client_id = \(bind: client)"
            ).first(),
            let bytes = Data(base64Encoded: try row.decode(column: "content", as: String.self))
        else { return nil }
        return (
            try row.decode(column: "field", as: String.self),
            UploadedFile(filename: try row.decode(column: "filename", as: String.self), bytes: Array(bytes))
        )
    }

    // MARK: bills

    public func insertBill(id: String, application: String, amount: Int, at: Int, on sql: any SQLDatabase)
        async throws
    {
        try await sql.raw(
            """
            INSERT INTO bills (id, application_id, amount, currency, status, created_at)
            VALUES (\(bind: id), \(bind: application), \(bind: amount), 'KGS', 'unpaid', \(bind: at))
            """
        ).run()
    }

    public func bill(of applicationID: String, on sql: any SQLDatabase) async throws -> Bill? {
        try await sql.raw("SELECT * FROM bills WHERE application_id = \(bind: applicationID)").first().map { row in
            Bill(
                id: try row.decode(column: "id", as: String.self), applicationID: applicationID,
                amount: try row.decode(column: "amount", as: Int.self),
                currency: try row.decode(column: "currency", as: String.self),
                status: try row.decode(column: "status", as: String.self),
                gatewayReference: try row.decode(column: "gateway_reference", as: String?.self),
                receiptNumber: try row.decode(column: "receipt_number", as: String?.self),
                paidAt: try row.decode(column: "paid_at", as: Int?.self),
                ledgerIndex: try row.decode(column: "ledger_index", as: Int?.self))
        }
    }

    public func claimBill(_ id: String, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw(
            "UPDATE bills SET status = 'pending' WHERE id = \(bind: id) AND status IN ('unpaid', 'failed') RETURNING id"
        ).first() != nil
    }

    public func failBill(_ id: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE bills SET status = 'failed' WHERE id = \(bind: id) AND status = 'pending'").run()
    }

    public func setGatewayReference(_ reference: String, bill: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE bills SET gateway_reference = \(bind: reference) WHERE id = \(bind: bill)").run()
    }

    public func markPaid(
        _ id: String, reference: String, receipt: String, at: Int, ledgerIndex: Int, on sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            UPDATE bills SET status = 'paid', gateway_reference = \(bind: reference), receipt_number = \(bind: receipt), paid_at = \(bind: at),
              ledger_index = \(bind: ledgerIndex)
            WHERE id = \(bind: id)
            """
        ).run()
    }

    public func reconcileCursor(on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT changed_at FROM reconcile_cursor WHERE id = 1").first()?
            .decode(column: "changed_at", as: Int.self) ?? 0
    }

    public func setReconcileCursor(_ changedAt: Int, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO reconcile_cursor (id, changed_at) VALUES (1, \(bind: changedAt))
            ON CONFLICT (id) DO UPDATE SET changed_at = excluded.changed_at
            """
        ).run()
    }

    public func pendingBills(on sql: any SQLDatabase) async throws -> [(bill: String, application: String)] {
        try await sql.raw("SELECT id, application_id FROM bills WHERE status = 'pending'").all().map {
            (try $0.decode(column: "id", as: String.self), try $0.decode(column: "application_id", as: String.self))
        }
    }

    public func recordTestCharge(bill: String, amount: Int, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            "INSERT INTO test_bank_charges (bill, amount) VALUES (\(bind: bill), \(bind: amount)) ON CONFLICT (bill) DO NOTHING"
        ).run()
    }

    public func testChargeExists(bill: String, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT bill FROM test_bank_charges WHERE bill = \(bind: bill)").first() != nil
    }
}
