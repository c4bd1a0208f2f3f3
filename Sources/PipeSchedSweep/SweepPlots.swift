import Foundation

/// The sweep's pictures: bubble rate against microbatches per method, and the memory-against-time
/// Pareto fronts.
public enum SweepPlots {
    /// One line per method: the mean bubble rate (%) by number of microbatches (other axes
    /// averaged). Methods are compared on the same points: only points every plotted method solved
    /// count, so a method is never drawn above another because it failed the hard points. Each
    /// legend entry gives its number of runs n. When no point was solved by every method, each
    /// method is averaged over its own points and the title says so.
    public static func bubbleRate(_ rows: [SweepRow], methods: [String]) -> String {
        let compared = comparedBubbleRates(rows, methods: methods)
        let series = compared.lines.map { SVGChart.Series(name: "\($0.method) (n=\($0.runs))", points: $0.points) }
        return SVGChart(title: "Bubble rate by microbatches", subtitle: compared.note,
                        xLabel: "microbatches", yLabel: "bubble rate (%)", series: series).render()
    }

    /// The bubble-rate lines: per method with a successful run, its runs n on the compared points and
    /// its mean bubble rate (%) by microbatches; and the note saying what was compared.
    static func comparedBubbleRates(_ rows: [SweepRow], methods: [String])
        -> (lines: [(method: String, runs: Int, points: [(x: Double, y: Double)])], note: String) {
        let ok = rows.filter { $0.status == .ok && $0.bubbleRate != nil }
        let plotted = methods.filter { method in ok.contains { $0.method == method } }
        let solvedBy = Dictionary(grouping: ok, by: \.point).mapValues { Set($0.map(\.method)) }
        let common = Set(solvedBy.filter { $0.value.isSuperset(of: plotted) }.keys)
        let allPoints = Set(ok.map(\.point))
        let compared = common.isEmpty ? ok : ok.filter { common.contains($0.point) }
        let lines = plotted.map { method in
            let mine = compared.filter { $0.method == method }
            let byMicrobatches = Dictionary(grouping: mine, by: \.microbatches)
            let points = byMicrobatches.keys.sorted().map { m -> (x: Double, y: Double) in
                let rates = byMicrobatches[m]!.compactMap(\.bubbleRate)
                return (Double(m), 100 * rates.reduce(0, +) / Double(rates.count))
            }
            return (method, mine.count, points)
        }
        let averaged = Set(compared.map { "\($0.devices) \($0.memoryCap) \($0.memoryHeadroom ?? 0) \($0.sequenceSlices) \($0.placement)" }).count > 1
        var note: [String] = []
        if common.isEmpty, !ok.isEmpty {
            note.append("no point was solved by every method: each method over its own points")
        } else if common.count < allPoints.count {
            note.append("\(common.count) of \(allPoints.count) points, those every method solved")
        }
        if averaged { note.append("mean over the other axes") }
        let unsolved = methods.filter { !plotted.contains($0) }
        if !unsolved.isEmpty { note.append("no schedule: \(unsolved.joined(separator: ", "))") }
        return (lines, note.joined(separator: "; "))
    }

    /// Every successful run as a point (peak memory, objective value) coloured by method, and one
    /// Pareto front (no other run of the same problem shape is at least as good in both) per problem
    /// shape (devices, microbatches, sequence slices), as step lines: runs of different sizes are
    /// never pooled into one front.
    public static func pareto(_ rows: [SweepRow], methods: [String], objective: String) -> String {
        let ok = rows.filter { $0.status == .ok && $0.peakMemory != nil && $0.value != nil }
        var series = methods.map { method in
            let mine = ok.filter { $0.method == method }
            return SVGChart.Series(name: "\(method) (n=\(mine.count))", points: mine.map { ($0.peakMemory!, $0.value!) }, line: false)
        }
        let shapes = fronts(ok)
        for (index, shape) in shapes.keys.sorted().enumerated() {
            let grey = ["#000000", "#555555", "#888888", "#aaaaaa"][index % 4]
            series.append(SVGChart.Series(name: "front \(shape)", points: shapes[shape]!, steps: true, color: grey, markerRadius: 2))
        }
        return SVGChart(title: "Peak memory against \(objective)", subtitle: shapes.count > 1 ? "one Pareto front per problem shape" : "",
                        xLabel: "peak memory (largest device)", yLabel: objective, series: series).render()
    }

    /// One Pareto front of (peak memory, objective) per problem shape, over successful runs.
    static func fronts(_ rows: [SweepRow]) -> [ProblemShape: [(x: Double, y: Double)]] {
        let ok = rows.filter { $0.status == .ok && $0.peakMemory != nil && $0.value != nil }
        return Dictionary(grouping: ok, by: ProblemShape.init).mapValues { front($0.map { ($0.peakMemory!, $0.value!) }) }
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

/// What makes two sweep runs the same problem up to memory cap and placement (the trade-offs a
/// Pareto front shows): devices, microbatches and sequence slices.
struct ProblemShape: Hashable, Comparable, CustomStringConvertible {
    var devices: Int
    var microbatches: Int
    var sequenceSlices: Int

    init(_ row: SweepRow) {
        devices = row.devices
        microbatches = row.microbatches
        sequenceSlices = row.sequenceSlices
    }

    var description: String { "d\(devices) m\(microbatches)" + (sequenceSlices > 1 ? " s\(sequenceSlices)" : "") }

    static func < (lhs: ProblemShape, rhs: ProblemShape) -> Bool {
        (lhs.devices, lhs.microbatches, lhs.sequenceSlices) < (rhs.devices, rhs.microbatches, rhs.sequenceSlices)
    }
}
