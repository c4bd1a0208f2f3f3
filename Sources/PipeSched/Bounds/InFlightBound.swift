/// The in-flight bound: one microbatch's chains, repeated for every microbatch and tied together by
/// how many microbatches the memory cap lets a stage hold at once (`MemoryPrecedence`).
///
/// The nodes are order statistics: `(pass, i)` stands for the i-th earliest start among the passes of
/// that (kind, stage, slice) over all microbatches, so no microbatch order is assumed. Three kinds of
/// arcs, each with the least time that must pass between the two starts, hold for every valid
/// schedule:
///
/// - a dependency of one microbatch's chains (`MicrobatchChains`) with its lag, between the i-th
///   starts of the two classes: every class has the same lag for every microbatch, so matching the
///   i-th of one class to the i-th of the other is the tightest matching;
/// - `(pass, i) → (pass, i + 1)`: passes of one class share a device and do not overlap;
/// - `MemoryPrecedence`'s pairs: with room for k microbatches in flight, the i-th start of `B` (or of
///   a fused `BW`) comes no later than the (i + k)-th start of `F` (at that moment k + 1 microbatches
///   would otherwise hold their activations); likewise for `W`, used only where a fused `BW` cannot
///   lower the peak (`Problem.fusedBackwardCanLowerPeak`), as then an optimal schedule splits every
///   backward.
///
/// The longest path from a device's first forward to the end of its last pass bounds its span
/// (stageSpan); from time 0 to any pass's end, the makespan. It adds to the other bounds only under a
/// cap (without one it is one microbatch's chain plus serial passes) and is 0 without pairs.
public enum InFlightBound {
    /// The in-flight bound on `objective` (0 when the cap implies no precedence).
    public static func value(_ problem: Problem, objective: Objective, chains: MicrobatchChains) -> Double {
        let splitOnly = !problem.fusedBackwardCanLowerPeak
        let pairs = MemoryPrecedence.pairs(problem).filter { splitOnly || $0.before.kind != .backwardWeight }
        guard !pairs.isEmpty else { return 0 }
        let graph = Graph(problem, chains: chains, pairs: pairs)
        switch objective {
        case .makespan:
            return graph.longestEnd(from: nil)
        case .stageSpan:
            return (0..<problem.devices).map { device in
                let first = chains.position(.forward, stage: problem.deviceStages[device][0], slice: 0)
                return graph.longestEnd(from: first, onDevice: device)
            }.max() ?? 0
        }
    }

    /// The order-statistic graph: `microbatches` copies of the chains' passes, node `i · passes + pass`.
    private struct Graph {
        let chains: MicrobatchChains
        let passes: Int
        let microbatches: Int
        /// Memory arcs into each node (lag 0): the source nodes, empty for most.
        let memoryArcs: [[Int]]

        init(_ problem: Problem, chains: MicrobatchChains, pairs: [MemoryPrecedence.Pair]) {
            self.chains = chains
            passes = chains.passes.count
            microbatches = problem.microbatches
            let passes = passes
            var arcs = [[Int]](repeating: [], count: passes * microbatches)
            for pair in pairs {
                let from = pair.before.microbatch * passes + chains.position(pair.before.kind, stage: pair.before.stage, slice: 0)
                let to = pair.after.microbatch * passes + chains.position(.forward, stage: pair.after.stage, slice: 0)
                arcs[to].append(from)
            }
            memoryArcs = arcs
        }

        /// The latest end a pass must reach: the longest path from the start of `source` in copy 0 (or
        /// from time 0 for every node when `nil`) plus the pass's duration, over the passes on `device`
        /// (every pass when `nil`). Arcs only go to later passes of a copy or to later copies.
        func longestEnd(from source: Int?, onDevice device: Int? = nil) -> Double {
            var start = [Double](repeating: source == nil ? 0 : -.infinity, count: passes * microbatches)
            if let source { start[source] = 0 }
            var best = 0.0
            for copy in 0..<microbatches {
                let base = copy * passes
                for pass in 0..<passes {
                    let node = base + pass
                    var value = start[node]
                    for k in chains.arcsInto(pass) where start[base + chains.arcSource[k]] > -.infinity {
                        let p = chains.arcSource[k]
                        value = max(value, start[base + p] + chains.duration[p] + chains.arcLatency[k])
                    }
                    if copy > 0, start[node - passes] > -.infinity {
                        value = max(value, start[node - passes] + chains.duration[pass])
                    }
                    for from in memoryArcs[node] where start[from] > -.infinity {
                        value = max(value, start[from])
                    }
                    start[node] = value
                    if value > -.infinity, device == nil || chains.device[pass] == device {
                        best = max(best, value + chains.duration[pass])
                    }
                }
            }
            return best
        }
    }
}
