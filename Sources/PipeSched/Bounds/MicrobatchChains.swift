/// Longest dependency chains through the passes of one microbatch, read from the one dependency
/// rule (`Problem.forEachDependency`) with link latencies.
///
/// The passes of microbatch 0 stand for every microbatch, each lasting its profile's duration times
/// the least time scale of the step (`MicrobatchScale`; 1 without scales): any chain here is a chain
/// every microbatch must respect in every schedule. `copies` says how many such passes all
/// microbatches' passes of one kind last together. The backward is split
/// (`B`, then `W`): a fused `BW` starts when `B` could and lasts as long as both, so every distance
/// below is also a lower bound for schedules that fuse.
///
/// Every lower bound of the `Bounds` folder measures its chains here; none re-derives a dependency.
public struct MicrobatchChains: Sendable {
    /// The passes of microbatch 0 in a topological order: forwards (stage and slice ascending),
    /// input-gradient passes (stage and slice descending), weight passes.
    public let passes: [Op]
    /// Duration of each pass (the least any microbatch's pass of that kind lasts).
    public let duration: [Double]
    /// The passes of one (kind, stage, slice) over all microbatches last `copies × duration` in all:
    /// the number of microbatches, or their total time scale over the least.
    public let copies: Double
    /// Device of each pass.
    public let device: [Int]
    /// The dependency arcs, grouped by the pass that waits: the arcs into pass `id` are
    /// `arcsInto(id)`; arc `k` comes from pass `arcSource[k]` with link latency `arcLatency[k]`.
    /// Flat arrays, so building the chains allocates a handful of buffers rather than three per pass.
    let arcSource: [Int]
    let arcLatency: [Double]
    private let arcStart: [Int]
    /// The arcs out of each pass (as arc indices), grouped by the pass they leave: `arcsOutOf(id)`.
    private let outArcs: [Int]
    private let outStart: [Int]
    /// The pass each arc leads to.
    private let arcTarget: [Int]
    /// Earliest start of every pass when the step begins at time 0 (its head), computed once for
    /// every bound that reads it.
    public let earliestStarts: [Double]
    private let stages: Int
    private let slices: Int

    public init(_ problem: Problem) {
        stages = problem.stageCount
        slices = problem.sequenceSlices
        var passes: [Op] = []
        passes.reserveCapacity(3 * stages * slices)
        for stage in 0..<stages { for slice in 0..<slices { passes.append(.forward(stage, 0, slice: slice)) } }
        for stage in (0..<stages).reversed() { for slice in (0..<slices).reversed() { passes.append(.backwardInput(stage, 0, slice: slice)) } }
        for stage in 0..<stages { for slice in 0..<slices { passes.append(.backwardWeight(stage, 0, slice: slice)) } }
        self.passes = passes
        let scales = problem.scaleSummary
        duration = passes.map { problem.duration($0.kind, stage: $0.stage, slice: $0.slice) * scales.leastTime }
        copies = scales.totalTime / scales.leastTime
        let device = passes.map { problem.stageDevice[$0.stage] }
        self.device = device
        var arcSource: [Int] = [], arcTarget: [Int] = [], arcLatency: [Double] = []
        arcSource.reserveCapacity(3 * passes.count)
        arcTarget.reserveCapacity(3 * passes.count)
        arcLatency.reserveCapacity(3 * passes.count)
        var arcStart = [0]
        arcStart.reserveCapacity(passes.count + 1)
        let (stages, slices) = (stages, slices)
        func position(_ op: Op) -> Int { Self.position(op.kind, stage: op.stage, slice: op.slice, stages: stages, slices: slices) }
        for (id, op) in passes.enumerated() {
            problem.forEachDependency(of: op) { dependency in
                let p: Int
                switch dependency {
                case .op(let needed): p = position(needed)
                case .inputGradient(let stage, _, let slice): p = position(.backwardInput(stage, 0, slice: slice))
                case .ifScheduled: return  // the chains have no R, O or L: bounds read `Problem.memoryRelaxation`
                }
                arcSource.append(p)
                arcTarget.append(id)
                arcLatency.append(problem.communication.lag(from: device[p], to: device[id], scale: scales.leastMemory * problem.messageSize(passes[p].kind, stage: passes[p].stage, slice: passes[p].slice)))
            }
            arcStart.append(arcSource.count)
        }
        // The arcs again, grouped by the pass they leave (a counting sort, arcs in order within a pass).
        var outStart = [Int](repeating: 0, count: passes.count + 1)
        for source in arcSource { outStart[source + 1] += 1 }
        for id in passes.indices { outStart[id + 1] += outStart[id] }
        var filled = outStart
        var outArcs = [Int](repeating: 0, count: arcSource.count)
        for (k, source) in arcSource.enumerated() {
            outArcs[filled[source]] = k
            filled[source] += 1
        }
        self.arcSource = arcSource
        self.arcTarget = arcTarget
        self.arcLatency = arcLatency
        self.arcStart = arcStart
        self.outArcs = outArcs
        self.outStart = outStart
        var start = [Double](repeating: 0, count: passes.count)
        for id in passes.indices {
            for k in arcStart[id]..<arcStart[id + 1] { start[id] = max(start[id], start[arcSource[k]] + duration[arcSource[k]] + arcLatency[k]) }
        }
        earliestStarts = start
    }

    /// The arcs into pass `id`: read each `k` as `arcSource[k]`, `arcLatency[k]`.
    func arcsInto(_ id: Int) -> Range<Int> { arcStart[id]..<arcStart[id + 1] }

    /// The link latency of the dependency of pass `target` on pass `source` (0 where there is none).
    func latency(from source: Int, to target: Int) -> Double {
        arcsInto(target).first { arcSource[$0] == source }.map { arcLatency[$0] } ?? 0
    }

    /// Position of the pass of `kind` (`BW` counts as `B`) on a stage's slice in `passes`.
    public func position(_ kind: OpKind, stage: Int, slice: Int) -> Int {
        Self.position(kind, stage: stage, slice: slice, stages: stages, slices: slices)
    }

    private static func position(_ kind: OpKind, stage: Int, slice: Int, stages: Int, slices: Int) -> Int {
        let cells = stages * slices
        let cell = stage * slices + slice
        switch kind {
        case .forward, .recompute, .offload, .reload: return cell  // the chains have no R, O or L (bounds read `Problem.memoryRelaxation`)
        case .backwardInput, .backward: return cells + (cells - 1 - cell)
        case .backwardWeight: return 2 * cells + cell
        }
    }

    /// The longest chain from the start of pass `source` to the start of every pass (the time that
    /// must pass between the two starts), `-infinity` for passes that do not depend on it.
    public func startsAfter(_ source: Int) -> [Double] {
        var start = [Double](repeating: -.infinity, count: passes.count)
        start[source] = 0
        for id in (source + 1)..<passes.count {
            for k in arcsInto(id) where start[arcSource[k]] > -.infinity {
                start[id] = max(start[id], start[arcSource[k]] + duration[arcSource[k]] + arcLatency[k])
            }
        }
        return start
    }

    /// The longest chain from the end of every pass to the end of a pass that `isTarget` selects
    /// (0 for a target itself), `-infinity` for passes no target depends on (their tails).
    public func tails(to isTarget: (Int) -> Bool) -> [Double] {
        var tail = [Double](repeating: -.infinity, count: passes.count)
        for id in passes.indices.reversed() {
            if isTarget(id) { tail[id] = 0 }
            for k in outArcs[outStart[id]..<outStart[id + 1]] where tail[arcTarget[k]] > -.infinity {
                tail[id] = max(tail[id], arcLatency[k] + duration[arcTarget[k]] + tail[arcTarget[k]])
            }
        }
        return tail
    }

    /// The length of one microbatch's longest chain: no schedule's makespan is shorter.
    public var criticalPathLength: Double {
        passes.indices.map { earliestStarts[$0] + duration[$0] }.max() ?? 0
    }
}
