import Foundation

/// The sweep's pictures: bubble rate against microbatches per method, and the memory-against-time
/// Pareto front.
public enum SweepPlots {
    /// One line per method: the mean bubble rate (%) over the points with that number of
    /// microbatches (other axes averaged), successful runs only.
    public static func bubbleRate(_ rows: [SweepRow], methods: [String]) -> String {
        let ok = rows.filter { $0.status == .ok && $0.bubbleRate != nil }
        let series = methods.map { method -> SVGChart.Series in
            let byMicrobatches = Dictionary(grouping: ok.filter { $0.method == method }, by: \.microbatches)
            let points = byMicrobatches.keys.sorted().map { m -> (x: Double, y: Double) in
                let rates = byMicrobatches[m]!.compactMap(\.bubbleRate)
                return (Double(m), 100 * rates.reduce(0, +) / Double(rates.count))
            }
            return SVGChart.Series(name: method, points: points)
        }
        let averaged = Set(ok.map { "\($0.devices) \($0.memoryCap) \($0.sequenceSlices) \($0.placement)" }).count > 1
        return SVGChart(title: "Bubble rate by microbatches" + (averaged ? " (mean over the other axes)" : ""),
                        xLabel: "microbatches", yLabel: "bubble rate (%)", series: series).render()
    }

    /// Every successful run as a point (peak memory, objective value) coloured by method, and the
    /// Pareto front (no other run is at least as good in both) as a black step line.
    public static func pareto(_ rows: [SweepRow], methods: [String], objective: String) -> String {
        let ok = rows.filter { $0.status == .ok && $0.peakMemory != nil && $0.value != nil }
        var series = methods.map { method in
            SVGChart.Series(name: method, points: ok.filter { $0.method == method }.map { ($0.peakMemory!, $0.value!) }, line: false)
        }
        series.append(SVGChart.Series(name: "Pareto front", points: front(ok.map { ($0.peakMemory!, $0.value!) }), steps: true,
                                      color: "#000000", markerRadius: 2))
        return SVGChart(title: "Peak memory against \(objective)", xLabel: "peak memory (largest device)", yLabel: objective,
                        series: series).render()
    }

    /// The non-dominated points, by increasing memory (and so decreasing time).
    static func front(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        var front: [(x: Double, y: Double)] = []
        for point in points.sorted(by: { ($0.x, $0.y) < ($1.x, $1.y) }) where front.last.map({ point.y < $0.y - 1e-12 }) ?? true {
            front.append(point)
        }
        return front
    }
}
