/// The rules for what people write (petitions, drafts, comments, proposals, reports): a length, and
/// plain text only.
enum PlainText {
    /// A reason `text` is refused, or nil: length, and markup, which is not allowed (people write
    /// plain text; pages escape it anyway, and a `<script>` in a petition is never meant for readers).
    static func problem(_ text: String, _ length: ClosedRange<Int>) -> String? {
        if !length.contains(text.count) { return "From \(length.lowerBound) to \(length.upperBound) characters." }
        if text.range(of: #"<\s*[A-Za-z/!?]"#, options: .regularExpression) != nil {
            return "Write plain text: markup such as <b> or <script> is not allowed."
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t" }) {
            return "Control characters are not allowed."
        }
        return nil
    }
}
