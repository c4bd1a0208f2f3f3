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
    /// Dependencies of each pass, as positions in `passes`.
    let predecessors: [[Int]]
    /// Passes that depend on each pass, as positions in `passes`.
    let successors: [[Int]]
    /// Link latency from each predecessor, in the order of `predecessors`.
    let latency: [[Double]]
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
        var predecessors = Array(repeating: [Int](), count: passes.count)
        var successors = Array(repeating: [Int](), count: passes.count)
        var latency = Array(repeating: [Double](), count: passes.count)
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
                predecessors[id].append(p)
                successors[p].append(id)
                latency[id].append(problem.communication.lag(from: device[p], to: device[id], scale: scales.leastMemory * problem.messageSize(passes[p].kind, stage: passes[p].stage, slice: passes[p].slice)))
            }
        }
        self.predecessors = predecessors
        self.successors = successors
        self.latency = latency
        var start = [Double](repeating: 0, count: passes.count)
        for id in passes.indices {
            for (k, p) in predecessors[id].enumerated() { start[id] = max(start[id], start[p] + duration[p] + latency[id][k]) }
        }
        earliestStarts = start
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
            for (k, p) in predecessors[id].enumerated() where start[p] > -.infinity {
                start[id] = max(start[id], start[p] + duration[p] + latency[id][k])
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
            for s in successors[id] where tail[s] > -.infinity {
                let k = predecessors[s].firstIndex(of: id)!
                tail[id] = max(tail[id], latency[s][k] + duration[s] + tail[s])
            }
        }
        return tail
    }

    /// The length of one microbatch's longest chain: no schedule's makespan is shorter.
    public var criticalPathLength: Double {
        passes.indices.map { earliestStarts[$0] + duration[$0] }.max() ?? 0
    }
}
