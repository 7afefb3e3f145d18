import Foundation
import StreamRecCore

/// Rolling Recall@N over event time, one line per model, as a self-contained SVG
/// that any browser shows.
enum RecallPlot {
    static func svg(_ results: [PrequentialEvaluation.Result], topN: Int) -> String {
        let width = 900.0, height = 420.0, left = 60.0, right = 170.0, top = 30.0, bottom = 50.0
        let points = results.flatMap(\.rolling)
        guard let first = points.map(\.time).min(), let last = points.map(\.time).max() else {
            return
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"60\"><text x=\"10\" y=\"30\">no data</text></svg>"
        }
        let highest = max(points.map(\.recall).max() ?? 0, 0.01)
        let span = Double(max(last - first, 1))
        func x(_ time: Int64) -> Double { left + Double(time - first) / span * (width - left - right) }
        func y(_ recall: Double) -> Double { top + (1 - recall / highest) * (height - top - bottom) }
        let colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(left)\" y=\"18\" font-size=\"14\">Rolling Recall@\(topN) over event time</text>\n"
        svg +=
            "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        for step in 0...4 {
            let value = highest * Double(step) / 4
            svg +=
                "<text x=\"\(left - 8)\" y=\"\(y(value) + 4)\" text-anchor=\"end\">\(String(format: "%.3f", value))</text>\n"
            svg +=
                "<line x1=\"\(left)\" y1=\"\(y(value))\" x2=\"\(width - right)\" y2=\"\(y(value))\" stroke=\"#ddd\"/>\n"
        }
        for (time, anchor) in [(first, "start"), (last, "end")] {
            svg +=
                "<text x=\"\(x(time))\" y=\"\(height - bottom + 18)\" text-anchor=\"\(anchor)\">\(RFC3339.format(time).prefix(10))</text>\n"
        }
        for (index, result) in results.enumerated() where !result.rolling.isEmpty {
            let colour = colours[index % colours.count]
            let path = result.rolling.map { String(format: "%.1f,%.1f", x($0.time), y($0.recall)) }.joined(
                separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" points=\"\(path)\"/>\n"
            let legendY = top + 18 * Double(index)
            svg +=
                "<line x1=\"\(width - right + 15)\" y1=\"\(legendY)\" x2=\"\(width - right + 35)\" y2=\"\(legendY)\" stroke=\"\(colour)\" stroke-width=\"3\"/>\n"
            svg +=
                "<text x=\"\(width - right + 40)\" y=\"\(legendY + 4)\">\(result.model) \(String(format: "%.3f", result.recall))</text>\n"
        }
        return svg + "</svg>\n"
    }
}
