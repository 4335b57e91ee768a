import Foundation

extension StringProtocol {
    /// The text without white space and newlines at either end, exactly as
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives it, but without Foundation's
    /// character-set walk when both ends are printable ASCII other than a space: the usual case
    /// for a form's answers and a bearer token, which are trimmed on every submission.
    public func trimmingWhitespace() -> String {
        if let first = unicodeScalars.first, let last = unicodeScalars.last,
            (0x21...0x7e).contains(first.value), (0x21...0x7e).contains(last.value)
        {
            return String(self)
        }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
