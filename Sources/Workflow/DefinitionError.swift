/// A process definition that cannot be published, with every problem and the path (and, for
/// YAML, the line) at fault.
public struct DefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// JSON-pointer-like path, e.g. `/actions/2/guard`.
        public var path: String
        public var message: String
        /// Line in the source document, when it is known.
        public var line: Int?

        public init(path: String, message: String, line: Int? = nil) {
            self.path = path
            self.message = message
            self.line = line
        }

        public var description: String { (line.map { "line \($0), " } ?? "") + "\(path): \(message)" }
    }

    public var problems: [Problem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
