import App
import Foundation
import Logging
import Testing

/// The server's log: batched lines arrive whole and in full, warnings at once.
@Suite struct BufferedLogTests {
    /// A log file in a fresh directory, and what it holds.
    struct LogFile {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString)").path
        let descriptor: Int32

        init() { descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600) }

        var text: String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

        func remove() {
            close(descriptor)
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    @Test func linesFromManyWritersArriveWholeAndNoneIsLost() async {
        let file = LogFile()
        defer { file.remove() }
        let output = BufferedLogOutput(descriptor: file.descriptor)
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for line in 0..<2_000 {
                        output.write("writer \(writer) line \(line) \(String(repeating: "x", count: 40))\n")
                    }
                }
            }
        }
        output.flush()
        let lines = file.text.split(separator: "\n")
        #expect(lines.count == 8 * 2_000)
        #expect(Set(lines).count == lines.count)
        #expect(lines.allSatisfy { $0.hasPrefix("writer ") && $0.hasSuffix(String(repeating: "x", count: 40)) })
    }

    @Test func aWarningIsWrittenAtOnceWithEveryField() {
        let file = LogFile()
        defer { file.remove() }
        let output = BufferedLogOutput(descriptor: file.descriptor)
        var logger = Logger(label: "test") { BufferedLogHandler(label: $0, output: output) }
        logger[metadataKey: "hb.request.id"] = "42"
        logger.warning("disk nearly full", metadata: ["bytes": "1024"])
        let text = file.text
        #expect(text.contains("warning test:"))
        #expect(text.contains("hb.request.id=42"))
        #expect(text.contains("bytes=1024"))
        #expect(text.hasSuffix("disk nearly full\n"))
    }

    /// swift-log's stream format, field for field: sorted keys, a message's own metadata over the
    /// logger's, values that are not strings by their description.
    @Test func aLineHasSwiftLogsFormat() {
        let file = LogFile()
        defer { file.remove() }
        let output = BufferedLogOutput(descriptor: file.descriptor)
        var logger = Logger(label: "test") { BufferedLogHandler(label: $0, output: output) }
        logger[metadataKey: "b"] = "from the logger"
        logger[metadataKey: "a"] = "kept"
        logger.warning("done", metadata: ["b": "from the line", "c": .stringConvertible(42), "d": ["x", "y"]])
        let text = file.text
        let timestamp = text.prefix { $0 != " " }
        #expect(timestamp.count == "2026-12-01T11:21:38+0000".count, "\(text)")
        #expect(
            text.dropFirst(timestamp.count)
                == " warning test: a=kept b=from the line c=42 d=\(Logger.Metadata.Value.array(["x", "y"])) [WebTests] done\n"
        )
    }
}
