import PipeSchedServer
import Testing

/// Which methods answer at once and which run as jobs, and the time limits jobs work to.
@Suite struct SolveModeTests {
    @Test func familiesAndGreedyAreSynchronous() {
        for method in ["gpipe", "1f1b", "zb-h1", "zb-v", "greedy", "zb-greedy"] {
            #expect(SolveMode.of(method: method, timeLimit: nil) == .sync, "\(method)")
            #expect(SolveMode.of(method: method, timeLimit: 100) == .sync, "\(method)")
        }
    }

    @Test func exactSolversAndLongSearchesAreJobs() {
        for method in ["ilp", "ilp-window", "milp-ilp", "cpsat", "cpsat-window"] { #expect(SolveMode.of(method: method, timeLimit: 0.1) == .async) }
        #expect(SolveMode.of(method: "auto", timeLimit: nil) == .async)
        #expect(SolveMode.of(method: "local", timeLimit: nil) == .async)
        #expect(SolveMode.of(method: "local", timeLimit: 5) == .async)
    }

    @Test func shortSearchesAnswerAtOnce() {
        #expect(SolveMode.of(method: "local", timeLimit: 0.5) == .sync)
        #expect(SolveMode.of(method: "auto", timeLimit: 1) == .sync)
    }

    @Test func jobTimeLimitsAreDefaultedAndCapped() {
        #expect(SolveMode.effectiveTimeLimit(method: "auto", requested: nil, cap: 300) == 10)
        #expect(SolveMode.effectiveTimeLimit(method: "auto", requested: nil, cap: 4) == 4)
        #expect(SolveMode.effectiveTimeLimit(method: "ilp", requested: nil, cap: 300) == 300)
        #expect(SolveMode.effectiveTimeLimit(method: "local", requested: 7, cap: 300) == 7)
        #expect(SolveMode.effectiveTimeLimit(method: "1f1b", requested: nil, cap: 300) == nil)
    }
}
