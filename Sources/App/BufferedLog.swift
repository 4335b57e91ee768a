import Core
import Foundation
import Logging
import Synchronization

/// Where `tazakoom serve` writes its log: lines are gathered in memory and written to the file
/// descriptor in batches, at least every 50 ms, by one background thread.
///
/// The stream handler of swift-log writes and flushes each line under one process-wide lock, so
/// with an access log line per request every event loop waited there for a system call. Here a
/// request only appends its line (a copy under a short lock); `BufferedLogHandler` flushes at once
/// for warnings and worse, so what matters most is never left in memory.
public final class BufferedLogOutput: TextOutputStream, Sendable {
    /// Standard error, the platform's log.
    public static let standardError = BufferedLogOutput(descriptor: STDERR_FILENO)

    /// Bytes waiting; a writer that finds more than this flushes itself instead of growing memory.
    static let flushThreshold = 256 * 1024
    static let flushInterval = 0.05

    private let descriptor: Int32
    private let pending = Mutex<[UInt8]>([])
    // Held while writing, so batches reach the file in the order they were taken.
    private let writing = Mutex<Void>(())

    /// Writes to `descriptor` (which stays open), flushing every `flushInterval` seconds.
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: Self.flushInterval)
                flush()
            }
        }
    }

    /// Adds `string` to the next batch.
    public func write(_ string: String) {
        let waiting = pending.withLock { bytes in
            bytes.append(contentsOf: string.utf8)
            return bytes.count
        }
        if waiting >= Self.flushThreshold { flush() }
    }

    /// Writes everything gathered so far.
    public func flush() {
        writing.withLock { _ in
            var batch: [UInt8] = []
            pending.withLock { swap(&batch, &$0) }
            batch.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0 && errno == EINTR {
                        continue
                    } else {
                        return  // A log that cannot be written must not stop the node.
                    }
                }
            }
        }
    }
}

/// swift-log's stream format (time, level, label, every metadata field sorted by key, source,
/// message) written through a `BufferedLogOutput`; warnings, errors and critical messages are
/// flushed at once. Unlike `StreamLogHandler`, metadata is formatted when a line is written, not
/// each time it is set (a request's logger gets its request id set on every request).
public struct BufferedLogHandler: LogHandler {
    private let label: String
    private let output: BufferedLogOutput
    private let clock: Clock
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// A handler for `label` writing to `output`, its lines stamped with `clock`'s time.
    public init(label: String, output: BufferedLogOutput = .standardError, clock: Clock = .system) {
        self.label = label
        self.output = output
        self.clock = clock
        self.metadataProvider = LoggingSystem.metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // An access log line per request makes this a hot path: the fields are gathered in one
        // array and the line in one string reserved to its usual size, rather than merging
        // dictionaries and growing the string piece by piece. A line's own fields win.
        var base = metadata
        if let provided = metadataProvider?.get() { base.merge(provided) { $1 } }
        var own = event.metadata ?? [:]
        if let error = event.error {
            own["error.message"] = "\(error)"
            own["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        var fields: [(key: String, value: Logger.Metadata.Value)] = []
        fields.reserveCapacity(base.count + own.count)
        for field in base where own[field.key] == nil { fields.append(field) }
        fields.append(contentsOf: own.map { $0 })
        fields.sort { $0.key < $1.key }
        var line = Self.timestamps.text(clock.seconds)
        line.reserveCapacity(256)
        line += " "
        line += event.level.rawValue
        if !label.isEmpty {
            line += " "
            line += label
        }
        line += ":"
        for (key, value) in fields {
            line += " "
            line += key
            line += "="
            // Strings as they are: their description goes through a generic interpolation.
            if case .string(let text) = value { line += text } else { line += value.description }
        }
        line += " ["
        line += event.source
        line += "] "
        line += event.message.description
        line += "\n"
        output.write(line)
        if event.level >= .warning { output.flush() }
    }

    /// The last second's text, kept: an access log writes many lines a second, and `localtime_r`
    /// takes a process-wide lock on every call.
    static let timestamps = TimestampCache()

    /// Local time to the second with its offset, as swift-log's stream handler writes it.
    static func timestamp(_ seconds: Int) -> String {
        var now = time_t(seconds)
        var local = tm()
        localtime_r(&now, &local)
        var buffer = [CChar](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The text of the current second, computed once per second.
final class TimestampCache: Sendable {
    private let last = Mutex<(seconds: Int, text: String)>((-1, ""))

    func text(_ seconds: Int) -> String {
        if let kept = last.withLock({ $0.seconds == seconds ? $0.text : nil }) { return kept }
        let text = BufferedLogHandler.timestamp(seconds)
        last.withLock { $0 = (seconds, text) }
        return text
    }
}
