@testable import PipeSched

/// The greedy grid's policies a property test checks on one of its problems.
///
/// Tests that hold a claim for every policy on every problem of a large set run each policy on
/// every `every`-th problem instead: problem `index` gets the policies at grid positions
/// `index, index + every, ...` (mod `every`), so consecutive problems of the set together cover the
/// whole grid and each problem shape still meets every kind of policy. The suite runs in a debug
/// build, where the scheduler is slow: with the full product over grids of up to 180 policies, the
/// four suites holding these tests took 422 of 823 s in a serial run of the core targets.
enum PolicySample {
    /// Policies whose warm-up factor gives every stage the same depths as an earlier one's are left
    /// out: they repeat its run (`GreedySearch.distinctDepths`, which
    /// `ListSchedulerTests.factorsWithTheSameDepthsBuildTheSameSchedule` checks).
    static func policies(for problem: Problem, fusing: Bool? = nil, every: Int, index: Int) -> [GreedyPolicy] {
        sample(distinctGrid(for: problem, fusing: fusing), every: every, index: index)
    }

    /// The grid without the policies that repeat an earlier one's run (see above).
    static func distinctGrid(for problem: Problem, fusing: Bool? = nil) -> [GreedyPolicy] {
        GreedySearch.distinctDepths(GreedyPolicy.grid(for: problem, fusing: fusing), problem: problem, setup: ListScheduler.Setup(problem))
    }

    /// The same choice from any list of policies (a part of the grid the test is about).
    static func sample(_ policies: [GreedyPolicy], every: Int, index: Int) -> [GreedyPolicy] {
        policies.indices.filter { ($0 + index) % every == 0 }.map { policies[$0] }
    }
}
