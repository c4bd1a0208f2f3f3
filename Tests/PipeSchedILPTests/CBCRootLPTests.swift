import Foundation
import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedILP

/// CBC's root LP cannot be interrupted (neither its `sec` limit nor the cut callback reach it), so
/// `CBCSolver` runs `Cbc_solve` on a thread of its own and stops waiting at the limit or a stop
/// request; the thread finishes in the background and then releases the library, so the next CBC
/// solve still runs, and correctly.
@Suite struct CBCRootLPTests {
    /// The full MILP of a V problem (p = 8, m = 8, capped) whose root LP takes CBC seconds.
    static func largeModel() throws -> MILPModel {
        let base = ILPTestProblems.hetero(devices: 8, microbatches: 8, seed: 3, placement: .v, chunks: 2)
        let problem = try base.withMemoryLimit((0..<8).map { base.minimumMemory(device: $0) + 6 })
        let frame = ProblemFrame(problem, objective: .stageSpan)
        let horizon = frame.trivialHorizon
        var graph = frame.baseGraph
        let windows = try #require(TimeWindows.tighten(&graph, release: frame.release, latest: frame.latest(horizon: horizon),
                                                       loads: frame.deviceLoads, tolerance: 1e-6 * horizon))
        return ScheduleFormulation(problem: problem, objective: .stageSpan, graph: graph, anchors: frame.anchors, loads: frame.deviceLoads,
                                   windows: windows, horizon: horizon, lowerBound: frame.lowerBound).model
    }

    @Test func aStopInsideTheRootLPReturnsAndTheNextSolveStillRuns() throws {
        let model = try Self.largeModel()
        // Stop a third of a second after the start: CBC is then inside its root LP, which takes it
        // seconds on this model. Other suites run CBC at the same time (for minutes on a loaded
        // machine), so the solve may still be waiting for the library then; it is tried again, for
        // up to five minutes, until it got the library.
        var stopped: MILPResult
        let firstTry = Date()
        repeat {
            let start = Date()
            stopped = try CBCSolver().solve(model, options: MILPOptions(shouldStop: { Date().timeIntervalSince(start) > 0.3 }))
        } while stopped.message?.contains("waiting for the CBC lock") == true && Date().timeIntervalSince(firstTry) < 300
        #expect(stopped.status == .noSolution, "\(stopped)")
        #expect(stopped.message?.contains("inside CBC's root LP") == true, "\(stopped.message ?? "")")
        // The next solve waits for the library, which the background thread releases, and solves.
        var small = MILPModel()
        let x = small.addVariable("x", kind: .integer, lower: 0, upper: 10)
        small.add(x >= 2.5)
        small.minimize(LinearExpression(x))
        let next = try CBCSolver().solve(small, options: MILPOptions())
        #expect(next.status == .optimal && next.objective == 3, "\(next)")
    }
}
