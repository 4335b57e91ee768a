import Foundation

/// A horizontal bar chart as inline SVG: one bar per row with its label above it (wrapped, never
/// cut) and its value written out, so the figure is readable without the picture, and the picture
/// without colour. The page gives it a visible title (`figcaption`); `title` names it for screen readers.
enum BarChart {
    /// Characters per label line: the chart is 640 units wide and scales with the page.
    static let lineLength = 70

    static func svg(title: String, rows: [(label: String, value: Double, text: String)], maximum: Double? = nil)
        -> String
    {
        let width = 640.0
        let lineHeight = 17.0
        let barHeight = 18.0
        let gap = 12.0
        let valueSpace = 90.0
        let top = rows.map(\.value).max() ?? 0
        let scale = max(maximum ?? top, 1e-9)
        var body = ""
        var y = gap
        for row in rows {
            for line in wrap(row.label) {
                y += lineHeight
                body +=
                    "<text x=\"0\" y=\"\(Int(y - 4))\" font-size=\"14\" fill=\"#1b1f24\">\(HTML.escape(line))</text>"
            }
            let length = max(0, min(1, row.value / scale)) * (width - valueSpace)
            body += """
                <rect x="0" y="\(Int(y))" width="\(String(format: "%.1f", length))" height="\(Int(barHeight))" fill="#0b5394"></rect>
                <text x="\(Int(length + 6))" y="\(Int(y + 14))" font-size="14" fill="#1b1f24">\(HTML.escape(row.text))</text>
                """
            y += barHeight + gap
        }
        return """
            <svg class="chart" role="img" aria-label="\(HTML.escape(title))" viewBox="0 0 \(Int(width)) \(Int(y))" xmlns="http://www.w3.org/2000/svg">
            <title>\(HTML.escape(title))</title>
            """ + body + "</svg>"
    }

    /// `text` in lines of at most `lineLength` characters, broken between words.
    static func wrap(_ text: String) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > lineLength {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return lines + (line.isEmpty ? [] : [line])
    }
}
