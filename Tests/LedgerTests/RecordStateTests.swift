import Ledger
import Testing

/// A record's state digest is stored in every seal the ledger holds, so its bytes may never change:
/// reconciliation compares today's digest of a record with the one sealed years ago.
@Suite struct RecordStateTests {
    @Test func theDigestOfKnownFieldsIsFixed() {
        // SHA-256 of: each name, then 0x00 for NULL or 0x01, the value's UTF-8 length as 8 bytes
        // big-endian and its bytes (worked out independently of this code).
        let fields: [(name: String, value: String?)] = [
            ("id", "TK-0001"), ("decided_at", nil), ("answers", #"{"имя":"Айгүл"}"#), ("stage", "2"),
        ]
        #expect(RecordState.digest(fields) == "b9dc8ec5d3b4b9f340b45581f687a85e6f806e489c9e35955fea817592a318c1")
        #expect(RecordState.digest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func nullAndEmptyAndMovedBytesDiffer() {
        let empty = RecordState.digest([("reason", "")])
        #expect(empty != RecordState.digest([("reason", nil)]))
        #expect(RecordState.digest([("a", "bc"), ("d", nil)]) != RecordState.digest([("a", "b"), ("cd", nil)]))
    }
}

/// A transaction that has just written a record seals it from the values it wrote; those values
/// must name every sealed column (ReconciliationTests compare such seals with the stored rows).
@Suite struct WrittenStateTests {
    let rows = SealedTable(prefix: "r:", table: "t", key: "id", columns: ["id", "n"], integers: ["n"])
    let lines = SealedTable(
        prefix: "h:", table: "h", groupedBy: "id", order: "seq", columns: ["id", "seq"], integers: ["seq"])

    @Test func aRowIsTheDigestOfItsColumnsInOrder() throws {
        let state = try rows.state(ofWritten: [["n": "7", "id": "a", "ignored": "x"]])
        #expect(state == RecordState.digest([("id", "a"), ("n", "7")]))
        #expect(try rows.state(ofWritten: [["id": "a", "n": nil]]) == RecordState.digest([("id", "a"), ("n", nil)]))
    }

    @Test func aGroupIsTheDigestOfItsLines() throws {
        let state = try lines.state(ofWritten: [["id": "c", "seq": "1"], ["id": "c", "seq": "2"]])
        let line1 = RecordState.digest([("id", "c"), ("seq", "1")])
        let line2 = RecordState.digest([("id", "c"), ("seq", "2")])
        #expect(state == RecordState.digest([("line", line1), ("line", line2)]))
    }

    @Test func aMissingColumnOrRowCountIsRefused() {
        #expect(throws: SealedValuesIncomplete.self) { try rows.state(ofWritten: [["id": "a"]]) }
        #expect(throws: SealedValuesIncomplete.self) { try rows.state(ofWritten: []) }
        #expect(throws: SealedValuesIncomplete.self) {
            try rows.state(ofWritten: [["id": "a", "n": "1"], ["id": "a", "n": "2"]])
        }
    }
}
