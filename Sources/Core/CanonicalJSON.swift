/// The platform's one writer of canonical JSON text: compact, object keys in UTF-8 byte order,
/// strings escaped minimally (`"`, `\`, and control characters only).
///
/// Ledger entries and registry records carry digests of this text, so its bytes must never change
/// for content already written. The writers it replaced differed in one place, kept here as
/// `ControlEscapes` and fixed per kind of content: ledger details (and workflow facts) escape
/// backspace and form feed as JSONEncoder does, `\b` and `\f`; registry records and issued documents
/// (`JSONValue`) as `\u0008` and `\u000c`. Tests hold both byte for byte.
public enum CanonicalJSON {
    /// How backspace and form feed are escaped; every other character is escaped the same way.
    public enum ControlEscapes: Sendable {
        /// `\b`, `\f`: JSONEncoder's way (ledger details, workflow facts).
        case jsonEncoder
        /// `\u0008`, `\u000c`: the registries' and documents' canonical form, version 1.
        case unicode
    }

    /// Appends `text` as a JSON string literal.
    public static func appendString(_ text: String, to out: inout String, escapes: ControlEscapes = .jsonEncoder) {
        out += "\""
        // Fast path: nothing to escape (the usual case for names, codes and dates).
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5c }) {
            out += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{8}" where escapes == .jsonEncoder: out += "\\b"
                case "\u{c}" where escapes == .jsonEncoder: out += "\\f"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Object keys in the canonical order (UTF-8 bytes, which is also code-point order).
    public static func sortedKeys(_ keys: some Sequence<String>) -> [String] {
        keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// A string dictionary as an object: what JSONEncoder writes with `.sortedKeys` and
    /// `.withoutEscapingSlashes`, written directly (it runs several times for every change).
    public static func object(_ object: [String: String]) -> String {
        var out = "{"
        for (n, key) in sortedKeys(object.keys).enumerated() {
            if n > 0 { out += "," }
            appendString(key, to: &out)
            out += ":"
            appendString(object[key] ?? "", to: &out)
        }
        return out + "}"
    }
}
