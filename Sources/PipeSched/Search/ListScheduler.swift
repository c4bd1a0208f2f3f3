/// The greedy list scheduler: builds per-device orders pass by pass on a simulated clock.
///
/// The device with the earliest clock decides next. It runs, in priority order, a ready B (the
/// critical path), a pending W when the policy is eager, a ready F that its warm-up depth and memory
/// admit, a W to free memory for a blocked pass, a W that fills idle time (by the policy's fill
/// rule), or waits for the next known-ready pass. Within each (stage, kind) microbatches run in
/// order, which loses nothing (`../shared/research/bounds.md`). When a pass may start comes from the
/// one dependency rule (`Problem.forEachDependency`).
///
/// Memory is committed per microbatch: a device admits a microbatch at its first stage only if the
/// forwards of all its stages on the device fit under the cap, so later chunks of admitted
/// microbatches (V and interleaved placements) can never be starved. With several pipelines
/// (`Pipelines.swift`) each pipeline's stages on a device form their own stream, admitted at the
/// stream's first stage with its own warm-up depth (`Setup.admitter`); in a graph of stages
/// (`StageGraph.swift`), so does each stage a microbatch can reach before the device's earlier
/// ones. A backward pass that allocates (a recomputing `B`, a `B` that adds what its `W` reads as
/// under PyTorch's runtime, or a `W` that allocates after its `B` freed more) runs only when the
/// memory it will take fits beside everything committed; under
/// `GreedyPolicy.BackwardPasses.splitKeepingRoom` forwards leave room for one such pass on their
/// device (`Setup.backwardReserve`), so a device never fills with microbatches none of whose
/// backwards can run, and under `fusedWhereBAllocates` such stages run a fused `BW`, which only
/// frees. The result never exceeds a cap. Works for any
/// placement, heterogeneous costs, communication latency and sequence slices. Under
/// `GreedyPolicy.memoryActions` a microbatch the cap blocks is recomputed where that lets it in
/// (`GreedyRecomputation`). Under `GreedyPolicy.Pairing` a backward and a forward of another stage
/// that are both ready run as one overlapped F&B pass (and, waiting for a partner, a device may wait
/// for the other one when that costs less than the pair saves).
public struct ListScheduler: Sendable {
    public let problem: Problem
    public let policy: GreedyPolicy
    /// Polled every few thousand passes; once it returns `true` the scheduler gives up (`nil`).
    public var shouldStop: (@Sendable () -> Bool)?
    let setup: Setup

    public init(problem: Problem, policy: GreedyPolicy, shouldStop: (@Sendable () -> Bool)? = nil) {
        self.init(problem: problem, policy: policy, setup: Setup(problem), shouldStop: shouldStop)
    }

    /// A scheduler that reuses `setup` (built once for `problem`, shared by every policy of a grid).
    init(problem: Problem, policy: GreedyPolicy, setup: Setup, shouldStop: (@Sendable () -> Bool)? = nil) {
        self.problem = problem
        self.policy = policy
        self.setup = setup
        self.shouldStop = shouldStop
    }

    /// Per-device orders, or `nil` when this policy gets stuck (for example a cap too tight for it)
    /// or `shouldStop` ended it.
    public func schedule() -> Schedule? {
        var state = State(problem: problem, policy: policy, setup: setup)
        guard state.run(shouldStop: shouldStop) else { return nil }
        return state.schedule()
    }

    /// The score keys of this policy's schedule (`ScheduleScore.Key`, from the scheduler's own
    /// times, without building the schedule) and the finished run, from which `State.schedule()`
    /// builds the orders.
    /// `key` is `nil` when the policy gets stuck or is stopped, or when it is sure to lose to a
    /// schedule of score keys `cutoff` (`State.cutOff`: the run stops as soon as its own times and
    /// memory prove it, `State.setCutoff`).
    /// Where `resuming` gives a state branched off a twin's run (`State.branch`,
    /// `State.init(copying:as:)`), the run goes on from it. `branch` is handed the state at each
    /// rule's first decision, where the run keeps the floors its cutoff judges by (under a cutoff)
    /// and does not recompute.
    /// Under a cutoff, `bestSoFar` (polled at the start, then every 256 steps) may tighten it as the
    /// run goes (`State.tightenCutoff`).
    func scoredRun(objective: Objective, cutoff: ScheduleScore.Key? = nil, resuming: State? = nil,
                   branch: ((State.RulesMet, State) -> Void)? = nil,
                   bestSoFar: (() -> ScheduleScore.Key?)? = nil) -> (key: ScheduleScore.Key?, state: State) {
        var state = resuming ?? State(problem: problem, policy: policy, setup: setup)
        var tightening: (() -> ScheduleScore.Key?)?
        // Without busy links the scheduler's times are the simulator's until its clock runs ahead
        // (`State.ranAhead`); with them only the simulator scores a run, so no cutoff applies. Nor
        // does it under overlapped pairs, which last less than their passes' remaining work.
        if let cutoff, !problem.communication.linksContend && policy.pairing == .none {
            state.setCutoff(cutoff, objective: objective)
            if policy.memoryActions == .none { state.branch = branch }
            tightening = bestSoFar
        }
        guard state.run(shouldStop: shouldStop, bestSoFar: tightening) else { return (nil, state) }
        // The scheduler's clock knows each message's delay on a free link, not the waits of busy
        // ones: where links are busy, the simulator scores the run.
        guard !problem.communication.linksContend else { return (ScheduleScore(problem, state.schedule(), objective: objective)?.key, state) }
        return (state.key(objective: objective), state)
    }

    /// What does not depend on the policy: the dependency rule and the pass table read once, the
    /// devices' stages flattened, and per device the round trip of its first stage (the stage whose
    /// microbatches in flight the warm-up depth counts, `StartupBound.window(_:stage:chains:)`) and
    /// the forward and input-gradient time of one microbatch, from which a policy's warm-up depth
    /// follows.
    struct Setup: Sendable {
        let dependencies: DependencyTemplate
        /// Per template row (`DependencyTemplate.row(of:)`), stage and cell: how many dependencies
        /// the pass has, the count each run starts its `State.missing` from.
        let dependencyCounts: Scratch<Int32>
        let passes: PassTable
        /// The stages of device `d` are `deviceStageList[deviceStageStart[d] ..< deviceStageStart[d + 1]]`.
        let deviceStageList: Scratch<Int>
        let deviceStageStart: Scratch<Int>
        /// Per stage: the stage that admits its microbatches, the first stage of its pipeline on its
        /// device (with one pipeline, the device's first stage). Admission state (microbatches in
        /// flight, warm-up depth, memory promised at admission) is kept per admitting stage.
        let admitter: Scratch<Int>
        /// The admitting stages of device `d` are `deviceAdmitterList[deviceAdmitterStart[d] ..< deviceAdmitterStart[d + 1]]`.
        let deviceAdmitterList: Scratch<Int>
        let deviceAdmitterStart: Scratch<Int>
        /// Per admitting stage: the last stage of its stream on the device (the stage of the unit's last forward there).
        let streamLast: Scratch<Int>
        /// Per stage, the stages of its stream on its device, in model order.
        let streams: [[Int]]
        /// Whether some device holds several streams (several pipelines); with one per device the
        /// admitting stage of device `d` is `deviceAdmitterList[d]`.
        let severalStreams: Bool
        /// Whether the stages form the default chain (`StageGraph.isChain`): a pass wakes only the
        /// neighbouring stages' devices.
        let isChain: Bool
        /// Per stage, its rank in the chunk orders' "latest stage first": its depth in its pipeline
        /// (`Problem.position(inPipeline:)`), ties by index (with one pipeline, the index).
        let depthRank: Scratch<Int>
        let caps: Scratch<Double>
        let staticMemory: [Double]
        /// Per stage, the round trip of its microbatches (read at admitting stages).
        let roundTrip: [Double]
        let cycle: [Double]
        /// Per device, the most any split input-gradient pass on it takes beyond what is committed
        /// (`PassTable.splitBackwardNeed`, at the largest memory scale; 0 where all of them only
        /// free): the room forwards leave under `GreedyPolicy.BackwardPasses.splitKeepingRoom`.
        let backwardReserve: Scratch<Double>
        /// Memory an offloading plan (`OffloadPlanning`) keeps free beside what is committed, per
        /// device, while forwards are pending: what one forward allocates before its `O` moves it.
        /// Zero in ordinary runs.
        var forwardTransient: Scratch<Double>
        /// Per (stage, slice): the memory a backward needs free for its `L` to run before it, in an
        /// offloading plan, for a microbatch of scale 1 (the scheduler scales it). Zero in ordinary runs.
        var reloadMemory: Scratch<Double>

        /// In a graph of stages, each stage's admitter: the first stage of its device it descends
        /// from (itself at least).
        static func graphAdmitters(_ problem: Problem) -> [Int] {
            var ancestors = (0..<problem.stageCount).map { Set([$0]) }
            for stage in 0..<problem.stageCount { for input in problem.graph.inputs[stage] { ancestors[stage].formUnion(ancestors[input]) } }
            return (0..<problem.stageCount).map { stage in problem.deviceStages[problem.stageDevice[stage]].first { ancestors[stage].contains($0) }! }
        }

        init(_ problem: Problem) {
            dependencies = DependencyTemplate(problem)
            let slices = problem.sequenceSlices, units = problem.microbatches * slices
            dependencyCounts = Scratch(repeating: 0, count: 4 * problem.stageCount * units)
            for kind in [OpKind.forward, .backwardInput, .backwardWeight, .recompute] {
                let row = DependencyTemplate.row(of: kind)
                for stage in 0..<problem.stageCount {
                    for slice in 0..<slices {
                        let count = Int32(dependencies.count(kind, stage: stage, slice: slice))
                        for cell in stride(from: slice, to: units, by: slices) { dependencyCounts[(row * problem.stageCount + stage) * units + cell] = count }
                    }
                }
            }
            passes = PassTable(problem)
            deviceStageList = Scratch(problem.deviceStages.flatMap { $0 })
            deviceStageStart = Scratch(problem.deviceStages.reduce(into: [0]) { $0.append($0.last! + $1.count) })
            // A stream's stages run each microbatch's forwards after its admitter's: in a graph of
            // stages (`StageGraph`), a stage joins the first stage of its device it descends from.
            let admitter = problem.graph.isChain
                ? (0..<problem.stageCount).map { stage in
                    problem.deviceStages[problem.stageDevice[stage]].first { problem.pipeline(of: $0) == problem.pipeline(of: stage) }!
                }
                : Self.graphAdmitters(problem)
            self.admitter = Scratch(admitter)
            let deviceAdmitters = problem.deviceStages.map { stages in stages.filter { admitter[$0] == $0 } }
            deviceAdmitterList = Scratch(deviceAdmitters.flatMap { $0 })
            deviceAdmitterStart = Scratch(deviceAdmitters.reduce(into: [0]) { $0.append($0.last! + $1.count) })
            severalStreams = deviceAdmitters.contains { $0.count > 1 }
            isChain = problem.graph.isChain
            depthRank = Scratch((0..<problem.stageCount).map { problem.position(inPipeline: $0) * problem.stageCount + $0 })
            let streams = (0..<problem.stageCount).map { stage in
                problem.deviceStages[problem.stageDevice[stage]].filter { admitter[$0] == admitter[stage] }
            }
            self.streams = streams
            streamLast = Scratch(streams.map { $0.last! })
            caps = Scratch((0..<problem.devices).map { problem.cap(device: $0) })
            staticMemory = (0..<problem.devices).map { problem.staticMemory(device: $0) }
            let passes = passes
            let heaviest = (0..<problem.microbatches).max { passes.memoryScale(microbatch: $0) < passes.memoryScale(microbatch: $1) } ?? 0
            backwardReserve = Scratch(problem.deviceStages.map { stages in
                stages.flatMap { stage in (0..<slices).map { passes.splitBackwardNeed(stage * slices + $0, microbatch: heaviest) } }.reduce(0, max)
            })
            let chains = MicrobatchChains(problem)
            roundTrip = (0..<problem.stageCount).map { admitter[$0] == $0 ? StartupBound.window(problem, stage: $0, chains: chains) : 0 }
            cycle = problem.deviceStages.map { stages in
                stages.reduce(0) { $0 + problem.stages[$1].forward + problem.stages[$1].backwardInput }
            }
            forwardTransient = Scratch(Array(repeating: 0, count: problem.devices))
            reloadMemory = Scratch(Array(repeating: 0, count: problem.stageCount * problem.sequenceSlices))
        }

        /// Per stage, the warm-up depth of `GreedyPolicy.warmupFactor` `factor`: the units (microbatch
        /// slices) its admitting stages may hold in flight, `ceil(factor × round trip / cycle)`
        /// microbatches, at least one and at most all. The factor acts through these alone, so two
        /// factors with the same depths build the same schedules (`GreedySearch.distinctDepths`).
        func depthLimits(warmupFactor factor: Double, _ problem: Problem) -> [Int] {
            (0..<problem.stageCount).map { stage in
                let cycle = cycle[problem.stageDevice[stage]]
                let depth = cycle > 0 ? (factor * roundTrip[stage] / cycle).rounded(.up) : Double(problem.microbatches)
                return max(1, Int(min(depth, Double(problem.microbatches)))) * problem.sequenceSlices
            }
        }
    }
}

