import Foundation
import PipeSched
import PipeSchedStore
import Testing
@testable import PipeSchedSweep

/// Running grids against a store: the rows, reuse on a re-run, resuming, shards.
@Suite struct SweepRunnerTests {
    @Test func smallGridProducesTheExpectedRows() async throws {
        let grid = try SweepFixtures.grid()
        let store = try SweepFixtures.store()
        let summary = try await SweepRunner(grid: grid, store: store, jobs: 2).run()
        #expect(summary.rows.count == 8 * 3)
        #expect(summary.computed == 24)
        #expect(summary.reused == 0)
        #expect(summary.rows.map(\.point) == (0..<8).flatMap { Array(repeating: $0, count: 3) })
        #expect(summary.rows.prefix(3).map(\.method) == ["1f1b", "zb-h1", "greedy"])
        for row in summary.rows {
            #expect(row.status == .ok, "\(row.label) \(row.method): \(row.message ?? "")")
            let point = grid.points[row.point]
            let problem = try PointProblem.build(point, source: grid.source)
            let expected = try Methods.solve(problem, method: row.method, options: SolveOptions(timeLimit: 0.2)).evaluation.metrics
            #expect(row.value == expected.stageSpan)
            #expect(row.bubbleRate == expected.bubbleRate)
            #expect(row.peakMemory == expected.peakMemory.max())
            #expect(row.lowerBound == expected.lowerBound)
            #expect(row.gap == expected.gap)
            #expect(row.devices == point.devices)
            #expect(row.microbatches == point.microbatches)
            if case .multipleOfOneFOneBPeak = point.memoryCap { #expect(row.memoryCapValue != nil) } else { #expect(row.memoryCapValue == nil) }
        }
        try await store.close()
    }

    /// An `auto` row carries the best PyTorch class among its candidates and that class's value
    /// (the schedule's `torchBaseline`), in the row and the CSV; other methods' rows do not.
    @Test func autoRowsCarryPyTorchsBestClass() async throws {
        let grid = try SweepFixtures.grid(SweepFixtures.gridYAML.replacingOccurrences(of: "[1f1b, zb-h1, greedy]", with: "[auto, 1f1b]"))
        let store = try SweepFixtures.store()
        let rows = try await SweepRunner(grid: grid, store: store, jobs: 2).run().rows
        let auto = rows.filter { $0.method == "auto" }
        #expect(!auto.isEmpty)
        for row in auto {
            let problem = try PointProblem.build(grid.points[row.point], source: grid.source)
            let stored = try #require(try await store.result(forKey: RequestKey(problem: problem, method: "auto", options: SolveOptions(timeLimit: 0.2))))
            let baseline = try #require(try stored.scheduleDocument()?.torchBaseline, "\(row.label)")
            #expect(row.torchClass == baseline.torchClass && row.torchValue == baseline.value && row.torchMakespan == baseline.makespan && row.torchMakespan != nil)
            #expect(try #require(row.value) <= baseline.value + 1e-9)
        }
        #expect(rows.filter { $0.method == "1f1b" }.allSatisfy { $0.torchClass == nil && $0.torchValue == nil })
        let csv = CSVTable.render(rows).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let column = try #require(CSVTable.header.firstIndex(of: "torchClass"))
        #expect(zip(rows, csv.dropFirst()).allSatisfy { row, line in String(line[column]) == (row.torchClass ?? "") })
        try await store.close()
    }

    @Test func rerunComputesNothingNew() async throws {
        let grid = try SweepFixtures.grid()
        let store = try SweepFixtures.store()
        let first = try await SweepRunner(grid: grid, store: store).run()
        let second = try await SweepRunner(grid: grid, store: store).run()
        #expect(second.computed == 0)
        #expect(second.reused == first.rows.count)
        #expect(second.rows.allSatisfy { $0.cached })
        var stripped = second.rows
        for index in stripped.indices { stripped[index].cached = false }
        #expect(stripped == first.rows)
        try await store.close()
    }

    @Test func interruptedSweepResumesWithTheMissingPointsOnly() async throws {
        let grid = try SweepFixtures.grid()
        let store = try SweepFixtures.store()
        // A run stopped after part of the grid leaves those results in the store.
        let part = try await SweepRunner(grid: grid, store: store, shard: Shard(index: 1, count: 4)).run()
        let resumed = try await SweepRunner(grid: grid, store: store).run()
        #expect(resumed.reused == part.rows.count)
        #expect(resumed.computed == 24 - part.rows.count)
        try await store.close()
    }

    @Test func shardsMergeToTheWholeGrid() async throws {
        let grid = try SweepFixtures.grid()
        let whole = try await SweepRunner(grid: grid, store: try SweepFixtures.store()).run()
        var parts: [SweepResults] = []
        for index in 1...3 {
            let shard = try Shard(index: index, count: 3)
            let summary = try await SweepRunner(grid: grid, store: try SweepFixtures.store(), shard: shard).run()
            #expect(summary.rows.allSatisfy { shard.contains($0.point) })
            parts.append(SweepResults(grid: grid, shard: shard, rows: summary.rows))
        }
        let merged = try SweepResults.merge(parts.reversed())
        #expect(merged.missingRuns == 0)
        #expect(merged.shard == nil)
        func comparable(_ rows: [SweepRow]) -> [SweepRow] {
            rows.map { row in
                var row = row
                row.solveSeconds = nil
                return row
            }
        }
        #expect(comparable(merged.rows) == comparable(whole.rows))
    }

    @Test func mergeRefusesShardsOfAnotherGrid() throws {
        let grid = try SweepFixtures.grid()
        var other = grid
        other.methods = ["gpipe"]
        #expect(throws: GridError.self) {
            try SweepResults.merge([SweepResults(grid: grid, shard: nil, rows: []), SweepResults(grid: other, shard: nil, rows: [])])
        }
    }

    @Test func invalidPointsAndUnfitMethodsAreRowsNotErrors() async throws {
        let grid = try SweepFixtures.grid("""
        problem: base.json
        axes:
          memoryCap: [0.1]
          placement: [sequential, v]
          methods: [zb-v]
        """)
        let summary = try await SweepRunner(grid: grid, store: try SweepFixtures.store()).run()
        #expect(summary.rows.map(\.status) == [.invalidPoint, .invalidPoint])
        #expect(summary.invalid == 2)
        let fitting = try SweepFixtures.grid("problem: base.json\naxes:\n  methods: [zb-v]\n")
        let rows = try await SweepRunner(grid: fitting, store: try SweepFixtures.store()).run().rows
        #expect(rows.map(\.status) == [.noSchedule])
        #expect(rows[0].message?.contains("zb-v") == true)
    }
}
