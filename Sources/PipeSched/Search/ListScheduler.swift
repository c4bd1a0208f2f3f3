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
/// microbatches (V and interleaved placements) can never be starved. A backward pass that allocates
/// (a recomputing `B`, or a `W` that allocates after its `B` freed more) runs only when the memory it
/// will take fits beside everything committed; under `GreedyPolicy.BackwardPasses.fusedWhereBAllocates`
/// such stages run a fused `BW`, which only frees. The result never exceeds a cap. Works for any
/// placement, heterogeneous costs, communication latency and sequence slices. Under
/// `GreedyPolicy.memoryActions` a microbatch the cap blocks is recomputed where that lets it in
/// (`GreedyRecomputation`).
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
        return state.run(shouldStop: shouldStop)
    }

    /// What does not depend on the policy: the dependency rule read once, and per device the
    /// start-up window (the round trip from its stages, `StartupBound.window`) and the forward and
    /// input-gradient time of one microbatch, from which a policy's warm-up depth follows.
    struct Setup: Sendable {
        let dependencies: DependencyTemplate
        let roundTrip: [Double]
        let cycle: [Double]

        init(_ problem: Problem) {
            dependencies = DependencyTemplate(problem)
            let chains = MicrobatchChains(problem)
            roundTrip = (0..<problem.devices).map { StartupBound.window(problem, device: $0, chains: chains) }
            cycle = problem.deviceStages.map { stages in
                stages.reduce(0) { $0 + problem.stages[$1].forward + problem.stages[$1].backwardInput }
            }
        }
    }
}

struct State {
    let problem: Problem
    let policy: GreedyPolicy
    let slices: Int
    let units: Int
    let stageCount: Int
    /// Per stage: whether it runs fused `BW` passes instead of `B` and `W`.
    let fused: [Bool]
    let dependencies: DependencyTemplate
    // Per stage and cell (microbatch·slices + slice): end times of F and of the input-gradient pass
    // (B or BW), −1 when not scheduled.
    var forwardEnd: [Double]
    var gradientEnd: [Double]
    // Per stage: next unit in forward order, next unit in backward order, next W (in backward order).
    var nextForward: [Int]
    var nextBackward: [Int]
    var nextWeight: [Int]
    // Per device.
    var time: [Double]
    var level: [Double]
    /// Memory promised but not yet allocated: the forwards of admitted microbatches and the `W`
    /// passes that will allocate.
    var reserved: [Double]
    var inFlight: [Int]
    var blocked: [Bool]
    var remaining: [Int]
    var orders: [[Op]]
    let firstStage: [Int]
    /// Forward memory of one unit (microbatch slice) over all of a device's stages, per device and slice.
    let unitForwardMemory: [Double]
    let limit: [Int]
    /// Which cells are recomputed, and passes added by that choice not yet counted by `run`.
    var recomputation: GreedyRecomputation
    var addedPasses = 0

    init(problem: Problem, policy: GreedyPolicy, setup: ListScheduler.Setup) {
        self.problem = problem
        self.policy = policy
        slices = problem.sequenceSlices
        units = problem.microbatches * slices
        stageCount = problem.stageCount
        fused = (0..<problem.stageCount).map { policy.backward == .fusedWhereBAllocates && problem.backwardAllocates(stage: $0) }
        dependencies = setup.dependencies
        forwardEnd = Array(repeating: -1, count: stageCount * units)
        gradientEnd = Array(repeating: -1, count: stageCount * units)
        nextForward = Array(repeating: 0, count: stageCount)
        nextBackward = Array(repeating: 0, count: stageCount)
        nextWeight = Array(repeating: 0, count: stageCount)
        let devices = problem.devices
        time = Array(repeating: 0, count: devices)
        level = (0..<devices).map { problem.staticMemory(device: $0) }
        reserved = Array(repeating: 0, count: devices)
        inFlight = Array(repeating: 0, count: devices)
        blocked = Array(repeating: false, count: devices)
        let units = units, fused = fused
        remaining = problem.deviceStages.map { $0.reduce(0) { $0 + (fused[$1] ? 2 : 3) * units } }
        orders = problem.deviceStages.map { _ in [] }
        firstStage = problem.deviceStages.map { $0[0] }
        let slices = problem.sequenceSlices
        unitForwardMemory = problem.deviceStages.flatMap { stages in
            (0..<slices).map { slice in stages.reduce(0) { $0 + problem.memoryDelta(.forward, stage: $1, slice: slice) } }
        }
        limit = (0..<devices).map { device in
            let cycle = setup.cycle[device]
            let depth = cycle > 0 ? (policy.warmupFactor * setup.roundTrip[device] / cycle).rounded(.up) : Double(problem.microbatches)
            return max(1, Int(min(depth, Double(problem.microbatches))) ) * problem.sequenceSlices
        }
        recomputation = GreedyRecomputation(problem: problem, mode: policy.memoryActions, units: units)
    }

    /// Cell of the unit at position `v` of the backward order (microbatches ascending, slices descending).
    @inline(__always) func backwardCell(_ v: Int) -> Int { (v / slices) * slices + (slices - 1 - v % slices) }

    @inline(__always) func op(_ kind: OpKind, stage: Int, cell: Int) -> Op {
        Op(kind, stage: stage, microbatch: cell / slices, slice: cell % slices)
    }

    /// The input-gradient pass of a stage: fused `BW` or split `B`.
    @inline(__always) func gradientKind(_ stage: Int) -> OpKind { fused[stage] ? .backward : .backwardInput }

    /// When the pass of `kind` of a cell can start on its stage's device: the end of each dependency
    /// plus the link latency, or `.infinity` while a dependency is not scheduled.
    @inline(__always)
    func ready(_ kind: OpKind, stage: Int, cell: Int) -> Double {
        let microbatch = cell - cell % slices
        var ready = 0.0
        for needed in dependencies.dependencies(kind, stage: stage, slice: cell % slices) {
            let index = needed.stage * units + microbatch + needed.slice
            let end = needed.isInputGradient ? gradientEnd[index] : forwardEnd[index]
            if end < 0 { return .infinity }
            ready = max(ready, end + needed.latency)
        }
        return ready
    }

    enum Admission { case ok, depth, memory }

    func admits(_ stage: Int, device: Int) -> Admission {
        guard stage == firstStage[device] else { return .ok }
        if inFlight[device] >= limit[device] { return .depth }
        let slice = nextForward[stage] % slices
        let need = level[device] + reserved[device] + unitForwardMemory[device * slices + slice]
        return recomputation.stagesToRecompute(problem: problem, device: device, slice: slice, need: need, cap: problem.cap(device: device)) != nil
            ? .ok : .memory
    }

    /// Memory an input-gradient pass takes beyond what is committed: its own delta plus what its `W`
    /// will allocate later (reserved when it runs).
    func backwardNeed(_ stage: Int, cell: Int) -> Double {
        let slice = cell % slices
        let own = problem.memoryDelta(gradientKind(stage), stage: stage, slice: slice)
        return fused[stage] ? own : own + max(0, problem.memoryDelta(.backwardWeight, stage: stage, slice: slice))
    }

    mutating func run(shouldStop: (@Sendable () -> Bool)?) -> Schedule? {
        var left = remaining.reduce(0, +)
        var queue = DeviceQueue(times: time)
        var steps = 0
        while left > 0 {
            steps &+= 1
            if steps & 4095 == 1, shouldStop?() == true { return nil }  // at the start, then every 4096 steps
            guard let device = queue.popEarliest() else { return nil }
            guard remaining[device] > 0 else { continue }
            if let stage = step(device) {
                left -= 1 - addedPasses
                addedPasses = 0
                // A pass of `stage` can only make the neighbouring stages' passes ready.
                for neighbour in stride(from: stage - 1, through: stage + 1, by: 2) where neighbour >= 0 && neighbour < stageCount {
                    let other = problem.stageDevice[neighbour]
                    if blocked[other] {
                        blocked[other] = false
                        queue.push(other, at: time[other])
                    }
                }
            }
            if !blocked[device] && remaining[device] > 0 { queue.push(device, at: time[device]) }
        }
        return Schedule(orders: orders)
    }

    /// Lets `device` run one pass or advance its clock; returns the stage of the pass it ran, if any.
    mutating func step(_ device: Int) -> Int? {
        let now = time[device] + 1e-12
        let cap = problem.cap(device: device)
        var bestBackward: (stage: Int, ready: Double)?
        var bestForward: (stage: Int, ready: Double)?
        var weightStage: Int?
        var urgentRecompute: Int?
        var earlyRecompute: Int?
        var memoryBlocked = false
        var nextKnown = Double.infinity
        for stage in problem.deviceStages[device] {
            if nextBackward[stage] < units {
                let cell = backwardCell(nextBackward[stage])
                let ready = ready(gradientKind(stage), stage: stage, cell: cell)
                if recomputation.isPending(stage: stage, cell: cell) {
                    considerRecompute(stage, cell: cell, device: device, backwardReady: ready, now: now,
                                      urgent: &urgentRecompute, early: &earlyRecompute, memoryBlocked: &memoryBlocked, nextKnown: &nextKnown)
                } else if ready <= now {
                    let need = backwardNeed(stage, cell: cell)
                    if need > 0 && level[device] + reserved[device] + need > cap + 1e-9 {
                        memoryBlocked = true
                    } else if bestBackward == nil || ready < bestBackward!.ready || (ready == bestBackward!.ready && stage > bestBackward!.stage) {
                        bestBackward = (stage, ready)
                    }
                } else {
                    nextKnown = min(nextKnown, ready)
                }
            }
            if nextForward[stage] < units {
                let ready = ready(.forward, stage: stage, cell: nextForward[stage])
                switch admits(stage, device: device) {
                case .ok:
                    if ready <= now {
                        let better = bestForward == nil
                            || (policy.chunkOrder == .depthFirst ? stage > bestForward!.stage : stage < bestForward!.stage)
                        if better { bestForward = (stage, ready) }
                    } else {
                        nextKnown = min(nextKnown, ready)
                    }
                case .memory:
                    if ready <= now { memoryBlocked = true }
                case .depth:
                    break
                }
            }
            if weightStage == nil && !fused[stage] && nextWeight[stage] < nextBackward[stage] { weightStage = stage }
        }
        if let b = bestBackward, policy.preferBackward || bestForward == nil {
            run(gradientKind(b.stage), stage: b.stage, device: device)
            return b.stage
        }
        if let r = urgentRecompute, policy.preferBackward || bestForward == nil {
            run(.recompute, stage: r, device: device)
            return r
        }
        if let w = weightStage, policy.weightFill == .eager {
            run(.backwardWeight, stage: w, device: device)
            return w
        }
        if let f = bestForward {
            run(.forward, stage: f.stage, device: device)
            return f.stage
        }
        if let r = earlyRecompute {
            run(.recompute, stage: r, device: device)
            return r
        }
        if let w = weightStage {
            let slice = backwardCell(nextWeight[w]) % slices
            let fits = nextKnown == .infinity || time[device] + problem.duration(.backwardWeight, stage: w, slice: slice) <= nextKnown + 1e-9
            if memoryBlocked || policy.weightFill != .fitIdle || fits {
                run(.backwardWeight, stage: w, device: device)
                return w
            }
        }
        if nextKnown < .infinity {
            time[device] = nextKnown
        } else {
            blocked[device] = true
        }
        return nil
    }

    mutating func run(_ kind: OpKind, stage: Int, device: Int) {
        let cell: Int
        switch kind {
        case .forward:
            cell = nextForward[stage]
            nextForward[stage] += 1
            if stage == firstStage[device] {
                inFlight[device] += 1
                reserved[device] += unitForwardMemory[device * slices + cell % slices]
                admitRecomputed(cell: cell, device: device)
            }
            reserved[device] -= problem.memoryDelta(op(.forward, stage: stage, cell: cell), recomputed: recomputation.isMarked(stage: stage, cell: cell))
        case .backwardInput, .backward:
            cell = backwardCell(nextBackward[stage])
            nextBackward[stage] += 1
            if stage == firstStage[device] { inFlight[device] -= 1 }
            if kind == .backwardInput { reserved[device] += max(0, problem.memoryDelta(.backwardWeight, stage: stage, slice: cell % slices)) }
        case .backwardWeight:
            cell = backwardCell(nextWeight[stage])
            nextWeight[stage] += 1
            reserved[device] -= max(0, problem.memoryDelta(.backwardWeight, stage: stage, slice: cell % slices))
        case .recompute:
            cell = backwardCell(nextBackward[stage])
            recomputation.markDone(stage: stage, cell: cell, device: device)
        }
        let pass = op(kind, stage: stage, cell: cell)
        let start = max(time[device], ready(kind, stage: stage, cell: cell))
        let end = start + problem.duration(pass)
        time[device] = end
        level[device] += problem.memoryDelta(pass, recomputed: recomputation.isMarked(stage: stage, cell: cell))
        remaining[device] -= 1
        switch kind {
        case .forward: forwardEnd[stage * units + cell] = end
        case .backwardInput, .backward: gradientEnd[stage * units + cell] = end
        case .backwardWeight, .recompute: break
        }
        orders[device].append(pass)
    }
}

/// Devices by clock time, earliest first (a binary min-heap; ties go to the lower device index, so
/// the result does not depend on insertion order). A device may be pushed again with a new time;
/// stale entries are skipped.
private struct DeviceQueue {
    private var heap: [(time: Double, device: Int)] = []
    private var current: [Double]

    init(times: [Double]) {
        current = times
        for (device, time) in times.enumerated() { push(device, at: time) }
    }

    mutating func push(_ device: Int, at time: Double) {
        current[device] = time
        heap.append((time, device))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popEarliest() -> Int? {
        while let top = heap.first {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var smallest = parent
                    if left < heap.count && less(heap[left], heap[smallest]) { smallest = left }
                    if right < heap.count && less(heap[right], heap[smallest]) { smallest = right }
                    if smallest == parent { break }
                    heap.swapAt(parent, smallest)
                    parent = smallest
                }
            }
            if current[top.device] == top.time {
                current[top.device] = .nan  // consumed until pushed again
                return top.device
            }
        }
        return nil
    }

    private func less(_ a: (time: Double, device: Int), _ b: (time: Double, device: Int)) -> Bool {
        a.time < b.time || (a.time == b.time && a.device < b.device)
    }
}
