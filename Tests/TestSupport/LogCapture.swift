import Logging
import NIOConcurrencyHelpers

/// A log handler that keeps every line in memory, so tests can check what would have been logged.
public struct LogCapture: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])

    public init() {}

    /// A logger writing into this capture at trace level.
    public func logger(label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in Handler(lines: lines) }
        logger.logLevel = .trace
        return logger
    }

    /// Every line so far, message and metadata together.
    public var text: String { lines.withLockedValue { $0.joined(separator: "\n") } }

    struct Handler: LogHandler {
        let lines: NIOLockedValueBox<[String]>
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(
            level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String,
            file: String, function: String, line: UInt
        ) {
            let all = self.metadata.merging(extra ?? [:]) { $1 }
            lines.withLockedValue { $0.append("\(level) \(message) \(all)") }
        }
    }
}
