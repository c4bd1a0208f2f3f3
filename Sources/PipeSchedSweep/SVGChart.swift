import Foundation

/// A small SVG chart: axes with round ticks, labelled, and series drawn as lines and/or markers,
/// with a legend. Enough for the sweep's plots, without a plotting library.
struct SVGChart {
    /// One named series of (x, y) points.
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        var line = true
        var markers = true
        /// Draw the line as steps (for a Pareto front).
        var steps = false
        var color: String? = nil
        var markerRadius = 3.5
    }

    var title: String
    /// A smaller line under the title (what the data is, what was left out); empty for none.
    var subtitle = ""
    var xLabel: String
    var yLabel: String
    var series: [Series]
    var width = 720.0
    var height = 440.0

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    private var margin: (left: Double, right: Double, top: Double, bottom: Double) {
        (left: 70.0, right: 190.0, top: subtitle.isEmpty ? 40.0 : 56.0, bottom: 55.0)
    }

    func render() -> String {
        let all = series.flatMap(\.points)
        let xTicks = Self.ticks(all.map(\.x)), yTicks = Self.ticks(all.map(\.y))
        let xRange = (xTicks.first ?? 0, xTicks.last ?? 1), yRange = (yTicks.first ?? 0, yTicks.last ?? 1)
        let plotWidth = width - margin.left - margin.right, plotHeight = height - margin.top - margin.bottom
        func px(_ x: Double) -> Double { margin.left + (xRange.1 > xRange.0 ? (x - xRange.0) / (xRange.1 - xRange.0) : 0.5) * plotWidth }
        func py(_ y: Double) -> Double { margin.top + plotHeight - (yRange.1 > yRange.0 ? (y - yRange.0) / (yRange.1 - yRange.0) : 0.5) * plotHeight }

        var svg = [##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(Int(width))" height="\##(Int(height))" viewBox="0 0 \##(Int(width)) \##(Int(height))" font-family="sans-serif" font-size="12">"##,
                   ##"<rect width="100%" height="100%" fill="white"/>"##,
                   ##"<text x="\##(width / 2)" y="22" text-anchor="middle" font-size="15">\##(Self.escape(title))</text>"##]
        if !subtitle.isEmpty {
            svg.append(##"<text x="\##(width / 2)" y="40" text-anchor="middle" font-size="11" fill="#555">\##(Self.escape(subtitle))</text>"##)
        }
        for tick in xTicks {
            let x = px(tick)
            svg.append(##"<line x1="\##(f(x))" y1="\##(f(margin.top))" x2="\##(f(x))" y2="\##(f(margin.top + plotHeight))" stroke="#e5e5e5"/>"##)
            svg.append(##"<text x="\##(f(x))" y="\##(f(margin.top + plotHeight + 18))" text-anchor="middle">\##(Self.label(tick))</text>"##)
        }
        for tick in yTicks {
            let y = py(tick)
            svg.append(##"<line x1="\##(f(margin.left))" y1="\##(f(y))" x2="\##(f(margin.left + plotWidth))" y2="\##(f(y))" stroke="#e5e5e5"/>"##)
            svg.append(##"<text x="\##(f(margin.left - 8))" y="\##(f(y + 4))" text-anchor="end">\##(Self.label(tick))</text>"##)
        }
        svg.append(##"<rect x="\##(f(margin.left))" y="\##(f(margin.top))" width="\##(f(plotWidth))" height="\##(f(plotHeight))" fill="none" stroke="#333"/>"##)
        svg.append(##"<text x="\##(f(margin.left + plotWidth / 2))" y="\##(f(height - 14))" text-anchor="middle">\##(Self.escape(xLabel))</text>"##)
        svg.append(##"<text transform="translate(18 \##(f(margin.top + plotHeight / 2))) rotate(-90)" text-anchor="middle">\##(Self.escape(yLabel))</text>"##)
        for (index, item) in series.enumerated() {
            let color = item.color ?? Self.palette[index % Self.palette.count]
            let points = item.points.map { (px($0.x), py($0.y)) }
            if item.line, points.count > 1 {
                var path = "M\(f(points[0].0)),\(f(points[0].1))"
                for point in points.dropFirst() {
                    if item.steps { path += " H\(f(point.0))" }
                    path += " L\(f(point.0)),\(f(point.1))"
                }
                svg.append(##"<path d="\##(path)" fill="none" stroke="\##(color)" stroke-width="2"/>"##)
            }
            if item.markers {
                for point in points {
                    svg.append(##"<circle cx="\##(f(point.0))" cy="\##(f(point.1))" r="\##(f(item.markerRadius))" fill="\##(color)" fill-opacity="0.8"/>"##)
                }
            }
            let legendY = margin.top + 8 + Double(index) * 18
            svg.append(##"<rect x="\##(f(width - margin.right + 14))" y="\##(f(legendY - 9))" width="12" height="12" fill="\##(color)"/>"##)
            svg.append(##"<text x="\##(f(width - margin.right + 32))" y="\##(f(legendY + 1))">\##(Self.escape(item.name))</text>"##)
        }
        if all.isEmpty {
            svg.append(##"<text x="\##(f(margin.left + plotWidth / 2))" y="\##(f(margin.top + plotHeight / 2))" text-anchor="middle" fill="#777">no data</text>"##)
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    /// Round tick values covering `values` (about 6 of them).
    static func ticks(_ values: [Double]) -> [Double] {
        guard var low = values.min(), var high = values.max() else { return [0, 1] }
        if high - low < 1e-12 { low -= max(1, abs(low) * 0.1); high += max(1, abs(high) * 0.1) }
        let raw = (high - low) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = floor(low / step) * step, last = ceil(high / step) * step
        return stride(from: first, through: last + step / 2, by: step).map { $0 }
    }

    static func label(_ value: Double) -> String {
        if abs(value - value.rounded()) < 1e-9 { return String(Int(value.rounded())) }
        return String(format: "%g", value)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
