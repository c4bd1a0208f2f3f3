import Foundation
import PipeSched
import PipeSchedStore
import Testing
@testable import PipeSchedSweep

/// The `memoryHeadroom` axis: each point's runs search under caps lowered by the margin and are
/// measured against the real caps, as `solve --memory-headroom` does; the margin is in the row, the
/// CSV, the stored schedule and the store key, and a margin the caps cannot give makes the point
/// invalid.
@Suite struct MemoryHeadroomSweepTests {
    static let gridYAML = """
    problem: base.json
    timeLimit: 0.2
    axes:
      memoryCap: 1.0x
      memoryHeadroom: [0, 25]
      methods: [greedy, 1f1b]
    """

    @Test func theAxisIsReadInOrderAndLabelsOnlyAMargin() throws {
        let grid = try SweepFixtures.grid(Self.gridYAML)
        #expect(grid.memoryHeadrooms == [0, 25])
        #expect(grid.points.map(\.memoryHeadroom) == [0, 25])
        #expect(grid.points.map(\.label) == ["d4-m8-cap1x-s1-base", "d4-m8-cap1x-s1-base-headroom25"])
        #expect(Set(grid.points.map(\.problemLabel)).count == 1, "a margin does not change the problem")
        // Grids without the axis keep their fingerprint; the margins change it.
        let without = try SweepFixtures.grid(Self.gridYAML.replacingOccurrences(of: "  memoryHeadroom: [0, 25]\n", with: ""))
        let zero = try SweepFixtures.grid(Self.gridYAML.replacingOccurrences(of: "[0, 25]", with: "0"))
        #expect(zero.fingerprint == without.fingerprint)
        #expect(grid.fingerprint != without.fingerprint)
    }

    @Test(arguments: [("[100]", "axes.memoryHeadroom[0]"), ("[5, -1]", "axes.memoryHeadroom[1]"), ("[lots]", "axes.memoryHeadroom[0]")])
    func badMarginsNameTheField(value: String, field: String) throws {
        do {
            _ = try SweepFixtures.grid(Self.gridYAML.replacingOccurrences(of: "[0, 25]", with: value))
            Issue.record("\(value) should be rejected")
        } catch let error as GridError {
            #expect(error.field == field, "\(error)")
        }
    }

    @Test func runsKeepTheMarginAndAreMeasuredOnTheRealCaps() async throws {
        let grid = try SweepFixtures.grid(Self.gridYAML)
        let store = try SweepFixtures.store()
        let rows = try await SweepRunner(grid: grid, store: store, jobs: 1).run().rows
        #expect(rows.map(\.memoryHeadroom) == [0, 0, 25, 25])
        let plain = try #require(rows.first { $0.method == "greedy" && $0.memoryHeadroom == 0 })
        let kept = try #require(rows.first { $0.method == "greedy" && $0.memoryHeadroom == 25 })
        #expect(plain.status == .ok && kept.status == .ok, "\(kept.message ?? "")")
        let cap = try #require(kept.memoryCapValue)
        #expect(try #require(plain.peakMemory) > 0.75 * cap, "the margin binds")
        #expect(try #require(kept.peakMemory) <= 0.75 * cap + 1e-9)
        #expect(kept.lowerBound == plain.lowerBound, "measured on the real problem")
        // 1F1B's order peaks at the whole cap: no schedule under the margin, a result, not an error.
        #expect(rows.first { $0.method == "1f1b" && $0.memoryHeadroom == 25 }?.status == .noSchedule)

        let point = grid.points[kept.point]
        let problem = try PointProblem.build(point, source: grid.source)
        let key = RequestKey(problem: problem, method: "greedy", options: SolveOptions(timeLimit: 0.2), memoryHeadroom: 25)
        let stored = try #require(try await store.result(forKey: key))
        #expect(try stored.scheduleDocument()?.memoryHeadroom == 25)
        #expect(try stored.decodedProblem() == problem, "the real problem is stored, not the lowered one")
        try await store.close()

        let csv = CSVTable.render(rows).split(separator: "\n")
        let column = try #require(CSVTable.header.firstIndex(of: "memoryHeadroom"))
        #expect(csv.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[column] } == ["0.0", "0.0", "25.0", "25.0"])
    }

    @Test func aMarginBelowOneMicrobatchMakesThePointInvalid() async throws {
        let grid = try SweepFixtures.grid(Self.gridYAML.replacingOccurrences(of: "[0, 25]", with: "[90]"))
        let rows = try await SweepRunner(grid: grid, store: try SweepFixtures.store()).run().rows
        #expect(rows.map(\.status) == [.invalidPoint, .invalidPoint])
        #expect(rows[0].message?.contains("memoryHeadroom") == true && rows[0].message?.contains("at most") == true, "\(rows[0].message ?? "")")
    }
}
