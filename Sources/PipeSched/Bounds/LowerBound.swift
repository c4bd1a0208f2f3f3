/// Lower bounds on the objective that every schedule of a problem must meet, each a small type of
/// this folder, all measured on the same chains (`MicrobatchChains`, read from the one dependency
/// rule). `value` is the best of them; `parts` lists them, for reports and benchmarks.
///
/// - `StartupBound`: device work plus the start-up window a memory cap cannot cover with forwards;
/// - `MemoryBound`: memory held over round trips (Little's law) under a cap;
/// - `BottleneckBound`: the flow-shop / one-machine bound with heads and tails: every device waits
///   for the busiest device's passes between its own forwards and backwards;
/// - `InFlightBound`: every microbatch's chains tied together by how many microbatches a capped
///   stage may hold at once (`MemoryPrecedence`);
/// - `WeightDeferralBound`: the cool-down a capped device cannot fill with the `W` passes it may
///   hold back;
/// - `LastForwardBound`: a capped device's last forward waits for room that only backward passes
///   after a round trip make, and its own round trip follows;
/// - `SecondChunkBound` (makespan): a device's second stage waits for one microbatch to go round the
///   devices that also feed its first stage, and each forward of its first stage it runs meanwhile
///   delays that microbatch by at least as long.
///
/// Every part holds for every valid schedule, fused `BW` passes, recomputation and overlapped F&B pairs included; the exhaustive search on
/// tiny problems (`ExhaustiveSearch`) is the referee in the tests, and on larger interleaved and V
/// problems schedules whose devices start with a later microbatch (`LateStartBoundTests`), which
/// under stageSpan can beat every order in microbatch order.
public enum LowerBound {
    /// Each bound's value for one objective.
    public struct Parts: Sendable, Equatable {
        public var startup: Double
        public var memory: Double
        public var bottleneck: Double
        public var inFlight: Double
        public var weightDeferral: Double
        public var lastForward: Double
        public var secondChunk: Double

        /// Every part by name, for reports and for tests that hold each part to the optimum.
        public var named: [(name: String, value: Double)] {
            [("startup", startup), ("memory", memory), ("bottleneck", bottleneck), ("in-flight", inFlight),
             ("weight deferral", weightDeferral), ("last forward", lastForward), ("second chunk", secondChunk)]
        }

        /// The best of the parts.
        public var value: Double { named.map(\.value).max()! }
    }

    /// How many whole units fit in `ratio` (room over what one unit holds), counting one that falls
    /// short by rounding alone (relative 1e-9): the capped bounds' counts must never be too low.
    static func wholeCount(_ ratio: Double) -> Int {
        Int(min(Double(Int.max / 2), max(0, ratio * (1 + 1e-9)).rounded(.down)))
    }

    /// Whether a schedule of `value` meets `bound` (and is then proven optimal): at most the bound
    /// plus a relative 1e-9, the floating-point noise of sums of durations. Every search that stops
    /// at the bound, and every claim of optimality from it, asks here.
    public static func isMet(by value: Double, bound: Double) -> Bool {
        value <= bound * (1 + 1e-9)
    }

    /// The best lower bound on `objective`.
    public static func value(_ problem: Problem, objective: Objective) -> Double {
        parts(problem, objective: objective).value
    }

    /// Every bound on `objective`, measured on one set of chains. With memory actions the bounds are
    /// those of `Problem.memoryRelaxation`, which no schedule with recomputation beats; with time an
    /// overlapped F&B pass can hide, those of `Problem.overlapRelaxation`, which no schedule with
    /// overlapped pairs beats.
    public static func parts(_ problem: Problem, objective: Objective) -> Parts {
        let problem = problem.overlapRelaxation.memoryRelaxation
        let chains = MicrobatchChains(problem)
        return Parts(startup: StartupBound.value(problem, objective: objective, chains: chains),
                     memory: MemoryBound.value(problem, chains: chains),
                     bottleneck: BottleneckBound.value(problem, objective: objective, chains: chains),
                     inFlight: InFlightBound.value(problem, objective: objective, chains: chains),
                     weightDeferral: WeightDeferralBound.value(problem, objective: objective, chains: chains),
                     lastForward: LastForwardBound.value(problem, objective: objective, chains: chains),
                     secondChunk: SecondChunkBound.value(problem, objective: objective, chains: chains))
    }
}
