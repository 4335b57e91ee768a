/// Whole numbers that arrive in requests (paths, query strings, forms), parsed so that no value can
/// end the process: only ASCII digits (no sign, spaces, exponent or fraction), at most 18 of them,
/// and within the caller's bounds. Arithmetic on a value that passed stays far from overflow.
public enum RequestNumber {
    /// The largest index or size any request may name: far above any real ledger or registry, far
    /// below where `index * 256` and similar arithmetic would overflow.
    public static let largest = 1 << 48

    /// `text` as a number within `range`, or nil.
    public static func parse(_ text: some StringProtocol, in range: ClosedRange<Int>) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let value = Int(text), range.contains(value)
        else { return nil }
        return value
    }

    /// `text` as a number within `range`, or a `ValidationError` on `field` ("a whole number").
    public static func require(_ text: some StringProtocol, field: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = parse(text, in: range) else {
            throw ValidationError(field: field, messageKey: "error_whole_number")
        }
        return value
    }
}
