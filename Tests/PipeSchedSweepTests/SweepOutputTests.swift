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
}
