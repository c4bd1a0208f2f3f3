import Foundation
import Testing
@testable import PipeSchedSweep

/// The files a sweep writes, and the progress lines.
@Suite struct SweepOutputTests {
    @Test func filesAreWrittenWithOneCSVLinePerRun() async throws {
        let grid = try SweepFixtures.grid()
        let summary = try await SweepRunner(grid: grid, store: try SweepFixtures.store()).run()
        let folder = try SweepFixtures.folder().appendingPathComponent("out")
        try SweepOutput.write(SweepResults(grid: grid, shard: nil, rows: summary.rows), to: folder)
        let csv = try String(contentsOf: folder.appendingPathComponent("results.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 1 + 24)
        #expect(lines[0].hasPrefix("point,label,devices,microbatches,memoryCap"))
        for column in ["bubbleRate", "peakMemory", "lowerBound", "gap", "solveSeconds", "value"] { #expect(lines[0].contains(column)) }
        let results = try SweepResults.read(folder.appendingPathComponent("results.json"))
        #expect(results.rows == summary.rows)
        #expect(results.points == 8)
        for plot in ["bubble-rate.svg", "pareto.svg"] {
            let svg = try String(contentsOf: folder.appendingPathComponent(plot), encoding: .utf8)
            #expect(svg.hasPrefix("<svg"))
            for method in grid.methods { #expect(svg.contains(">\(method) (n="), "\(plot) \(method)") }
        }
    }

    @Test func csvQuotesFieldsThatNeedIt() {
        #expect(CSVTable.quote("plain") == "plain")
        #expect(CSVTable.quote("a,b") == "\"a,b\"")
        #expect(CSVTable.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
    }

    @Test func paretoFrontKeepsOnlyUndominatedPoints() {
        let front = SweepPlots.front([(1, 10), (2, 8), (2, 9), (3, 8), (4, 5), (5, 6)])
        #expect(front.map(\.x) == [1, 2, 4])
        #expect(front.map(\.y) == [10, 8, 5])
    }

    @Test func plainProgressLinesSayWhereTheRunStands() {
        let line = ProgressDisplay.describe(SweepRunner.Progress(done: 30, total: 120, computed: 10, reused: 20, invalid: 0), elapsed: 15, bar: false)
        #expect(line == "30/120 runs  25%  ETA 0:45  (10 computed, 20 from the store)")
        let bar = ProgressDisplay.describe(SweepRunner.Progress(done: 120, total: 120, computed: 120, reused: 0, invalid: 0), elapsed: 61, bar: true)
        #expect(bar.hasPrefix("[##############################] 120/120 runs  100%  done in 1:01"))
    }

    /// A successful run of `method` at point `point` (d devices, m microbatches).
    func run(_ point: Int, _ method: String, devices: Int = 4, microbatches: Int = 8, bubble: Double, memory: Double = 10, value: Double = 100) -> SweepRow {
        let sweepPoint = SweepPoint(index: point, devices: devices, microbatches: microbatches, memoryCap: .none, sequenceSlices: 1, placement: .sequential)
        var row = SweepRow(point: sweepPoint, problem: nil, method: method, objective: .stageSpan)
        row.bubbleRate = bubble
        row.peakMemory = memory
        row.value = value
        return row
    }

    @Test func bubbleRatesCompareMethodsOnlyOnPointsEveryMethodSolved() {
        // greedy fails the hard point 1; zb-h1 is better on the common point 0 but worse on average over all.
        var failed = run(1, "greedy", bubble: 0)
        failed.status = .noSchedule
        failed.bubbleRate = nil
        let rows = [run(0, "zb-h1", bubble: 0.10), run(1, "zb-h1", bubble: 0.50), run(0, "greedy", bubble: 0.20), failed]
        let compared = SweepPlots.comparedBubbleRates(rows, methods: ["zb-h1", "greedy", "1f1b"])
        #expect(compared.lines.map(\.method) == ["zb-h1", "greedy"])
        #expect(compared.lines.map(\.runs) == [1, 1])
        #expect(abs(compared.lines[0].points[0].y - 10) < 1e-9 && abs(compared.lines[1].points[0].y - 20) < 1e-9)
        #expect(compared.note.contains("1 of 2 points") && compared.note.contains("no schedule: 1f1b"))
        let svg = SweepPlots.bubbleRate(rows, methods: ["zb-h1", "greedy"])
        #expect(svg.contains(">zb-h1 (n=1)</text>") && svg.contains("1 of 2 points, those every method solved"))
    }

    @Test func eachProblemShapeGetsItsOwnParetoFront() {
        let rows = [run(0, "1f1b", devices: 4, bubble: 0.1, memory: 10, value: 100), run(0, "zb-h1", devices: 4, bubble: 0.1, memory: 12, value: 90),
                    run(1, "1f1b", devices: 8, bubble: 0.1, memory: 5, value: 60), run(1, "zb-h1", devices: 8, bubble: 0.1, memory: 6, value: 50)]
        let fronts = SweepPlots.fronts(rows)
        #expect(fronts.count == 2)
        #expect(fronts.values.allSatisfy { $0.count == 2 }, "pooled, the 8-device runs would dominate both 4-device runs")
        #expect(SweepPlots.pareto(rows, methods: ["1f1b", "zb-h1"], objective: "stageSpan").contains("front d4 m8"))
    }
}
