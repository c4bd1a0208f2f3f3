/// One run of the list scheduler under one policy (`ListScheduler` describes the rules).
///
/// Everything the hot loop reads is a flat buffer built before the run (`ListScheduler.Setup`,
/// shared by every policy of a grid, and the per-run buffers below, `Scratch`); the loop allocates
/// nothing (`log` holds a slot for every pass from the start). Readiness is pushed: a finished pass
/// updates the passes waiting for it (`readyAt`, `missing`), and only the next pass of each (stage,
/// kind) can run, so a device looks at a few candidates per step; a pass can only make passes of its
/// neighbouring stages ready, so only their devices wake up.
struct State {
    /// A pass as the scheduler ran it.
    struct Emitted {
        var kind: OpKind
        /// Whether it is the forward of an overlapped F&B pair with the next pass logged.
        var pairedWithNext = false
        var stage: Int32
        var cell: Int32
    }

    let problem: Problem
    let policy: GreedyPolicy
    let setup: ListScheduler.Setup
    let slices: Int
    let units: Int
    let stageCount: Int
    /// Per stage: whether it runs fused `BW` passes instead of `B` and `W`.
    let fused: Scratch<Bool>
    /// Per template row (`DependencyTemplate.row(of:)`), stage and cell (microbatch·slices + slice):
    /// when the pass may start as far as its scheduled dependencies go, and how many of its
    /// dependencies are not scheduled yet. A pass that ends pushes its end (plus link latency) to
    /// the passes waiting for it, so readiness is one read.
    let readyAt: Scratch<Double>
    let missing: Scratch<Int32>
    // Per stage: next unit in forward order, next unit in backward order, next W (in backward order).
    let nextForward: Scratch<Int>
    let nextBackward: Scratch<Int>
    let nextWeight: Scratch<Int>
    // Per device.
    let time: Scratch<Double>
    let level: Scratch<Double>
    /// Memory promised but not yet allocated: the forwards of admitted microbatches and the `W`
    /// passes that will allocate.
    let reserved: Scratch<Double>
    /// Per admitting stage (`ListScheduler.Setup.admitter`): units admitted whose input-gradient pass there has not run.
    let inFlight: Scratch<Int>
    let blocked: Scratch<Bool>
    let remaining: Scratch<Int>
    /// Every pass in the order the scheduler ran it: a topological order of the schedule (a pass
    /// runs only after its dependencies), from which the orders and the re-timing are read;
    /// `logged` of them so far.
    let log: Scratch<Emitted>
    var logged = 0
    /// The rules that decided some step of this run, or would have under another policy of the grid:
    /// a policy that differs from this one only by rules the run never met builds the same schedule
    /// (`GreedySearch.twins(of:met:copies:)`).
    var rulesMet: RulesMet = []
    /// Called with the state just before the step at which a rule first decided (its first note),
    /// where the search branches a twin off the run (`GreedySearch`: a policy that differs from this
    /// one in that rule alone makes the same decisions up to that step). `nil`: no branches.
    var branch: ((RulesMet, State) -> Void)?
    /// Where the run branches twins off: each rule's first note, with the run's floor and peak at
    /// that moment (`valueFloor`, `peak`), from which a twin that gives up as soon as it resumes
    /// tells the rules its own run would have met before giving up (`setCutoff`).
    var firstNotes: [(rule: RulesMet, floor: Double, peak: Double)] = []
    /// The floor and peak when, before the warm-up depth first decided a step, it first held back a
    /// forward that the cap refuses and that is not ready: a larger depth decides that step alike but
    /// notes the cap's refusal (`RulesMet.capRefusal`), so a twin at a larger factor branched off
    /// this run notes it too, then.
    var refusedBeyondDepth: (floor: Double, peak: Double)?
    /// Per device: the end of its last pass; and whether some pass started later than its device
    /// and its dependencies allowed (the device's clock had run ahead while waiting), after which
    /// the scheduler's times are not the simulator's and `key(objective:)` re-times the run.
    let lastEnd: Scratch<Double>
    let firstStart: Scratch<Double>
    var ranAhead = false
    /// Per device, the time of its passes not run yet: `Problem.work(device:)` at the start (a fused
    /// `BW` lasts its `B` and `W`), less each pass as it runs (recomputation not counted).
    let remainingWork: Scratch<Double>
    /// The run gives up (`cutOff`) once its value is sure to exceed `cutoff`, or once its value is
    /// sure not to beat `tieValue` while its peak already exceeds `tiePeak` (`setCutoff`).
    private var cutoff = Double.infinity
    private var tieValue = Double.infinity
    private var tiePeak = Double.infinity
    private var cutoffMakespan = false
    /// The keys the cutoff was set to (`setCutoff`, `tightenCutoff`), `nil` without a cutoff.
    private var cutoffKey: ScheduleScore.Key?
    /// The largest lower bound on the run's value so far (`record`).
    private var valueFloor = -Double.infinity
    /// The earliest start of any pass so far (the makespan's origin can only move earlier than this).
    private var earliestStart = Double.infinity
    /// Under a cutoff, once the clock ran ahead: the simulator's times of the passes so far, from
    /// which the cutoff is then judged.
    private var simulated: SimulatedTimes?
    /// Whether the run gave up because it could not reach the cutoff.
    private(set) var cutOff = false
    /// The score keys of the scheduler's own times, kept as it runs: the peak memory and the sum of
    /// input-gradient end times.
    var peak: Double
    var gradientFlow = 0.0
    /// Forward memory of one unit (microbatch slice) over all the stages of a stream on its device,
    /// per admitting stage and slice.
    let unitForwardMemory: Scratch<Double>
    /// Warm-up depth per admitting stage.
    let limit: Scratch<Int>
    /// Under `GreedyPolicy.LaterStageMemory.keptForOldest`: per admitting stage, the room kept free
    /// for the later stages' forwards of one unit of its stream (at the largest memory scale). A unit
    /// has passed all of its forwards on the device once its stream's last stage
    /// (`ListScheduler.Setup.streamLast`) ran it; the units admitted but not yet past it are `pending`.
    let keepsLaterForOldest: Bool
    let laterSlot: Scratch<Double>
    /// Under `GreedyPolicy.BackwardPasses.splitKeepingRoom`: every forward leaves room for one
    /// input-gradient pass (`backwardReserve`), and a backward that allocates may use the room kept
    /// for the oldest microbatch's later forwards (`keptForOldest`). With every microbatch the device
    /// holds waiting for its backward, the backward of one of them can then run, and its `W` frees
    /// its activations, so the device never fills with forwards that no backward can follow.
    let keepsBackwardRoom: Bool
    /// Which cells are recomputed, and passes added by that choice not yet counted by `run`.
    var recomputation: GreedyRecomputation
    var addedPasses = 0
    /// The stage of the forward the last step ran in an overlapped pair with its backward (whose
    /// stage the step returned), or -1.
    var pairedForward = -1
    /// Under `keptForOldest`, per device: what it will free before it needs any memory
    /// (`takeReclaimable`), taken at the first admission check of each of its steps that depends on it (`fits`).
    let reclaimable: Scratch<Double>
    /// The step's clock (`step`), and whether `takeReclaimable` ran in this step yet (`fits`).
    var stepNow = 0.0
    var reclaimableTaken = false
    /// Under `keptForOldest`, per device: what its pending `W` passes (their `B` ran) will free
    /// (`weightReleases`) and how many there are, kept as they come and go (`take`) for
    /// `takeReclaimable`; the sum restarts at exactly 0 whenever none is pending.
    let pendingRelease: Scratch<Double>
    let pendingWeights: Scratch<Int>

    init(problem: Problem, policy: GreedyPolicy, setup: ListScheduler.Setup) {
        self.problem = problem
        self.policy = policy
        self.setup = setup
        slices = problem.sequenceSlices
        units = problem.microbatches * slices
        stageCount = problem.stageCount
        let fusedStages = (0..<problem.stageCount).map { policy.backward == .fusedWhereBAllocates && problem.backwardAllocates(stage: $0) }
        fused = Scratch(fusedStages)
        readyAt = Scratch(repeating: 0, count: 4 * stageCount * units)
        let slices = problem.sequenceSlices, units = units
        missing = Scratch(copying: setup.dependencyCounts)
        nextForward = Scratch(repeating: 0, count: stageCount)
        nextBackward = Scratch(repeating: 0, count: stageCount)
        nextWeight = Scratch(repeating: 0, count: stageCount)
        let devices = problem.devices
        time = Scratch(repeating: 0, count: devices)
        level = Scratch(setup.staticMemory)
        reserved = Scratch(repeating: 0, count: devices)
        inFlight = Scratch(repeating: 0, count: stageCount)
        blocked = Scratch(repeating: false, count: devices)
        let passes = problem.deviceStages.map { $0.reduce(0) { $0 + (fusedStages[$1] ? 2 : 3) * units } }
        remaining = Scratch(passes)
        lastEnd = Scratch(repeating: 0, count: devices)
        reclaimable = Scratch(repeating: 0, count: devices)
        pendingRelease = Scratch(repeating: 0, count: devices)
        pendingWeights = Scratch(repeating: 0, count: devices)
        firstStart = Scratch(repeating: .nan, count: devices)
        remainingWork = Scratch((0..<devices).map { problem.work(device: $0) })
        peak = setup.staticMemory.max() ?? 0
        recomputation = GreedyRecomputation(problem: problem, mode: policy.memoryActions, units: units)
        log = Scratch(repeating: Emitted(kind: .forward, stage: 0, cell: 0),
                      count: passes.reduce(0, +) + (recomputation.enabled ? stageCount * units : 0))
        unitForwardMemory = Scratch(setup.streams.flatMap { stages in
            (0..<slices).map { slice in stages.reduce(0) { $0 + setup.passes.profileForwardMemory($1 * slices + slice) } }
        })
        keepsLaterForOldest = policy.laterStageMemory == .keptForOldest
        let mostMemory = problem.scaleSummary.mostMemory
        laterSlot = Scratch(setup.streams.map { stages in
            guard policy.laterStageMemory == .keptForOldest else { return 0 }
            return (0..<slices).map { slice in
                stages.dropFirst().reduce(0) { $0 + setup.passes.profileForwardMemory($1 * slices + slice) }
            }.max()! * mostMemory
        })
        limit = Scratch(setup.depthLimits(warmupFactor: policy.warmupFactor, problem))
        keepsBackwardRoom = policy.backward == .splitKeepingRoom
    }

    /// Lets the run give up as soon as it is sure to lose to a schedule of score keys `best`
    /// (`ScheduleScore.Key.isBetter`): once its value is sure to exceed `best.value` (by more than
    /// rounding), or once its value is sure not to beat it (by more than half the comparator's
    /// tolerance) while its peak memory, which only grows, already exceeds `best.peak` by more than
    /// that tolerance; the run then loses on the second key, so the grid loses no schedule that could
    /// win, ties on every key included. Each device still has to run its remaining passes after the
    /// simulated end of its last one, so its span is at least that end plus its remaining work minus
    /// its first start (the makespan: minus the earliest start so far), and the run's value at least
    /// the largest of these. While the clock has not run ahead, every pass so far started as early
    /// as its device and its dependencies allowed, so the simulator gives it the scheduler's own
    /// time; after, the run keeps the simulator's times beside its own (`SimulatedTimes`).
    mutating func setCutoff(_ best: ScheduleScore.Key, objective: Objective) {
        setBounds(best)
        cutoffMakespan = objective == .makespan
        // A run branched off another (`init(copying:as:)`) may already be sure to lose (its
        // floors only grow); its own run would have given up at the first step past the cutoff,
        // having met only the rules it had noted by then.
        if losesAt(floor: valueFloor, peak: self.peak) {
            cutOff = true
            rulesMet = RulesMet(firstNotes.filter { !losesAt(floor: $0.floor, peak: $0.peak) }.map(\.rule))
        }
    }

    /// Tightens the cutoff of a run under way to `best` where `best` beats the keys it was set to
    /// (`ScheduleScore.Key.isBetter`): keys another run reached meanwhile (`GreedySearch`'s threads
    /// share their best). The run gives up at its next pass if it is then sure to lose. It keeps
    /// every rule it met so far: its twins would repeat it up to here (the rules it did not meet
    /// decided nothing), and the cutoff only tightens, so they would give up here or sooner.
    mutating func tightenCutoff(_ best: ScheduleScore.Key) {
        guard let current = cutoffKey, best.isBetter(than: current) else { return }
        setBounds(best)
    }

    /// The cutoff's thresholds from the keys `best` (`setCutoff`).
    private mutating func setBounds(_ best: ScheduleScore.Key) {
        let value = best.value, peak = best.peak
        cutoffKey = best
        cutoff = value.isFinite ? value + 1e-6 * max(1, abs(value)) : .infinity
        tieValue = value.isFinite ? value - 0.5e-9 * max(1, abs(value)) : .infinity
        tiePeak = peak.isFinite ? peak + 1e-9 * max(1, abs(peak)) : .infinity
    }

    /// Whether a run at this floor and peak is sure to lose to the cutoff (`setCutoff`).
    @inline(__always)
    func losesAt(floor: Double, peak: Double) -> Bool {
        floor > cutoff || (peak > tiePeak && floor >= tieValue)
    }

    /// Notes that `rules` decided a step (or would have under other policies of the grid); the first
    /// note of a rule hands the state to `branch` first. Rules noted at one step are handed the
    /// state before any of them is noted: each twin branched off there has met none of them yet.
    @inline(__always)
    mutating func note(_ rules: RulesMet) {
        guard !rulesMet.isSuperset(of: rules) else { return }
        if branch != nil { branchOff(rules.subtracting(rulesMet)) }
        rulesMet.formUnion(rules)
    }

    @inline(never)
    mutating func branchOff(_ rules: RulesMet) {
        var rest = rules.rawValue
        while rest != 0 {
            let rule = RulesMet(rawValue: rest & (~rest &+ 1))  // the lowest rule left
            rest &= rest &- 1
            branch?(rule, self)
            firstNotes.append((rule, valueFloor, peak))
        }
    }

    /// Roughly the bytes a copy of the state holds (`init(copying:as:)`): its buffers per pass.
    var bytes: Int {
        readyAt.count * (MemoryLayout<Double>.stride * (simulated == nil ? 1 : 2) + MemoryLayout<Int32>.stride)
            + logged * MemoryLayout<Emitted>.stride
    }

    /// A copy of `other` (every buffer that a run changes copied) that goes on under `policy`,
    /// which differs from `other`'s only in the rules of `GreedySearch.ProvableRule.all` that
    /// branch (`branches`) and in a warm-up factor at least as large, whose depth limits it takes;
    /// without a `branch` of its own.
    init(copying other: State, as policy: GreedyPolicy) {
        problem = other.problem
        self.policy = policy
        setup = other.setup
        slices = other.slices
        units = other.units
        stageCount = other.stageCount
        fused = other.fused
        readyAt = Scratch(copying: other.readyAt)
        missing = Scratch(copying: other.missing)
        nextForward = Scratch(copying: other.nextForward)
        nextBackward = Scratch(copying: other.nextBackward)
        nextWeight = Scratch(copying: other.nextWeight)
        time = Scratch(copying: other.time)
        level = Scratch(copying: other.level)
        reserved = Scratch(copying: other.reserved)
        inFlight = Scratch(copying: other.inFlight)
        blocked = Scratch(copying: other.blocked)
        remaining = Scratch(copying: other.remaining)
        log = Scratch(copying: other.log, prefix: other.logged)
        logged = other.logged
        let largerDepth = policy.warmupFactor > other.policy.warmupFactor
        rulesMet = other.rulesMet
        firstNotes = other.firstNotes
        refusedBeyondDepth = other.refusedBeyondDepth
        if largerDepth, let refusal = other.refusedBeyondDepth {
            // Noted then, unless the run had noted it before (floor and peak only grow).
            if let index = firstNotes.firstIndex(where: { $0.rule == .capRefusal }) {
                let noted = firstNotes[index]
                firstNotes[index] = (.capRefusal, min(noted.floor, refusal.floor), min(noted.peak, refusal.peak))
            } else {
                firstNotes.append((.capRefusal, refusal.floor, refusal.peak))
            }
            rulesMet.insert(.capRefusal)
        }
        lastEnd = Scratch(copying: other.lastEnd)
        firstStart = Scratch(copying: other.firstStart)
        ranAhead = other.ranAhead
        remainingWork = Scratch(copying: other.remainingWork)
        cutoff = other.cutoff
        tieValue = other.tieValue
        tiePeak = other.tiePeak
        cutoffMakespan = other.cutoffMakespan
        cutoffKey = other.cutoffKey
        valueFloor = other.valueFloor
        earliestStart = other.earliestStart
        simulated = other.simulated.map { SimulatedTimes(readyAt: $0.readyAt, lastEnd: $0.lastEnd, firstStart: $0.firstStart) }
        cutOff = other.cutOff
        peak = other.peak
        gradientFlow = other.gradientFlow
        unitForwardMemory = other.unitForwardMemory
        limit = largerDepth ? Scratch(setup.depthLimits(warmupFactor: policy.warmupFactor, problem)) : other.limit
        keepsLaterForOldest = other.keepsLaterForOldest
        laterSlot = other.laterSlot
        keepsBackwardRoom = other.keepsBackwardRoom
        recomputation = other.recomputation
        addedPasses = other.addedPasses
        pairedForward = other.pairedForward
        reclaimable = Scratch(copying: other.reclaimable)
        pendingRelease = Scratch(copying: other.pendingRelease)
        pendingWeights = Scratch(copying: other.pendingWeights)
    }

    /// Cell of the unit at position `v` of the backward order (microbatches ascending, slices descending).
    @inline(__always) func backwardCell(_ v: Int) -> Int { slices == 1 ? v : (v / slices) * slices + (slices - 1 - v % slices) }

    /// Where the pass of a cell on `stage` sits in the pass table (`stage × slices + slice`) and the
    /// cell's microbatch: no division where sequences are whole.
    @inline(__always) func slot(_ stage: Int, cell: Int) -> (index: Int, microbatch: Int) {
        slices == 1 ? (stage, cell) : (stage * slices + cell % slices, cell / slices)
    }

    @inline(__always) func op(_ kind: OpKind, stage: Int, cell: Int) -> Op {
        slices == 1 ? Op(kind, stage: stage, microbatch: cell, slice: 0) : Op(kind, stage: stage, microbatch: cell / slices, slice: cell % slices)
    }

    /// Whether stage `a` lies deeper in its pipeline than `b` in its own (closer to the loss; with one
    /// pipeline, a later stage), the later stage on a tie: the chunk orders' "latest stage".
    @inline(__always) func deeper(_ a: Int, than b: Int) -> Bool { setup.depthRank[a] > setup.depthRank[b] }

    /// The input-gradient pass of a stage: fused `BW` or split `B`.
    @inline(__always) func gradientKind(_ stage: Int) -> OpKind { fused[stage] ? .backward : .backwardInput }

    /// Where the pass of template row `row` (`DependencyTemplate.row(of:)`) of a cell on `stage` sits
    /// in the readiness tables (`readyAt`, `missing`, `SimulatedTimes.readyAt`).
    @inline(__always)
    func readinessIndex(row: Int, stage: Int, cell: Int) -> Int { (row &* stageCount &+ stage) &* units &+ cell }  // within the tables: no overflow

    /// When the pass of `kind` of a cell can start on its stage's device: the end of each dependency
    /// plus the link latency, or `.infinity` while a dependency is not scheduled.
    @inline(__always)
    func ready(_ kind: OpKind, stage: Int, cell: Int) -> Double {
        let index = readinessIndex(row: DependencyTemplate.row(of: kind), stage: stage, cell: cell)
        return missing[index] == 0 ? readyAt[index] : .infinity
    }

    /// A forward or input-gradient pass of a cell ended at `end` (in the simulator's times at
    /// `simulatedEnd`): the passes waiting for it learn.
    @inline(__always)
    func pushEnd(inputGradient: Bool, stage: Int, cell: Int, end: Double, simulatedEnd: Double) {
        let slice = slices == 1 ? 0 : cell % slices
        let microbatch = cell - slice
        let scale = setup.passes.memoryScale(microbatch: slot(stage, cell: cell).microbatch)
        for position in setup.dependencies.successorPositions(inputGradient: inputGradient, stage: stage, slice: slice) {
            let waiting = setup.dependencies.successor(at: position)
            let index = readinessIndex(row: waiting.row, stage: waiting.stage, cell: microbatch + waiting.slice)
            readyAt[index] = max(readyAt[index], end + waiting.lag(scale: scale))
            missing[index] -= 1
        }
        guard let simulatedReadyAt = simulated?.readyAt else { return }
        for position in setup.dependencies.successorPositions(inputGradient: inputGradient, stage: stage, slice: slice) {
            let waiting = setup.dependencies.successor(at: position)
            let index = readinessIndex(row: waiting.row, stage: waiting.stage, cell: microbatch + waiting.slice)
            simulatedReadyAt[index] = max(simulatedReadyAt[index], simulatedEnd + waiting.lag(scale: scale))
        }
    }

    enum Admission { case ok, depth, memory }

    /// Whether the next forward of `stage` may start now: `.depth` where the warm-up depth holds it
    /// back, `.memory` where the cap does. Inlined into the step, with the cap's test out of line
    /// (`memoryAdmits`, mutating: a non-mutating call out of line would copy the whole state, a
    /// `memcpy` per forward looked at).
    @inline(__always)
    mutating func admits(_ stage: Int, device: Int) -> Admission {
        guard stage == setup.admitter[stage] else { return keepsLaterForOldest ? laterForwardAdmits(stage, device: device) : .ok }
        if inFlight[stage] >= limit[stage] { return .depth }
        return memoryAdmits(stage, device: device)
    }

    /// Room kept free for the later stages' forwards of the oldest pending unit of each stream on the
    /// device (0 for a stream with none pending, and when admission reserved them).
    @inline(__always)
    func heldForOldest(_ device: Int) -> Double {
        guard keepsLaterForOldest else { return 0 }
        guard setup.severalStreams else { return heldForOldest(stream: setup.deviceAdmitterList[device]) }
        return Self.heldForOldest(streamsOf: device, except: -1, start: setup.deviceAdmitterStart, list: setup.deviceAdmitterList,
                                  last: setup.streamLast, nextForward: nextForward, laterSlot: laterSlot)
    }

    /// `heldForOldest(_:)` of the device's streams other than the one admitted at `first` (0 with one).
    @inline(__always)
    func heldForOtherStreams(_ device: Int, except first: Int) -> Double {
        guard setup.severalStreams else { return 0 }
        return Self.heldForOldest(streamsOf: device, except: first, start: setup.deviceAdmitterStart, list: setup.deviceAdmitterList,
                                  last: setup.streamLast, nextForward: nextForward, laterSlot: laterSlot)
    }

    /// Room kept for the oldest pending unit of the stream admitted at `first`.
    @inline(__always)
    func heldForOldest(stream first: Int) -> Double {
        nextForward[first] > nextForward[setup.streamLast[first]] ? laterSlot[first] : 0
    }

    /// `heldForOldest(stream:)` summed over the streams of a device that holds several, but the one
    /// admitted at `excluded`. Static and out of line (as `roomForOtherStreams`), so the
    /// single-stream path of the step stays small and no call copies the state.
    @inline(never)
    static func heldForOldest(streamsOf device: Int, except excluded: Int, start: Scratch<Int>, list: Scratch<Int>, last: Scratch<Int>,
                              nextForward: Scratch<Int>, laterSlot: Scratch<Double>) -> Double {
        var held = 0.0
        for position in start[device]..<start[device + 1] {
            let first = list[position]
            if first != excluded && nextForward[first] > nextForward[last[first]] { held += laterSlot[first] }
        }
        return held
    }

    /// Under `keptForOldest`, whether the next forward of a later stage fits: the oldest pending unit's
    /// takes the room kept for it; any other's must leave that room (and the other streams') free, or
    /// about to be freed (`reclaimable`).
    @inline(__always)
    mutating func laterForwardAdmits(_ stage: Int, device: Int) -> Admission {
        let cell = nextForward[stage]
        let first = setup.admitter[stage]
        let oldest = cell == nextForward[setup.streamLast[first]]
        let (index, microbatch) = slot(stage, cell: cell)
        let taken = level[device] + reserved[device] + setup.passes.memory(.forward, index, recomputed: false, microbatch: microbatch)
        return fits(taken, keeping: heldForOtherStreams(device, except: first) + (oldest ? 0 : laterSlot[first]) + backwardReserve(device), device: device)
            ? .ok : .memory
    }

    /// Whether `taken` plus the room `kept` for the oldest units, less what the device is about to
    /// free (`reclaimable`), fits the cap: `taken + max(0, kept - reclaimable) <= cap`. What it is
    /// about to free is counted only where the answer depends on it (`takeReclaimable` runs once a
    /// step, at the first such check): it is at least what its pending `W` passes free
    /// (`pendingRelease`), and never negative.
    @inline(__always)
    mutating func fits(_ taken: Double, keeping kept: Double, device: Int) -> Bool {
        let cap = setup.caps[device] + 1e-9
        if taken > cap || kept == 0 { return taken <= cap }
        if taken + max(0, kept - pendingRelease[device]) <= cap { return true }
        return taken + max(0, kept - reclaimable(device)) <= cap
    }

    /// `reclaimable[device]`, taken (`takeReclaimable`) at its first use in the step.
    @inline(__always)
    mutating func reclaimable(_ device: Int) -> Double {
        if !reclaimableTaken {
            takeReclaimable(device, now: stepNow)
            reclaimableTaken = true
        }
        return reclaimable[device]
    }

    /// Whether the cap admits the next microbatch at an admitting stage (`.ok` or `.memory`): its
    /// forward (under `reservedAtAdmission`, all of its stream's forwards on the device) in free
    /// memory, and under `keptForOldest` the room kept for the oldest unit free or about to be freed
    /// (`reclaimable`). Out of line and mutating (by reference), so that the step stays within the
    /// inliner's budget.
    @inline(never)
    mutating func memoryAdmits(_ stage: Int, device: Int) -> Admission {
        let slice = slices == 1 ? 0 : nextForward[stage] % slices
        let microbatch = slices == 1 ? nextForward[stage] : nextForward[stage] / slices
        let taken = level[device] + reserved[device] + admittedMemory(stage, slice: slice) * setup.passes.memoryScale(microbatch: microbatch)
            + setup.forwardTransient[device] + roomForOtherStreams(device, admitting: stage)
        let kept = (keepsLaterForOldest ? laterSlot[stage] + heldForOtherStreams(device, except: stage) : 0) + backwardReserve(device)
        guard recomputation.enabled else { return fits(taken, keeping: kept, device: device) ? .ok : .memory }
        let need = kept > 0 ? taken + max(0, kept - reclaimable(device)) : taken
        return recomputation.stagesToRecompute(device: device, slice: slice,
                                               memoryScale: setup.passes.memoryScale(microbatch: microbatch), need: need,
                                               cap: setup.caps[device]) != nil
            ? .ok : .memory
    }

    /// Takes into `reclaimable[device]` the memory the device will free before it needs any: its
    /// pending `W` passes (their `B` ran; `pendingRelease`) and, per stage, the next input-gradient
    /// pass if it is ready and needs no room (`backwardRoom`; nor a recomputation first), with its `W`.
    /// These can always run, in any state to come: a ready pass stays ready, they take nothing, and a
    /// device whose forward the cap refuses runs them before waiting (step, rules 1 and 4). So the room
    /// kept for the oldest unit (`keptForOldest`) may count on them: a forward takes real free memory,
    /// and the kept room only needs to exist once these ran. Counting them lets a device admit a
    /// microbatch while the backward of its oldest is about to free the room, as Zero Bubble's V
    /// schedule does at its 1p memory (F, B, W on each device in the steady state). Mutating and out of
    /// line, so that the call passes the state by reference instead of copying it and the step stays
    /// small.
    @inline(never)
    mutating func takeReclaimable(_ device: Int, now: Double) {
        var freed = pendingRelease[device]
        for position in setup.deviceStageStart[device]..<setup.deviceStageStart[device + 1] {
            let stage = setup.deviceStageList[position]
            if nextBackward[stage] < units {
                let cell = backwardCell(nextBackward[stage])
                if ready(gradientKind(stage), stage: stage, cell: cell) <= now && !recomputation.isPending(stage: stage, cell: cell)
                    && backwardRoom(stage, cell: cell, device: device) <= 0 {
                    let (index, microbatch) = slot(stage, cell: cell)
                    freed -= setup.passes.memory(gradientKind(stage), index, microbatch: microbatch)
                    if !fused[stage] { freed += weightReleases(stage, cell: cell) }
                }
            }
        }
        reclaimable[device] = freed
    }

    /// Room a unit admitted at `first` must leave for the next unit of every other stream on the
    /// device that has none in flight there and units left to admit (0 with one pipeline). Without
    /// it two pipelines in opposite directions can each fill the device where the other one ends and
    /// wait on each other for ever. With it, a stream's oldest unit not yet admitted on a device
    /// finds room there when it arrives (its elders on the device have passed their backward, or the
    /// oldest of them is in flight and moves first), so every stream keeps moving.
    @inline(__always)
    func roomForOtherStreams(_ device: Int, admitting first: Int) -> Double {
        guard setup.severalStreams else { return 0 }
        return Self.roomForOtherStreams(device, admitting: first, start: setup.deviceAdmitterStart, list: setup.deviceAdmitterList,
                                        memoryScales: setup.passes.memoryScales, nextForward: nextForward, inFlight: inFlight,
                                        unitForwardMemory: unitForwardMemory, units: units, slices: slices)
    }

    @inline(never)
    static func roomForOtherStreams(_ device: Int, admitting first: Int, start: Scratch<Int>, list: Scratch<Int>, memoryScales: Scratch<Double>,
                                    nextForward: Scratch<Int>, inFlight: Scratch<Int>, unitForwardMemory: Scratch<Double>,
                                    units: Int, slices: Int) -> Double {
        var room = 0.0
        for position in start[device]..<start[device + 1] {
            let other = list[position]
            let cell = nextForward[other]
            guard other != first, cell < units, inFlight[other] == 0 else { continue }
            room += unitForwardMemory[other * slices + cell % slices] * memoryScales[cell / slices]
        }
        return room
    }

    /// What admitting a unit (of scale 1) at the admitting stage `first` promises: the forwards of all
    /// its stream's stages on the device, or under `keptForOldest` the first one's.
    @inline(__always)
    func admittedMemory(_ first: Int, slice: Int) -> Double {
        keepsLaterForOldest ? setup.passes.profileForwardMemory(first * slices + slice) : unitForwardMemory[first * slices + slice]
    }

    /// Memory an input-gradient pass takes beyond what is committed: its own delta plus what its `W`
    /// will allocate later (reserved when it runs).
    @inline(__always)
    func backwardNeed(_ stage: Int, cell: Int) -> Double {
        let (index, microbatch) = slot(stage, cell: cell)
        if fused[stage] { return setup.passes.memory(.backward, index, microbatch: microbatch) }
        return setup.passes.splitBackwardNeed(index, microbatch: microbatch)
    }

    /// The room a forward on `device` leaves for one input-gradient pass: under `keepsBackwardRoom`
    /// the most any of its split ones takes (`ListScheduler.Setup.backwardReserve`), else none.
    @inline(__always)
    func backwardReserve(_ device: Int) -> Double { keepsBackwardRoom ? setup.backwardReserve[device] : 0 }

    /// Room the input-gradient pass of a cell needs on `device` beside what is committed: its own
    /// need (`backwardNeed`), or in an offloading plan the room its reload takes if larger, plus the
    /// room kept for a pending forward's transient.
    @inline(__always)
    func backwardRoom(_ stage: Int, cell: Int, device: Int) -> Double {
        let (index, microbatch) = slot(stage, cell: cell)
        return max(backwardNeed(stage, cell: cell), setup.reloadMemory[index] * setup.passes.memoryScale(microbatch: microbatch))
            + (reserved[device] > 1e-12 ? setup.forwardTransient[device] : 0)
    }

    /// Runs the policy to the end: `false` when it gets stuck (a cap too tight for it) or
    /// `shouldStop` ended it.
    mutating func run(shouldStop: (@Sendable () -> Bool)?, bestSoFar: (() -> ScheduleScore.Key?)? = nil) -> Bool {
        var left = (0..<remaining.count).reduce(0) { $0 + remaining[$1] }
        if cutOff { return false }
        // Every device that is neither blocked nor done, at its clock (a run branched off another
        // starts at the step where that run was).
        var queue = DeviceQueue(capacity: problem.devices)
        for device in 0..<problem.devices where !blocked[device] && remaining[device] > 0 { queue.push(device, at: time[device]) }
        var steps = 0
        while left > 0 {
            steps &+= 1
            if steps & 4095 == 1, shouldStop?() == true { return false }  // at the start, then every 4096 steps
            if steps & 255 == 1, let best = bestSoFar?() { tightenCutoff(best) }  // likewise, every 256 steps
            guard let device = queue.earliest else { return false }
            guard remaining[device] > 0 else {
                queue.remove(device)
                continue
            }
            let stage = step(device)
            if cutOff { return false }
            // The device's new clock time (or its leaving) is settled before others are woken.
            if !blocked[device] && remaining[device] > 0 { queue.retime(device, to: time[device]) } else { queue.remove(device) }
            if let stage {
                left -= 1 - addedPasses
                addedPasses = 0
                wakeNeighbours(of: stage, &queue)
                if pairedForward >= 0 {  // the step ran an overlapped pair: its forward too
                    left -= 1
                    wakeNeighbours(of: pairedForward, &queue)
                    pairedForward = -1
                }
            }
        }
        return true
    }

    /// Wakes the devices whose passes a pass of `stage` can have made ready: the neighbouring stages'
    /// in a chain, its inputs', consumers' and loss partners' in a graph (`StageGraph`).
    @inline(__always)
    mutating func wakeNeighbours(of stage: Int, _ queue: inout DeviceQueue) {
        if setup.isChain {
            if stage > 0 { wake(problem.stageDevice[stage - 1], &queue) }
            if stage + 1 < stageCount { wake(problem.stageDevice[stage + 1], &queue) }
        } else {
            wakeGraphNeighbours(of: stage, &queue)
        }
    }

    @inline(never)
    mutating func wakeGraphNeighbours(of stage: Int, _ queue: inout DeviceQueue) {
        let graph = problem.graph
        for other in graph.inputs[stage] { wake(problem.stageDevice[other], &queue) }
        for other in graph.consumers[stage] { wake(problem.stageDevice[other], &queue) }
        for other in graph.lossPartners[stage] { wake(problem.stageDevice[other], &queue) }
    }

    @inline(__always)
    mutating func wake(_ device: Int, _ queue: inout DeviceQueue) {
        if blocked[device] {
            blocked[device] = false
            queue.push(device, at: time[device])
        }
    }

    /// Lets `device` run one pass or advance its clock; returns the stage of the pass it ran, if any.
    mutating func step(_ device: Int) -> Int? {
        let now = time[device] + 1e-12
        let cap = setup.caps[device]
        var bestBackward = -1, bestBackwardReady = 0.0
        var earliestStageBackward = -1  // the ready backward of the earliest stage (`BackwardOrder.earliestStage`)
        var bestForward = -1
        var weightStage = -1
        var urgentRecompute: Int?
        var earlyRecompute: Int?
        var memoryBlocked = false
        var forwardBlocked = false  // a ready forward the cap refused
        stepNow = now
        reclaimableTaken = false
        var nextKnown = Double.infinity
        var soonestForward = Double.infinity, soonestForwardStage = -1  // the admitted forward that is ready next
        var soonestBackward = Double.infinity, soonestBackwardStage = -1  // the backward that is ready next
        var forwardsLeft = false  // the device has forwards still to run (else it is in its cool-down)
        for position in setup.deviceStageStart[device]..<setup.deviceStageStart[device + 1] {
            let stage = setup.deviceStageList[position]
            if nextBackward[stage] < units {
                let cell = backwardCell(nextBackward[stage])
                let ready = ready(gradientKind(stage), stage: stage, cell: cell)
                if recomputation.isPending(stage: stage, cell: cell) {
                    considerRecompute(stage, cell: cell, device: device, backwardReady: ready, now: now,
                                      urgent: &urgentRecompute, early: &earlyRecompute, memoryBlocked: &memoryBlocked, nextKnown: &nextKnown)
                } else if ready <= now {
                    let need = backwardRoom(stage, cell: cell, device: device)
                    if need > 0 && level[device] + reserved[device] + (keepsBackwardRoom ? 0 : heldForOldest(device)) + need > cap + 1e-9 {
                        memoryBlocked = true
                        note(.capRefusal)
                    } else {
                        if bestBackward < 0 || ready < bestBackwardReady || (ready == bestBackwardReady && stage > bestBackward) {
                            bestBackward = stage
                            bestBackwardReady = ready
                        }
                        if earliestStageBackward < 0 || deeper(earliestStageBackward, than: stage) { earliestStageBackward = stage }
                    }
                } else {
                    nextKnown = min(nextKnown, ready)
                    if ready < soonestBackward { (soonestBackward, soonestBackwardStage) = (ready, stage) }
                }
            }
            if nextForward[stage] < units {
                forwardsLeft = true
                switch admits(stage, device: device) {
                case .ok:
                    let ready = ready(.forward, stage: stage, cell: nextForward[stage])
                    if ready <= now {
                        let better = bestForward < 0 || (policy.chunkOrder == .breadthFirst ? deeper(bestForward, than: stage) : deeper(stage, than: bestForward))
                        if better { bestForward = stage }
                    } else {
                        nextKnown = min(nextKnown, ready)
                        if ready < soonestForward { (soonestForward, soonestForwardStage) = (ready, stage) }
                    }
                case .memory:
                    note(.capRefusal)
                    if ready(.forward, stage: stage, cell: nextForward[stage]) <= now { memoryBlocked = true; forwardBlocked = true }
                case .depth:
                    // A larger depth limit would see `.ok` or `.memory` here, which the step treats
                    // alike only for a forward the cap refuses and that is not ready yet.
                    if !rulesMet.contains(.depthLimit) { noteDepthLimit(stage, device: device, now: now) }
                }
            }
            if weightStage < 0 && !fused[stage] && nextWeight[stage] < nextBackward[stage] { weightStage = stage }
        }
        if earliestStageBackward != bestBackward {
            note(.backwardOrder)
            if policy.backwardOrder == .earliestStage { bestBackward = earliestStageBackward }
        }
        if bestForward >= 0 && (bestBackward >= 0 || urgentRecompute != nil) { note(.forwardFirst) }
        // Forwards first with `makesRoomBeforeBackward`: when the cap refuses a ready forward and a
        // pending W frees memory, the W goes before a ready backward, so the forward runs next (Zero
        // Bubble's V schedule runs F, B, W in turn at its 1p memory); the runs that keep the backward
        // first note where such a run would differ.
        // (`makesRoom`: the backward and recomputation branches below stand aside, and the W branch
        // at the end runs the W, the cap having refused a forward.)
        var makesRoom = false
        if forwardBlocked, bestForward < 0, bestBackward >= 0, weightStage >= 0, weightFrees(weightStage) {
            if policy.preferBackward {
                note(.forwardFirst)
            } else if policy.makesRoomBeforeBackward {
                makesRoom = true
            } else {
                note(.makesRoom)
            }
        }
        if bestBackward >= 0, !makesRoom, policy.preferBackward || bestForward < 0 {
            if policy.pairing != .none {
                if let partner = pairPartner(for: bestBackward, device: device, now: now) {
                    runPair(forward: partner, backward: bestBackward, device: device)
                    return bestBackward
                }
                if policy.pairing == .waitingForPartner, soonestForwardStage >= 0, soonestForwardStage != bestBackward,
                   worthWaiting(until: soonestForward, forward: soonestForwardStage, backward: bestBackward, device: device) {
                    time[device] = soonestForward
                    return nil
                }
            }
            runGradient(stage: bestBackward, device: device)
            return bestBackward
        }
        if let r = urgentRecompute, !makesRoom, policy.preferBackward || bestForward < 0 {
            runRecompute(stage: r, device: device)
            return r
        }
        // In its cool-down a device under `fitsIdleInCoolDown` fills idle time with W passes as `fitIdle` does.
        let coolingDown = !forwardsLeft && policy.weightFill != .fitIdle
        let fitsIdle = policy.weightFill == .fitIdle || (coolingDown && policy.fitsIdleInCoolDown)
        if weightStage >= 0, policy.weightFill == .eager, !fitsIdle {
            // The twin with `fitsIdleInCoolDown` would go on below: to a due recomputation, or to a
            // W only where it fits.
            if coolingDown, (earlyRecompute != nil && !makesRoom) || !(memoryBlocked || weightFits(weightStage, device: device, nextKnown: nextKnown)) {
                note(.coolDownFit)
            }
            runWeight(stage: weightStage, device: device)
            return weightStage
        }
        if bestForward >= 0 {
            // A later stage's forward about to arrive goes first: waiting for it idles less than it
            // would wait behind this forward (it arrives within half of it).
            // Checked under depth-first orders either way: where the waiting order would wait, a
            // depth-first run notes it (`RulesMet.forwardWait`); as waiting for a backward.
            if policy.chunkOrder != .breadthFirst, soonestForwardStage >= 0, deeper(soonestForwardStage, than: bestForward),
               soonestForward - time[device] < 0.5 * forwardTime(bestForward) {
                if policy.chunkOrder == .depthFirstWaiting {
                    time[device] = soonestForward
                    return nil
                }
                note(.forwardWait)
            }
            if bestBackward < 0, soonestBackwardStage >= 0,
               waitingForBackwardBeats(forward: bestForward, backward: soonestBackwardStage, arrival: soonestBackward, device: device) {
                if policy.waitsForBackward {
                    time[device] = soonestBackward
                    return nil
                }
                note(.backwardWait)
            }
            if policy.pairing != .none, bestBackward >= 0, bestBackward != bestForward,
               pairFits(forward: bestForward, backward: bestBackward, device: device) {
                runPair(forward: bestForward, backward: bestBackward, device: device)
                return bestBackward
            }
            if policy.pairing == .waitingForPartner, bestBackward < 0, soonestBackwardStage >= 0, soonestBackwardStage != bestForward,
               worthWaiting(until: soonestBackward, forward: bestForward, backward: soonestBackwardStage, device: device) {
                time[device] = soonestBackward
                return nil
            }
            runForward(stage: bestForward, device: device)
            return bestForward
        }
        if let r = earlyRecompute, !makesRoom {
            runRecompute(stage: r, device: device)
            return r
        }
        if weightStage >= 0 {
            let fits = weightFits(weightStage, device: device, nextKnown: nextKnown)
            if memoryBlocked || fits || !fitsIdle {
                if !memoryBlocked && !fits { note(coolingDown ? [.idleFit, .coolDownFit] : .idleFit) }
                runWeight(stage: weightStage, device: device)
                return weightStage
            }
        }
        if nextKnown < .infinity {
            time[device] = nextKnown
        } else {
            blocked[device] = true
        }
        return nil
    }

    /// Whether the next `W` of `stage` ends before `nextKnown`, the next pass known to become ready
    /// on the device (or nothing is known to come): `WeightFill.fitIdle`'s test.
    @inline(__always)
    func weightFits(_ stage: Int, device: Int, nextKnown: Double) -> Bool {
        let (index, microbatch) = slot(stage, cell: backwardCell(nextWeight[stage]))
        return nextKnown == .infinity || time[device] + setup.passes.time(.backwardWeight, index, microbatch: microbatch) <= nextKnown + 1e-9
    }

    /// Notes `RulesMet.depthLimit` where the warm-up depth held back a forward that a larger depth
    /// would have let the step see: one the cap admits, or a ready one. Out of line (mutating: the
    /// state is not copied), so that the step stays small.
    @inline(never)
    mutating func noteDepthLimit(_ stage: Int, device: Int, now: Double) {
        if memoryAdmits(stage, device: device) == .ok || ready(.forward, stage: stage, cell: nextForward[stage]) <= now {
            note(.depthLimit)
        } else if refusedBeyondDepth == nil {
            refusedBeyondDepth = (valueFloor, peak)
        }
    }

    /// What the `W` of a cell on `stage` frees (0 where it allocates: `take` reserves that part when
    /// its `B` runs).
    @inline(__always)
    func weightReleases(_ stage: Int, cell: Int) -> Double {
        let (index, microbatch) = slot(stage, cell: cell)
        return -min(0, setup.passes.memory(.backwardWeight, index, microbatch: microbatch))
    }

    /// Whether the next `W` of `stage` frees memory.
    @inline(__always)
    func weightFrees(_ stage: Int) -> Bool { weightReleases(stage, cell: backwardCell(nextWeight[stage])) > 0 }

    /// Whether waiting for the backward of `stage`, whose inputs arrive at `arrival`, beats starting
    /// the ready forward of `forward` now (`GreedyPolicy.waitsForBackward`). A device holding
    /// several stages waits for any backward arriving within half of that forward: there backwards
    /// come off the forwards' rhythm (after a V's turn, between interleaved chunks). A device holding
    /// one stage waits only for its first backward, and for as long as the forward would last: that
    /// backward is the first microbatch's round trip, on which every earlier stage waits, while later
    /// ones come in the forwards' rhythm (Zero Bubble's greedy, `zb.py`, leaves the same bubble
    /// before the first B: `allow_bubble_before_first_b`).
    @inline(__always)
    func waitingForBackwardBeats(forward: Int, backward stage: Int, arrival: Double, device: Int) -> Bool {
        let wait = arrival - time[device]
        if setup.deviceStageStart[device + 1] - setup.deviceStageStart[device] > 1 { return wait < 0.5 * forwardTime(forward) }
        return nextBackward[stage] == 0 && wait < forwardTime(forward)
    }

    /// How long the next forward of `stage` lasts.
    @inline(__always)
    func forwardTime(_ stage: Int) -> Double {
        let (index, microbatch) = slot(stage, cell: nextForward[stage])
        return setup.passes.time(.forward, index, microbatch: microbatch)
    }

    /// The forward to pair with the backward of `backward` now: a ready, admitted forward of another
    /// stage on the device (by the policy's chunk order) whose pair fits the cap, or `nil`.
    mutating func pairPartner(for backward: Int, device: Int, now: Double) -> Int? {
        var partner = -1
        for position in setup.deviceStageStart[device]..<setup.deviceStageStart[device + 1] {
            let stage = setup.deviceStageList[position]
            guard stage != backward, nextForward[stage] < units, admitsPaired(stage, device: device),
                  ready(.forward, stage: stage, cell: nextForward[stage]) <= now else { continue }
            if partner < 0 || (policy.chunkOrder == .breadthFirst ? deeper(partner, than: stage) : deeper(stage, than: partner)) { partner = stage }
        }
        return partner >= 0 && pairFits(forward: partner, backward: backward, device: device) ? partner : nil
    }

    /// Whether a forward of `stage` may run in a pair: as `admits`, beyond the warm-up depth (a
    /// forward that shares a backward's time delays it by only what the pair does not hide). A
    /// refusal by the cap there is noted as the step's own (`RulesMet.capRefusal`).
    mutating func admitsPaired(_ stage: Int, device: Int) -> Bool {
        switch admits(stage, device: device) {
        case .ok: return true
        case .memory: return false
        case .depth:
            guard memoryAdmits(stage, device: device) == .ok else {
                note(.capRefusal)
                return false
            }
            return true
        }
    }

    /// Whether the backward of `backward` still fits the cap once the forward of `forward` has run
    /// (in a pair the forward's allocation counts before the backward frees anything). Each was
    /// checked alone; what the forward adds beyond what is already promised (a later stage's forward
    /// under `keptForOldest`) is counted against the backward's need, conservatively.
    func pairFits(forward: Int, backward: Int, device: Int) -> Bool {
        let need = backwardRoom(backward, cell: backwardCell(nextBackward[backward]), device: device)
        guard need > 0 else { return true }
        let (index, microbatch) = slot(forward, cell: nextForward[forward])
        let added = keepsLaterForOldest && forward != setup.admitter[forward]
            ? setup.passes.memory(.forward, index, recomputed: false, microbatch: microbatch) : 0
        return level[device] + reserved[device] + heldForOldest(device) + added + need <= setup.caps[device] + 1e-9
    }

    /// Whether the device should wait until `until` for the next forward of `forward` and the next
    /// input-gradient pass of `backward` to run as a pair: the wait is shorter than what the pair
    /// saves over the two passes in a row, and the pair fits the cap.
    func worthWaiting(until: Double, forward: Int, backward: Int, device: Int) -> Bool {
        let forwardOp = op(.forward, stage: forward, cell: nextForward[forward])
        let backwardOp = op(gradientKind(backward), stage: backward, cell: backwardCell(nextBackward[backward]))
        let saved = problem.duration(forwardOp) + problem.duration(backwardOp) - problem.overlappedDuration(forwardOp, backwardOp)
        return until - time[device] < saved - 1e-9 && pairFits(forward: forward, backward: backward, device: device)
    }

    /// Runs the next forward of `forward` and the next input-gradient pass of `backward` as one
    /// overlapped pair (the step then returns `backward`, and `run(shouldStop:)` counts both): it
    /// starts when the device and both passes' inputs are ready and lasts
    /// `Problem.overlappedDuration`; memory moves as the forward then the backward would.
    mutating func runPair(forward: Int, backward: Int, device: Int) {
        let forwardOp = op(.forward, stage: forward, cell: nextForward[forward])
        let backwardKind = gradientKind(backward)
        let backwardOp = op(backwardKind, stage: backward, cell: backwardCell(nextBackward[backward]))
        let ready = max(self.ready(.forward, stage: forward, cell: nextForward[forward]),
                        self.ready(backwardKind, stage: backward, cell: backwardCell(nextBackward[backward])))
        let start = max(time[device], ready)
        let duration = problem.overlappedDuration(forwardOp, backwardOp)
        let forwardCell = take(.forward, stage: forward, device: device)
        record(.forward, stage: forward, cell: forwardCell, device: device, start: start, ready: ready, duration: duration)
        log[logged - 1].pairedWithNext = true
        let backwardCell = take(backwardKind, stage: backward, device: device)
        record(backwardKind, stage: backward, cell: backwardCell, device: device, start: start, ready: start, duration: duration)
        pairedForward = forward
    }

    // One entry point per kind, each with `run` inlined for its constant kind (the switches over
    // the kind in `take`, `record` and the pass table fold away: one pass −3.6% instructions).
    @inline(never) mutating func runForward(stage: Int, device: Int) { run(.forward, stage: stage, device: device) }
    @inline(never) mutating func runWeight(stage: Int, device: Int) { run(.backwardWeight, stage: stage, device: device) }
    @inline(never) mutating func runRecompute(stage: Int, device: Int) { run(.recompute, stage: stage, device: device) }
    @inline(never) mutating func runGradient(stage: Int, device: Int) {
        if gradientKind(stage) == .backward { run(.backward, stage: stage, device: device) } else { run(.backwardInput, stage: stage, device: device) }
    }

    /// Runs the next pass of `kind` on `stage` as soon as its device and its inputs allow.
    @inline(__always)
    mutating func run(_ kind: OpKind, stage: Int, device: Int) {
        let cell = take(kind, stage: stage, device: device)
        let ready = ready(kind, stage: stage, cell: cell)
        let (index, microbatch) = slot(stage, cell: cell)
        record(kind, stage: stage, cell: cell, device: device, start: max(time[device], ready), ready: ready,
               duration: setup.passes.time(kind, index, microbatch: microbatch))
    }

    /// Takes the next cell of `kind` on `stage` (its counters, reservations and warm-up count move)
    /// and returns it.
    @inline(__always)
    mutating func take(_ kind: OpKind, stage: Int, device: Int) -> Int {
        let cell: Int
        switch kind {
        case .forward:
            cell = nextForward[stage]
            nextForward[stage] += 1
            let (index, microbatch) = slot(stage, cell: cell)
            let admitting = stage == setup.admitter[stage]
            if admitting {
                inFlight[stage] += 1
                reserved[device] += admittedMemory(stage, slice: slices == 1 ? 0 : cell % slices) * setup.passes.memoryScale(microbatch: microbatch)
                admitRecomputed(cell: cell, device: device)
            }
            if !keepsLaterForOldest || admitting {
                reserved[device] -= setup.passes.memory(.forward, index, recomputed: recomputation.isMarked(stage: stage, cell: cell), microbatch: microbatch)
            }
        case .backwardInput, .backward:
            cell = backwardCell(nextBackward[stage])
            nextBackward[stage] += 1
            if stage == setup.admitter[stage] { inFlight[stage] -= 1 }
            if kind == .backwardInput {
                let (index, microbatch) = slot(stage, cell: cell)
                reserved[device] += max(0, setup.passes.memory(.backwardWeight, index, microbatch: microbatch))
                if keepsLaterForOldest {
                    pendingRelease[device] += weightReleases(stage, cell: cell)
                    pendingWeights[device] += 1
                }
            }
        case .backwardWeight:
            cell = backwardCell(nextWeight[stage])
            nextWeight[stage] += 1
            let (index, microbatch) = slot(stage, cell: cell)
            reserved[device] -= max(0, setup.passes.memory(.backwardWeight, index, microbatch: microbatch))
            if keepsLaterForOldest {
                pendingWeights[device] -= 1
                pendingRelease[device] = pendingWeights[device] == 0 ? 0 : pendingRelease[device] - weightReleases(stage, cell: cell)
            }
        case .recompute:
            cell = backwardCell(nextBackward[stage])
            recomputation.markDone(stage: stage, cell: cell, device: device)
        case .offload, .reload:
            preconditionFailure("the list scheduler never offloads (OffloadPlanning adds the copies)")
        }
        return cell
    }

    /// Records a pass of `cell` that starts at `start` (its inputs there at `ready`) and lasts
    /// `duration`: the device's clock and memory, the cutoff, the passes waiting for it, the log.
    @inline(__always)
    mutating func record(_ kind: OpKind, stage: Int, cell: Int, device: Int, start: Double, ready: Double, duration: Double) {
        let (index, microbatch) = slot(stage, cell: cell)
        if start > max(lastEnd[device], ready) {
            if !ranAhead && cutoff < .infinity { simulated = SimulatedTimes(readyAt: readyAt, lastEnd: lastEnd, firstStart: firstStart) }
            ranAhead = true
        }
        if firstStart[device].isNaN { firstStart[device] = start }
        let end = start + duration
        time[device] = end
        lastEnd[device] = end
        if kind != .recompute { remainingWork[device] -= duration }
        var simulatedEnd = end
        if cutoff < .infinity {
            var simulatedStart = start, first = firstStart[device]
            if let simulated {
                let index = readinessIndex(row: DependencyTemplate.row(of: kind), stage: stage, cell: cell)
                (simulatedStart, simulatedEnd) = simulated.run(device: device, index: index, duration: duration)
                first = simulated.firstStart[device]
            }
            earliestStart = min(earliestStart, simulatedStart)
            valueFloor = max(valueFloor, simulatedEnd + remainingWork[device] - (cutoffMakespan ? earliestStart : first))
        }
        level[device] += setup.passes.memory(kind, index, recomputed: recomputation.isMarked(stage: stage, cell: cell), microbatch: microbatch)
        peak = max(peak, level[device])
        if losesAt(floor: valueFloor, peak: peak) { cutOff = true }
        remaining[device] -= 1
        switch kind {
        case .forward: pushEnd(inputGradient: false, stage: stage, cell: cell, end: end, simulatedEnd: simulatedEnd)
        case .backwardInput, .backward:
            pushEnd(inputGradient: true, stage: stage, cell: cell, end: end, simulatedEnd: simulatedEnd)
            gradientFlow += end
        case .backwardWeight, .recompute, .offload, .reload: break
        }
        log[logged] = Emitted(kind: kind, stage: Int32(stage), cell: Int32(cell))
        logged += 1
    }

    /// The per-device orders of the finished run.
    func schedule() -> Schedule {
        var orders: [[Op]] = (0..<problem.devices).map { _ in
            var order: [Op] = []
            order.reserveCapacity(logged / problem.devices + 1)
            return order
        }
        var overlaps: [Set<Int>] = []
        for position in 0..<logged {
            let pass = log[position]
            let stage = Int(pass.stage)
            let device = problem.stageDevice[stage]
            if pass.pairedWithNext {
                if overlaps.isEmpty { overlaps = Array(repeating: [], count: problem.devices) }
                overlaps[device].insert(orders[device].count)
            }
            orders[device].append(op(pass.kind, stage: stage, cell: Int(pass.cell)))
        }
        return Schedule(orders: orders, overlaps: overlaps)
    }

    /// The score keys of the finished run's schedule, timed as the simulator times it: each pass
    /// starts when its device's previous pass and its dependencies (plus link latency) have ended.
    /// Those are the scheduler's own times unless its clock ran ahead (a device that waited for a
    /// pass and then ran another), and then the keys come from a re-timing in the order of `log`
    /// (topological, so one sweep suffices). `ListSchedulerTests` checks the keys against
    /// `ScheduleScore` on the built schedule.
    func key(objective: Objective) -> ScheduleScore.Key {
        guard ranAhead else {
            return Self.key(objective: objective, firstStart: firstStart, lastEnd: lastEnd, peak: peak, gradientFlow: gradientFlow)
        }
        let devices = problem.devices
        let deviceEnd = Scratch<Double>(repeating: 0, count: devices)
        let firstStart = Scratch<Double>(repeating: .nan, count: devices)
        // Per stage and cell: the re-timed ends of F and of the input-gradient pass (B or BW).
        let forwardEnd = Scratch<Double>(repeating: -1, count: stageCount * units)
        let gradientEnd = Scratch<Double>(repeating: -1, count: stageCount * units)
        func ready(_ kind: OpKind, stage: Int, cell: Int) -> Double {
            let slice = cell % slices
            let scale = setup.passes.memoryScale(microbatch: cell / slices)
            var ready = 0.0
            for position in setup.dependencies.positions(kind, stage: stage, slice: slice) {
                let needed = setup.dependencies[position]
                let index = needed.stage * units + cell - slice + needed.slice
                ready = max(ready, (needed.isInputGradient ? gradientEnd[index] : forwardEnd[index]) + needed.lag(scale: scale))
            }
            return ready
        }
        var memory = setup.staticMemory
        var peak = memory.max() ?? 0
        var gradientFlow = 0.0
        // An overlapped pair's members, logged one after the other: its start and end.
        var pairTimes: (start: Double, end: Double)?
        for position in 0..<logged {
            let pass = log[position]
            let stage = Int(pass.stage), cell = Int(pass.cell)
            let device = problem.stageDevice[stage]
            let (index, microbatch) = slot(stage, cell: cell)
            if pass.pairedWithNext {
                let next = log[position + 1]
                let start = max(deviceEnd[device], ready(pass.kind, stage: stage, cell: cell),
                                ready(next.kind, stage: Int(next.stage), cell: Int(next.cell)))
                pairTimes = (start, start + problem.overlappedDuration(op(pass.kind, stage: stage, cell: cell),
                                                                       op(next.kind, stage: Int(next.stage), cell: Int(next.cell))))
            }
            let start = pairTimes?.start ?? max(deviceEnd[device], ready(pass.kind, stage: stage, cell: cell))
            let end = pairTimes?.end ?? start + setup.passes.time(pass.kind, index, microbatch: microbatch)
            if !pass.pairedWithNext { pairTimes = nil }
            if firstStart[device].isNaN { firstStart[device] = start }
            deviceEnd[device] = end
            memory[device] += setup.passes.memory(pass.kind, index, recomputed: recomputation.isMarked(stage: stage, cell: cell), microbatch: microbatch)
            peak = max(peak, memory[device])
            switch pass.kind {
            case .forward: forwardEnd[stage * units + cell] = end
            case .backwardInput, .backward:
                gradientEnd[stage * units + cell] = end
                gradientFlow += end
            case .backwardWeight, .recompute, .offload, .reload: break
            }
        }
        return Self.key(objective: objective, firstStart: firstStart, lastEnd: deviceEnd, peak: peak, gradientFlow: gradientFlow)
    }

    /// Rules that a run met (`State.rulesMet`): steps its own rule decided, or where another
    /// policy's rule would have decided otherwise.
    struct RulesMet: OptionSet {
        let rawValue: UInt16
        /// The warm-up depth changed a step: a larger warm-up factor could decide otherwise.
        static let depthLimit = RulesMet(rawValue: 16)
        /// The cap refused a pass (a forward's admission or a backward that allocates): keeping
        /// later-stage room for the oldest microbatch instead of reserving it could decide otherwise.
        static let capRefusal = RulesMet(rawValue: 32)
        /// A depth-first run reached a step where `ChunkOrder.depthFirstWaiting` would have waited
        /// for a later stage's forward.
        static let forwardWait = RulesMet(rawValue: 1)
        /// A run without `GreedyPolicy.waitsForBackward` reached a step where that rule would have
        /// waited for a backward.
        static let backwardWait = RulesMet(rawValue: 2)
        /// A run reached a step where it ran a `W` into idle time that `WeightFill.fitIdle` would
        /// have left idle (the `W` would outlast the wait for the next known-ready pass).
        static let idleFit = RulesMet(rawValue: 4)
        /// A run reached a step where a forward and a backward (or an urgent recomputation) were
        /// both ready, or where the cap refused a ready forward while a backward was ready and a
        /// pending `W` would free memory: where `GreedyPolicy.preferBackward` decides.
        static let forwardFirst = RulesMet(rawValue: 8)
        /// A run reached a step where backwards of several stages were ready and the two
        /// `GreedyPolicy.BackwardOrder`s would pick different ones.
        static let backwardOrder = RulesMet(rawValue: 64)
        /// A forwards-first run without `GreedyPolicy.makesRoomBeforeBackward` reached a step where
        /// that rule would have run a `W` to make room for a forward the cap refused, before a ready
        /// backward.
        static let makesRoom = RulesMet(rawValue: 128)
        /// A run without `GreedyPolicy.fitsIdleInCoolDown` reached a step of a device's cool-down
        /// where that rule would have decided otherwise: it ran a `W` into idle time that `fitIdle`
        /// would have left idle, or (`eager`) ran a `W` before a recomputation that was due.
        static let coolDownFit = RulesMet(rawValue: 256)
    }

    /// The keys of a timed run from each device's first start and last end (`ScheduleScore`'s rules).
    private static func key(objective: Objective, firstStart: Scratch<Double>, lastEnd: Scratch<Double>, peak: Double,
                            gradientFlow: Double) -> ScheduleScore.Key {
        var spans = 0.0, stageSpan = 0.0, first = Double.infinity, last = -Double.infinity
        for device in 0..<firstStart.count where !firstStart[device].isNaN {
            let span = lastEnd[device] - firstStart[device]
            spans += span
            stageSpan = max(stageSpan, span)
            first = min(first, firstStart[device])
            last = max(last, lastEnd[device])
        }
        let value = switch objective {
        case .stageSpan: stageSpan
        case .makespan: first <= last ? last - first : 0
        }
        return ScheduleScore.Key(value: value, peak: peak, totalSpan: spans, gradientFlow: gradientFlow)
    }
}
