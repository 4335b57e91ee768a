import Logging
import NIOConcurrencyHelpers

/// A log handler that keeps every line in memory, so tests can check what would have been logged.
public struct LogCapture: Sendable {
    /// One logged line: its level, message and every metadata field (the logger's and its own).
    struct Line: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
    }

    private let lines = NIOLockedValueBox<[Line]>([])

    public init() {}

    /// A logger writing into this capture at trace level.
    public func logger(label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in Handler(lines: lines) }
        logger.logLevel = .trace
        return logger
    }

    /// Every line so far, message and metadata together.
    public var text: String {
        lines.withLockedValue { $0.map { "\($0.level) \($0.message) \($0.metadata)" }.joined(separator: "\n") }
    }

    /// The metadata of every line so far whose message is `message`, each field printed.
    public func fields(ofLinesSaying message: String) -> [[String: String]] {
        lines.withLockedValue { $0.filter { $0.message == message }.map { $0.metadata.mapValues(\.description) } }
    }

    struct Handler: LogHandler {
        let lines: NIOLockedValueBox<[Line]>
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
            lines.withLockedValue { $0.append(Line(level: level, message: "\(message)", metadata: all)) }
        }
    }
}
