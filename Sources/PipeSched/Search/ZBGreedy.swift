/// The Zero Bubble scheduler's greedy, as published: our baseline.
///
/// A port of `Graph.manual_order` and `initial_solution` in
/// `megatron/core/pipeline_parallel/zerobubble/scheduler/zb.py` of
/// sail-sg/zero-bubble-pipeline-parallelism (Qi et al., "Zero Bubble Pipeline Parallelism",
/// ICLR 2024). It keeps the original's behaviour, weaknesses included: stage costs are flattened to
/// their median ("Using uniform f/b/w timing for now" in its runtime), one scalar communication
/// latency, one stage per device, and a search over only 8 flag combinations. Its memory limit per
/// stage is the device cap minus static memory (the original's `max_mem`, defaulting to
/// 3·m·`mem_f`). The per-stage orders it produces are then timed by our simulator with the real costs.
/// Where microbatches differ (`microbatchScales`), which the original never sees, each pass moves its
/// own microbatch's memory (`memory(_:_:_:)`), so the orders keep each device within its cap as the
/// original's do for alike microbatches; its times stay the original's one per pass kind (timed per
/// microbatch, the port's schedules came out 0.5% longer in all on 24 random uncapped problems).
public enum ZBGreedy {
    /// The best of the 8 flag combinations by the original's own "longest stage time", or `nil` when
    /// every combination raises "Cannot fit memory".
    public static func schedule(_ problem: Problem) -> Schedule? {
        let core = Core(problem)
        var best: (orders: [[Op]], time: Double)?
        for allowBubble in [true, false] {
            for prioritizeB in [true, false] {
                for noBubbleGreedy in [true, false] {
                    guard let result = core.manualOrder(allowBubbleBeforeFirstB: allowBubble, prioritizeB: prioritizeB,
                                                        noBubbleGreedy: noBubbleGreedy) else { continue }
                    if best == nil || result.time < best!.time { best = result }
                }
            }
        }
        guard let best else { return nil }
        var orders = Array(repeating: [Op](), count: problem.devices)
        for stage in 0..<problem.stageCount { orders[problem.stageDevice[stage]] = best.orders[stage] }
        return Schedule(orders: orders)
    }

    private struct Core {
        let problem: Problem
        let stages: Int
        let microbatches: Int
        let cost: [[Double]]  // [type][stage], median-flattened
        let memories: [[Double]]  // [type][stage]
        let maxMemory: [Double]
        let comm: Double

        /// Memory delta of a pass of `type` on `stage` for microbatch `mb` (a look-ahead may name
        /// the one past the last, which then never runs).
        func memory(_ type: Int, _ stage: Int, _ mb: Int) -> Double {
            memories[type][stage] * problem.scale(microbatch: min(mb, microbatches - 1)).memory
        }

        init(_ problem: Problem) {
            self.problem = problem
            stages = problem.stageCount
            microbatches = problem.microbatches
            func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
            let f = problem.stages.map(\.forward), b = problem.stages.map(\.backwardInput), w = problem.stages.map(\.backwardWeight)
            cost = [f, b, w].map { Array(repeating: median($0), count: problem.stageCount) }
            memories = [problem.stages.map(\.memory.forward), problem.stages.map(\.memory.backwardInput), problem.stages.map(\.memory.backwardWeight)]
            maxMemory = (0..<problem.stageCount).map { stage in
                let device = problem.stageDevice[stage]
                let cap = problem.cap(device: device)
                return cap.isFinite ? cap - problem.staticMemory(device: device)
                    : problem.stages[stage].memory.forward * problem.scaleSummary.totalMemory * 3
            }
            comm = problem.maxLag
        }

        // swiftlint:disable:next function_body_length
        func manualOrder(allowBubbleBeforeFirstB: Bool, prioritizeB: Bool, noBubbleGreedy: Bool) -> (orders: [[Op]], time: Double)? {
            let S = stages, M = microbatches
            var count = Array(repeating: Array(repeating: 0, count: S), count: 3)  // f, b, w per stage
            var e = Array(repeating: 0.0, count: S)
            var m = Array(repeating: 0.0, count: S)
            var t = Array(repeating: Array(repeating: 0.0, count: S * M), count: 3)
            var bubble = Array(repeating: 0.0, count: S)
            var orders = Array(repeating: [Op](), count: S)
            func maxBubble() -> Double { bubble.max() ?? 0 }
            func tEnd(_ type: Int, _ stage: Int, _ mb: Int) -> Double { t[type][stage * M + mb] }

            func put(_ j: Int, _ type: Int) {
                let i = count[type][j]
                let c = cost[type][j]
                let op = Op([OpKind.forward, .backwardInput, .backwardWeight][type], stage: j, microbatch: i)
                var end = e[j] + c
                let noBubble = end
                // Dependencies on other stages (the original's F(j−1) and B(j+1)), from the one rule;
                // those on this stage ran earlier on it.
                problem.forEachDependency(of: op) { dependency in
                    switch dependency {
                    case .op(let needed) where needed.stage != j:
                        end = max(end, tEnd(needed.kind == .forward ? 0 : 1, needed.stage, i) + comm + c)
                    case .inputGradient(let stage, _, _) where stage != j:
                        end = max(end, tEnd(1, stage, i) + comm + c)
                    default:
                        break
                    }
                }
                if count[0][j] > 0 { bubble[j] += end - noBubble }
                e[j] = end
                t[type][j * M + i] = end
                m[j] += memory(type, j, i)
                count[type][j] += 1
                orders[j].append(op)
            }

            /// Puts W passes to fill the wait before a dependency at `arrival` (both F and B use this rule).
            func fillWeights(_ j: Int, before arrival: Double) {
                while count[2][j] < count[1][j] && e[j] + cost[2][j] <= arrival { put(j, 2) }
                if count[2][j] < count[1][j] && e[j] < arrival {
                    if arrival - e[j] <= maxBubble() - bubble[j] {
                        if noBubbleGreedy { put(j, 2) }
                    } else {
                        put(j, 2)
                    }
                }
            }

            for i in 0..<M {
                if i == 0 {
                    for j in 0..<S { put(j, 0) }
                    var required = Array(repeating: 0, count: S)
                    var lastT = 0.0
                    for j in stride(from: S - 1, through: 0, by: -1) {
                        if j == S - 1 {
                            lastT = tEnd(0, j, i) + cost[1][j]
                            continue
                        }
                        var mem = m[j]
                        var time = e[j]
                        while count[0][j] + required[j] < M && mem + memory(0, j, count[0][j] + required[j]) <= maxMemory[j] {
                            if allowBubbleBeforeFirstB {
                                if time + cost[0][j] > lastT + comm { break }
                            } else if time >= lastT + comm {
                                break
                            }
                            mem += memory(0, j, count[0][j] + required[j])
                            time += cost[0][j]
                            required[j] += 1
                        }
                        lastT = max(time, lastT + comm) + cost[1][j]
                    }
                    for j in 0..<S {
                        while j > 0 && required[j] > 0 && required[j] >= required[j - 1] && count[0][j] + required[j] < M {
                            required[j] -= 1
                        }
                    }
                    for j in 0..<S { for _ in 0..<required[j] { put(j, 0) } }
                    for j in stride(from: S - 1, through: 0, by: -1) { put(j, 1) }
                    continue
                }
                var required = Array(repeating: 0, count: S)
                for j in 0..<S where count[0][j] < M {
                    if j + 1 < S && count[0][j] >= count[0][j + 1] + 2 && prioritizeB {
                        let nextPlusFW = e[j + 1] + cost[0][j + 1] + cost[1][j + 1] + comm
                        if e[j] >= nextPlusFW { continue }
                        var weightCost = 0.0, weights = 0
                        var memWithW = m[j] + memory(0, j, count[0][j])
                        while memWithW > maxMemory[j] && count[2][j] + weights < count[1][j] {
                            weightCost += cost[2][j]
                            memWithW += memory(2, j, count[2][j] + weights)
                            weights += 1
                        }
                        if e[j] + cost[0][j] + weightCost <= nextPlusFW {
                            required[j] = 1
                            continue
                        }
                        if nextPlusFW - e[j] <= maxBubble() - bubble[j] { continue }
                    }
                    required[j] = 1
                }
                for j in stride(from: S - 2, through: 0, by: -1) { required[j] = min(required[j], required[j + 1]) }
                for j in 0..<S where required[j] != 0 {
                    while m[j] + memory(0, j, count[0][j]) > maxMemory[j] {
                        if count[2][j] >= count[1][j] { return nil }  // "Cannot fit memory"
                        put(j, 2)
                    }
                    if j > 0 { fillWeights(j, before: tEnd(0, j - 1, count[0][j]) + comm) }
                    put(j, 0)
                }
                for j in stride(from: S - 1, through: 0, by: -1) {
                    while m[j] + memory(1, j, count[1][j]) > maxMemory[j] {
                        if count[2][j] >= count[1][j] { return nil }
                        put(j, 2)
                    }
                    if j + 1 < S { fillWeights(j, before: tEnd(1, j + 1, i) + comm) }
                    if j == 0 && count[0][j] == M {
                        while count[2][j] < count[1][j] { put(j, 2) }
                    }
                    put(j, 1)
                }
            }
            for j in 0..<S { while count[2][j] < M { put(j, 2) } }
            var best = 0.0
            for j in 0..<S { best = max(best, tEnd(2, j, M - 1) - tEnd(0, j, 0) + cost[0][j]) }
            return (orders, best)
        }
    }
}
