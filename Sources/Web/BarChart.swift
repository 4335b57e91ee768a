import Foundation

/// A horizontal bar chart as inline SVG: one bar per row, labelled, with its value written out
/// (so the figure is readable without the picture, and the picture without colour).
enum BarChart {
    static func svg(title: String, rows: [(label: String, value: Double, text: String)], maximum: Double? = nil)
        -> String
    {
        let width = 640.0
        let labelWidth = 260.0
        let barHeight = 22.0
        let gap = 8.0
        let top = rows.map(\.value).max() ?? 0
        let scale = max(maximum ?? top, 1e-9)
        let height = Double(rows.count) * (barHeight + gap) + gap
        var svg = """
            <svg class="chart" role="img" aria-label="\(HTML.escape(title))" viewBox="0 0 \(Int(width)) \(Int(height))" width="\(Int(width))" height="\(Int(height))" xmlns="http://www.w3.org/2000/svg">
            <title>\(HTML.escape(title))</title>
            """
        for (i, row) in rows.enumerated() {
            let y = gap + Double(i) * (barHeight + gap)
            let length = max(0, min(1, row.value / scale)) * (width - labelWidth - 90)
            svg += """
                <text x="\(Int(labelWidth - 6))" y="\(Int(y + 16))" text-anchor="end" font-size="13" fill="#1b1f24">\(HTML.escape(String(row.label.prefix(38))))</text>
                <rect x="\(Int(labelWidth))" y="\(Int(y))" width="\(String(format: "%.1f", length))" height="\(Int(barHeight))" fill="#0b5394"></rect>
                <text x="\(Int(labelWidth + length + 6))" y="\(Int(y + 16))" font-size="13" fill="#1b1f24">\(HTML.escape(row.text))</text>
                """
        }
        return svg + "</svg>"
    }
}
