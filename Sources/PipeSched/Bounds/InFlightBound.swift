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
/// - `MemoryPrecedence`'s pairs: with room for k microbatches in flight, the i-th `B` (or fused `BW`)
///   ends no later than the (i + k)-th start of `F` (at that moment k + 1 microbatches would
///   otherwise hold their activations, and the `B` ran before the `F` on their device, which runs
///   one pass at a time); likewise for `W`, used only where a fused `BW` cannot lower the peak
///   (`Problem.fusedBackwardCanLowerPeak`), as then an optimal schedule splits every backward. The
///   i-th earliest end of a class is at least its i-th earliest start plus the least duration;
/// - `MemoryPrecedence`'s choices, where split passes are optimal: the (x)-th start of `F` waits until,
///   for one option, the i-th `B` and the w-th `W` have ended (the soonest option counts).
///
/// The longest path from a device's first forward to the end of its last pass bounds its span
/// (stageSpan); from time 0 to any pass's end, the makespan. It adds to the other bounds only under a
/// cap (without one it is one microbatch's chain plus serial passes) and is 0 without pairs.
public enum InFlightBound {
    /// The in-flight bound on `objective` (0 when the cap implies no precedence).
    public static func value(_ problem: Problem, objective: Objective, chains: MicrobatchChains) -> Double {
        let splitOnly = !problem.fusedBackwardCanLowerPeak
        let rooms = MemoryPrecedence.rooms(problem)
        let pairs = MemoryPrecedence.pairs(rooms, microbatches: problem.microbatches).filter { splitOnly || $0.before.kind != .backwardWeight }
        guard !pairs.isEmpty else { return 0 }
        let graph = Graph(problem, chains: chains, pairs: pairs, choosing: splitOnly ? rooms : [])
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
        /// Memory arcs into each node: the source nodes, empty for most.
        let memoryArcs: [[Int]]
        /// Choices into each node (`MemoryPrecedence.StageRoom.options`, computed once here): per
        /// option, the `B` node and the `W` node whose ends it waits for (−1: none).
        let choiceArcs: [(exact: (backward: Int, weight: Int), more: (backward: Int, weight: Int))?]

        init(_ problem: Problem, chains: MicrobatchChains, pairs: [MemoryPrecedence.Pair], choosing rooms: [MemoryPrecedence.StageRoom]) {
            self.chains = chains
            passes = chains.passes.count
            microbatches = problem.microbatches
            let passes = passes
            func node(_ op: Op) -> Int { op.microbatch * passes + chains.position(op.kind, stage: op.stage, slice: 0) }
            var arcs = [[Int]](repeating: [], count: passes * microbatches)
            for pair in pairs { arcs[node(pair.after)].append(node(pair.before)) }
            memoryArcs = arcs
            var choices = [(exact: (backward: Int, weight: Int), more: (backward: Int, weight: Int))?](repeating: nil, count: passes * microbatches)
            for room in rooms {
                func sources(_ requirement: MemoryPrecedence.Requirement) -> (backward: Int, weight: Int) {
                    (requirement.backwards > 0 ? node(.backwardInput(room.stage, requirement.backwards - 1)) : -1,
                     requirement.weights > 0 ? node(.backwardWeight(room.stage, requirement.weights - 1)) : -1)
                }
                for x in 0..<microbatches {
                    guard let (exact, more) = room.options(forward: x) else { continue }
                    choices[node(.forward(room.stage, x))] = (sources(exact), sources(more))
                }
            }
            choiceArcs = choices
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
                    // The pass a memory arc comes from runs before the forward in its device's
                    // order, so it has ended when the forward starts.
                    for from in memoryArcs[node] where start[from] > -.infinity {
                        value = max(value, start[from] + chains.duration[from % passes])
                    }
                    // A choice: the forward waits for the option whose passes end soonest.
                    if let (exact, more) = choiceArcs[node] {
                        func end(_ sources: (backward: Int, weight: Int)) -> Double {
                            max(sources.backward < 0 ? -.infinity : start[sources.backward] + chains.duration[sources.backward % passes],
                                sources.weight < 0 ? -.infinity : start[sources.weight] + chains.duration[sources.weight % passes])
                        }
                        value = max(value, min(end(exact), end(more)))
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
