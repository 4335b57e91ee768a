import Core
import Foundation
import Ledger
import Testing

@testable import Registries

/// The canonical JSON of records, documents and ledger details is what their digests are taken
/// over: these are the bytes the writers produced before they became one (`CanonicalJSON`), so
/// records and ledger entries written before still match their digests.
@Suite struct CanonicalFormTests {
    /// Every escape, written as the former registry writer (`JSONValue`) wrote it.
    @Test func recordsAndDocumentsKeepTheirVersionOneBytes() {
        let record: RecordContent = [
            "name": "Айгүл \"Ала-Тоо\" \\ 1/2", "control": .string("a\u{8}b\u{c}c\u{1}d\n\r\t"),
            "area": 120.5, "floors": 3, "big": 9_007_199_254_740_991, "none": .null, "ok": true,
            "list": [1, "x", .object(["z": 1, "a": 2])],
        ]
        #expect(
            record.canonicalJSON
                == #"{"area":120.5,"big":9007199254740991,"control":"a\u0008b\u000cc\u0001d\n\r\t","floors":3,"list":[1,"x",{"a":2,"z":1}],"name":"Айгүл \"Ала-Тоо\" \\ 1/2","none":null,"ok":true}"#
        )
    }

    /// Ledger details, written as JSONEncoder writes them (as the former `FlatJSON` did).
    @Test func ledgerDetailsKeepJSONEncodersBytes() throws {
        let details = ["b": "x\u{8}y\u{c}z\u{1f}", "a": "1/2 \"q\" \\", "é": "ü"]
        #expect(details.canonicalJSON() == #"{"a":"1/2 \"q\" \\","b":"x\by\fz\u001f","é":"ü"}"#)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(details.canonicalJSON() == String(decoding: try encoder.encode(details), as: UTF8.self))
    }
}

/// Exports people open in a spreadsheet never carry a live formula.
@Suite struct SpreadsheetExportTests {
    @Test func formulaCellsAreNeutralisedAndOtherCellsKept() {
        #expect(
            CSVWriter.spreadsheetLine([
                "=HYPERLINK(\"http://x\",\"y\")", "+996 555", "-1", "@SUM(A1)", "\tx", "ok, fine",
            ])
                == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'+996 555,'-1,'@SUM(A1),'\tx,\"ok, fine\"\r\n")
        #expect(CSVWriter.line(["=1", "+996"]) == "=1,+996\r\n", "data meant for import is kept exactly")
    }
}

/// The demo registries load at any size (`--demo-size 100000` once failed on the 4,001st plate).
@Suite struct DemoDataTests {
    @Test func demoPlatesAreUniqueFarBeyondTheDefaultSize() {
        let plates = (0..<300_000).map(DemoRegistries.plate)
        #expect(Set(plates).count == plates.count)
        #expect(plates.allSatisfy { (5...12).contains($0.count) })
        #expect(plates[0] == "01KG000AAA")
    }
}
