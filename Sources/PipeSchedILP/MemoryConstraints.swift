import LinearProgramming
import PipeSched

/// Memory caps per device as prefix sums over the order variables (Zero Bubble's formulation,
/// indexed by device).
///
/// After pass `a` starts on device `d`, memory in use is the device's static memory plus the deltas
/// of `a` and of every pass of `d` that runs before it:
///
///     static(d) + Δa + Σ_{b ≺ a} Δb + Σ_{b unordered with a} Δb · [b before a] ≤ cap(d)
///
/// where `≺` is the ordering graph's closure and `[b before a]` is an order variable (or one minus
/// it). Only passes with Δa > 0 need the row: memory after any other pass is at most the level
/// after an earlier pass or the static memory. The cap is the device's: Zero Bubble's historical
/// code indexed the cap list by node id, which this formulation cannot do by construction.
enum MemoryConstraints {
    /// Adds one row per allocating pass on every capped device. Returns `false` when passes whose
    /// order is already fixed break a cap (the model is infeasible).
    static func add(to model: inout MILPModel, problem: Problem, graph: OrderingGraph,
                    pairs: [ScheduleFormulation.OrderPair]) -> Bool {
        guard problem.memoryLimit != nil else { return true }
        let table = graph.table
        // Order variables touching each pass: (variable, the other pass, whether this pass is `first`).
        var touching = Array(repeating: [(variable: Variable, other: Int, isFirst: Bool)](), count: table.count)
        for pair in pairs {
            touching[pair.first].append((pair.variable, pair.second, true))
            touching[pair.second].append((pair.variable, pair.first, false))
        }
        for device in 0..<problem.devices {
            let cap = problem.cap(device: device)
            guard cap.isFinite else { continue }
            let ids = table.deviceOps[device]
            let tolerance = 1e-9 * max(1, abs(cap))
            for a in ids where table.memoryDelta[a] > 0 {
                var fixed = problem.staticMemory(device: device) + table.memoryDelta[a]
                for b in ids where b != a && graph.precedes(b, a) { fixed += table.memoryDelta[b] }
                var expression = LinearExpression()
                for (variable, other, isFirst) in touching[a] where table.memoryDelta[other] != 0 {
                    let delta = table.memoryDelta[other]
                    if isFirst {
                        // variable = 1: a before other; `other` is before a when variable = 0.
                        fixed += delta
                        expression.addTerm(variable, coefficient: -delta)
                    } else {
                        expression.addTerm(variable, coefficient: delta)
                    }
                }
                if expression.terms.isEmpty {
                    if fixed > cap + tolerance { return false }
                    continue
                }
                model.add(expression <= cap - fixed + tolerance, name: "memory_\(table.ops[a])")
            }
        }
        return true
    }
}
