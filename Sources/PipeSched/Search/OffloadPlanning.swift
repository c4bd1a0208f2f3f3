/// `offload`: chooses which stages offload their activations to host memory, schedules the compute
/// passes as if the offloaded memory were on the host for free, then places each copy on its
/// device's copy streams (`Offloading.swift`), as PipeOffload (Wan et al., ICML 2025) does by hand.
///
/// 1. **Plan.** For a set of stages `S`, the *planned problem* has no actions on `S`: an offloaded
///    forward keeps `memory.forward − offload.memory` and its input-gradient pass allocates the rest
///    back. The greedy list scheduler runs it over its policy grid keeping free, beside what it
///    commits, what one forward allocates before its `O` can move it (while forwards are pending)
///    and what a backward's `L` brings back before it (`ListScheduler.Setup.forwardTransient`,
///    `reloadMemory`); other stages may still be recomputed. The best few runs by the planned
///    problem's score go on.
/// 2. **Place.** Each `O` first sits right after its forward and each `L` right before its
///    backward: the memory the scheduler kept free covers both. Then each `O` moves later, to the first compute pass that starts
///    after the copy would end (so compute need not wait for it), and each `L` earlier, right after
///    the last compute pass that starts early enough for the reload to end before its backward,
///    each only as far as the cap allows (checked at every compute pass, counting the moved memory
///    conservatively).
/// 3. **Choose.** `S` ranges over the offloadable stages of the first k capped devices (k one, a
///    quarter, half, three quarters and all of them: the first devices hold the most microbatches
///    in flight); every placed schedule is simulated on the real problem and the best by
///    `ScheduleScore` is kept.
///
/// A placed schedule is simulated and validated like any other: the estimates of step 2 only decide
/// where the copies go, never whether the result is valid.
public struct OffloadPlanning: Sendable {
    public let problem: Problem
    public let objective: Objective

    public init(problem: Problem, objective: Objective) {
        self.problem = problem
        self.objective = objective
    }

    /// Whether the problem offers offloading on a capped device: otherwise there is nothing to plan.
    public var applies: Bool {
        problem.offersOffloading && (0..<problem.stageCount).contains { stage in
            problem.cap(device: problem.stageDevice[stage]).isFinite
                && (0..<problem.sequenceSlices).contains { problem.offloadedMemory(stage: stage, slice: $0) > 0 }
        }
    }

    /// The best placed schedule over the stage sets tried, `nil` when none fits.
    public func schedule(shouldStop: (@Sendable () -> Bool)? = nil) -> Schedule? {
        guard applies else { return nil }
        var best: (schedule: Schedule, score: ScheduleScore)?
        for stages in stageSets() {
            if shouldStop?() == true, best != nil { break }
            guard let placed = plan(offloading: stages, shouldStop: shouldStop),
                  let score = ScheduleScore(problem, placed, objective: objective) else { continue }
            if best == nil || score.isBetter(than: best!.score) { best = (placed, score) }
        }
        return best?.schedule
    }

    /// The stage sets to try: offloadable stages on capped devices, by device prefix.
    func stageSets() -> [Set<Int>] {
        let capped = (0..<problem.devices).filter { problem.cap(device: $0).isFinite }
        func offloadable(_ devices: some Sequence<Int>) -> Set<Int> {
            Set(devices.flatMap { problem.deviceStages[$0] }.filter { stage in
                (0..<problem.sequenceSlices).contains { problem.offloadedMemory(stage: stage, slice: $0) > 0 }
            })
        }
        var sets: [Set<Int>] = []
        let count = capped.count
        for k in Set([count, (3 * count + 3) / 4, (count + 1) / 2, (count + 3) / 4, 1]).sorted(by: >) where k > 0 {
            sets.append(offloadable(capped.prefix(k)))
        }
        var seen = Set<Set<Int>>()
        return sets.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// How many of the planned problem's best greedy runs get their copies placed.
    static let placedRuns = 4

    /// The planned problem for offloading `stages` (see the type), `nil` when its caps leave no room.
    func plannedProblem(offloading stages: Set<Int>) -> Problem? {
        let planned = problem.stages.enumerated().map { index, stage in
            guard stages.contains(index) else {
                return StageProfile(slices: stage.slices.map { var costs = $0; costs.offload = nil; return costs }, staticMemory: stage.staticMemory)
            }
            return StageProfile(slices: stage.slices.map { costs in
                guard let offload = costs.offload else { return costs }
                return costs.keepingOnly(costs.memory.forward - offload.memory)
            }, staticMemory: stage.staticMemory)
        }
        return try? problem.with(limits: .unlimited) { $0.stages = planned }
    }

    /// Schedules the planned problem for `stages` and places the copies of its best runs; the best
    /// placed schedule on the real problem, `nil` when none fits.
    func plan(offloading stages: Set<Int>, shouldStop: (@Sendable () -> Bool)?) -> Schedule? {
        guard let planned = plannedProblem(offloading: stages) else { return nil }
        var setup = ListScheduler.Setup(planned)
        let slices = problem.sequenceSlices
        var transient = [Double](repeating: 0, count: problem.devices)
        var reload = [Double](repeating: 0, count: problem.stageCount * slices)
        for stage in stages {
            for slice in 0..<slices {
                let moved = problem.offloadedMemory(stage: stage, slice: slice)
                // The transient is kept for any microbatch; the reload scales with the backward's own.
                transient[problem.stageDevice[stage]] = max(transient[problem.stageDevice[stage]], moved * problem.scaleSummary.mostMemory)
                reload[stage * slices + slice] = moved
            }
        }
        setup.forwardTransient = Scratch(transient)
        setup.reloadMemory = Scratch(reload)
        // The best few runs by the planned problem's score, best first; only their orders are built.
        var runs: [(key: ScheduleScore.Key, schedule: Schedule)] = []
        for policy in GreedyPolicy.grid(for: planned) {
            if shouldStop?() == true { break }
            let run = ListScheduler(problem: planned, policy: policy, setup: setup, shouldStop: shouldStop).scoredRun(objective: objective)
            guard let key = run.key else { continue }
            let rank = runs.firstIndex { key.isBetter(than: $0.key) } ?? runs.count
            guard rank < Self.placedRuns else { continue }
            runs.insert((key, run.state.schedule()), at: rank)
            if runs.count > Self.placedRuns { runs.removeLast() }
        }
        var best: (schedule: Schedule, score: ScheduleScore)?
        for run in runs {
            guard let simulation = try? Simulator.simulate(planned, run.schedule) else { continue }
            let placed = Schedule(orders: (0..<problem.devices).map { device in
                place(device: device, offloading: stages, timeline: simulation.timeline[device], levels: simulation.memoryAfterOp[device])
            })
            guard let score = ScheduleScore(problem, placed, objective: objective) else { continue }
            if best == nil || score.isBetter(than: best!.score) { best = (placed, score) }
        }
        return best?.schedule
    }

    /// One device's order with the copies of its offloaded cells placed (see the type, step 2).
    func place(device: Int, offloading stages: Set<Int>, timeline: [TimedOp], levels: [Double]) -> [Op] {
        let n = timeline.count
        let ceiling = problem.memoryCeiling(device: device)
        struct Copy { var cell: Op; var moved: Double; var time: Double; var forward: Int; var backward: Int; var offloadAt: Int; var reloadAt: Int }
        var copies: [Copy] = []
        var backwardAt: [Cell: Int] = [:]
        for (k, timed) in timeline.enumerated() where timed.op.kind.producesInputGradient { backwardAt[Cell(timed.op)] = k }
        for (k, timed) in timeline.enumerated() where timed.op.kind == .forward && stages.contains(timed.op.stage) {
            guard let cost = problem.offloadCost(stage: timed.op.stage, slice: timed.op.slice), cost.memory > 0,
                  let backward = backwardAt[Cell(timed.op)] else { continue }
            // `offloadAt`: the O goes before the compute pass at that index; `reloadAt`: the L goes
            // before the compute pass at that index (both in `timeline`).
            copies.append(Copy(cell: timed.op, moved: cost.memory, time: cost.time, forward: k, backward: backward,
                               offloadAt: k + 1, reloadAt: backward))
        }
        guard !copies.isEmpty else { return timeline.map(\.op) }
        // The real memory after each compute pass, counting an offloaded cell's memory from its F to
        // the pass before its O, and from the pass before its L (conservatively) to the pass before
        // its backward.
        var extra = [Double](repeating: 0, count: n)
        for copy in copies {
            extra[copy.forward] += copy.moved
            extra[copy.reloadAt - 1] += copy.moved
        }
        func fits(_ k: Int, adding moved: Double) -> Bool { levels[k] + extra[k] + moved <= ceiling }
        // O: later, until the first compute pass that starts after the copy would end.
        var streamFree = -Double.infinity
        for index in copies.indices {
            let copy = copies[index]
            let end = max(timeline[copy.forward].end, streamFree) + copy.time
            streamFree = end
            while copies[index].offloadAt < copy.reloadAt - 1, timeline[copies[index].offloadAt].start < end - 1e-12,
                  fits(copies[index].offloadAt, adding: copy.moved) {
                extra[copies[index].offloadAt] += copy.moved
                copies[index].offloadAt += 1
            }
        }
        // L: earlier, until the compute pass before it starts early enough to end before the backward.
        for index in copies.indices.sorted(by: { copies[$0].backward < copies[$1].backward }) {
            let copy = copies[index]
            let latestStart = timeline[copy.backward].start - copy.time
            while copies[index].reloadAt - 1 > copies[index].offloadAt, timeline[copies[index].reloadAt - 1].start > latestStart + 1e-12,
                  fits(copies[index].reloadAt - 2, adding: copy.moved) {
                copies[index].reloadAt -= 1
                extra[copies[index].reloadAt - 1] += copy.moved
            }
        }
        // The order: before compute pass k, its offloads (freeing first), then its reloads.
        var offloadsBefore = [[Op]](repeating: [], count: n + 1)
        var reloadsBefore = [[Op]](repeating: [], count: n + 1)
        for copy in copies {
            offloadsBefore[copy.offloadAt].append(Op(.offload, stage: copy.cell.stage, microbatch: copy.cell.microbatch, slice: copy.cell.slice))
            reloadsBefore[copy.reloadAt].append(Op(.reload, stage: copy.cell.stage, microbatch: copy.cell.microbatch, slice: copy.cell.slice))
        }
        var order: [Op] = []
        order.reserveCapacity(n + 2 * copies.count)
        for k in 0...n {
            order += offloadsBefore[k]
            order += reloadsBefore[k]
            if k < n { order.append(timeline[k].op) }
        }
        return order
    }
}

/// `offload`: `OffloadPlanning` as a method; `auto` runs it where the problem offers offloading on a
/// capped device.
struct OffloadMethod: SchedulingMethod {
    let name = "offload"
    let takesMicrobatchesInNumberOrder = true
    let summary = "Offloading planned per stage (PipeOffload, Wan et al., ICML 2025): greedy on the problem with offloaded activations on the host, then O/L copies placed on each device's copy streams; needs stages[].offload and a cap"

    func checkFits(_ problem: Problem) throws(FamilyError) {
        guard OffloadPlanning(problem: problem, objective: .stageSpan).applies else {
            throw FamilyError(method: name, message: "needs a capped device whose stages offer offloading (stages[].offload; profile --memory-actions offload)")
        }
    }

    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        do { try checkFits(problem) } catch { throw .doesNotFit(error) }
        guard let schedule = OffloadPlanning(problem: problem, objective: options.objective).schedule(shouldStop: options.shouldStop) else {
            throw .noScheduleFitsCap(method: name, smallestCap: nil)
        }
        return schedule
    }
}
