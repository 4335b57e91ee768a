import Foundation
import Workflow

/// A process definition drawn as SVG: states in columns by their distance from the start, an
/// arrow per action with its name and roles. Server-rendered, so it needs no JavaScript.
enum WorkflowDiagram {
    static func svg(_ definition: ProcessDefinition, title: String) -> String {
        // Columns by breadth-first distance from the start.
        var column: [String: Int] = [definition.start.id: 0]
        var queue = [definition.start.id]
        while !queue.isEmpty {
            let state = queue.removeFirst()
            for action in definition.actions(from: state) where column[action.to] == nil {
                column[action.to] = (column[state] ?? 0) + 1
                queue.append(action.to)
            }
        }
        var rows: [Int: Int] = [:]
        var position: [String: (x: Double, y: Double)] = [:]
        let boxW = 150.0
        let boxH = 40.0
        let gapX = 90.0
        let gapY = 46.0
        let pad = 20.0
        for state in definition.states {
            let c = column[state.id] ?? 0
            let r = rows[c, default: 0]
            rows[c] = r + 1
            position[state.id] = (pad + Double(c) * (boxW + gapX), pad + Double(r) * (boxH + gapY))
        }
        let width = pad * 2 + Double((column.values.max() ?? 0) + 1) * (boxW + gapX) - gapX
        let height = pad * 2 + Double(rows.values.max() ?? 1) * (boxH + gapY) - gapY + 20
        var out =
            "<svg class=\"diagram\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"diagram-title\">"
        out += "<title id=\"diagram-title\">\(HTML.escape(title))</title>"
        out +=
            "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1b1f24\"/></marker></defs>"
        for action in definition.actions {
            guard let to = position[action.to] else { continue }
            for from in action.from {
                guard let start = position[from] else { continue }
                let forward = to.x > start.x
                let x1 = forward ? start.x + boxW : start.x + boxW / 2
                let y1 = forward ? start.y + boxH / 2 : start.y + boxH
                let x2 = forward ? to.x : to.x + boxW / 2
                let y2 = forward ? to.y + boxH / 2 : to.y + (to.y > start.y ? 0 : boxH)
                let label =
                    action.roles.isEmpty
                    ? "\(action.id) (system)" : "\(action.id) (\(action.roles.joined(separator: ", ")))"
                out += "<g><title>\(HTML.escape(label))</title>"
                out +=
                    "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"#4a5360\" stroke-width=\"1.5\"\(action.roles.isEmpty ? " stroke-dasharray=\"4 3\"" : "") marker-end=\"url(#arrow)\"/>"
                out +=
                    "<text x=\"\(f((x1 + x2) / 2))\" y=\"\(f((y1 + y2) / 2 - 4))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1b1f24\">\(HTML.escape(action.id))</text></g>"
            }
        }
        for state in definition.states {
            guard let p = position[state.id] else { continue }
            let fill = state.isStart ? "#e3eefa" : (state.isTerminal ? "#eaf6ee" : "#ffffff")
            out +=
                "<g><rect x=\"\(f(p.x))\" y=\"\(f(p.y))\" width=\"\(f(boxW))\" height=\"\(f(boxH))\" rx=\"6\" fill=\"\(fill)\" stroke=\"#073763\" stroke-width=\"\(state.isTerminal ? 3 : 1.5)\"/>"
            out +=
                "<text x=\"\(f(p.x + boxW / 2))\" y=\"\(f(p.y + 17))\" font-size=\"13\" text-anchor=\"middle\" fill=\"#1b1f24\">\(HTML.escape(state.id))</text>"
            if let sla = state.slaDays {
                out +=
                    "<text x=\"\(f(p.x + boxW / 2))\" y=\"\(f(p.y + 32))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#4a5360\">SLA \(sla) d</text>"
            }
            out += "</g>"
        }
        return out + "</svg>"
    }

    private static func f(_ value: Double) -> String { String(format: "%.0f", value) }

}
