import Core
import Foundation
import Testing

@Suite struct TrimmingTests {
    @Test(arguments: [
        "", " ", "token", " token ", "\ttoken\n", "a b", "\u{a0}NBSP\u{a0}", "\u{2003}em\u{2003}", "Айгүл",
        " Айгүл\r\n", "x\u{2028}", "\u{85}next", "😀", " 😀 ", "e\u{301}", "\u{1}ctl\u{1}", "\n\n\n",
    ])
    func trimsAsFoundationDoes(_ text: String) {
        #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(text[...].trimmingWhitespace() == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
