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
///
/// With optional recomputation (binary `r` per `R`, `MemoryActions.swift`), a recomputed cell's
/// `F` keeps `rebuilt` less and its `R` allocates `rebuilt`: `Δ_F = F − rebuilt·r`, `Δ_R =
/// rebuilt·r`. Where such a delta meets an order variable the product `r·[b before a]` is a
/// continuous `w`, bounded from the side that keeps the row valid: `w ≥ r + [b before a] − 1` where
/// it adds memory (an `R`), `w ≤ r` and `w ≤ [b before a]` where it removes memory (an `F`).
enum MemoryConstraints {
    /// A product `w = r · [other before a]` of a recomputation binary and an order: `[other before a]`
    /// is `order` when `otherFirst`, else `1 − order`.
    struct Product {
        var w: Variable
        var recompute: Variable
        var order: Variable
        var otherFirst: Bool
    }

    /// Adds one row per allocating pass on every capped device, and returns the products it
    /// linearised (for warm starts). `feasible` is `false` when passes whose order is already fixed
    /// break a cap (the model is infeasible).
    static func add(to model: inout MILPModel, problem: Problem, graph: OrderingGraph,
                    pairs: [ScheduleFormulation.OrderPair], recomputed: [Int: Variable] = [:]) -> (feasible: Bool, products: [Product]) {
        var products: [Product] = []
        guard problem.memoryLimit != nil else { return (true, products) }
        let table = graph.table
        // Per pass: the binary and memory of the recomputation that changes its delta (its own for
        // an R, sign +1; its cell's for an F, sign −1).
        var action = [(variable: Variable, rebuilt: Double, sign: Double)?](repeating: nil, count: table.count)
        for (id, recompute) in table.recompute {
            guard let r = recomputed[id] else { continue }
            action[id] = (r, recompute.rebuilt, 1)
            action[recompute.forward] = (r, recompute.rebuilt, -1)
        }
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
                var fixed = problem.staticMemory(device: device)
                var expression = LinearExpression()
                // A pass's delta: its fixed part (an R has none) and its action term.
                func addDelta(of b: Int) {
                    guard let action = action[b] else {
                        fixed += table.memoryDelta[b]
                        return
                    }
                    if action.sign < 0 { fixed += table.memoryDelta[b] }
                    expression.addTerm(action.variable, coefficient: action.sign * action.rebuilt)
                }
                addDelta(of: a)
                for b in ids where b != a && graph.precedes(b, a) { addDelta(of: b) }
                for (variable, other, isFirst) in touching[a] where table.memoryDelta[other] != 0 || action[other] != nil {
                    // `[other before a]`: the variable when `other` is first, else one minus it.
                    let delta = action[other].map { $0.sign < 0 ? table.memoryDelta[other] : 0 } ?? table.memoryDelta[other]
                    if isFirst {
                        // variable = 1: a before other; `other` is before a when variable = 0.
                        fixed += delta
                        expression.addTerm(variable, coefficient: -delta)
                    } else {
                        expression.addTerm(variable, coefficient: delta)
                    }
                    guard let action = action[other] else { continue }
                    let w = model.addVariable("w_\(table.ops[other])_\(table.ops[a])", lower: 0, upper: 1)
                    products.append(Product(w: w, recompute: action.variable, order: variable, otherFirst: !isFirst))
                    let before = isFirst ? 1 - LinearExpression(variable) : LinearExpression(variable)
                    if action.sign > 0 {
                        model.add(LinearExpression(w) - action.variable - before >= -1, name: "recompute_memory")
                    } else {
                        model.add(LinearExpression(w) - action.variable <= 0, name: "recompute_memory")
                        model.add(LinearExpression(w) - before <= 0, name: "recompute_memory")
                    }
                    expression.addTerm(w, coefficient: action.sign * action.rebuilt)
                }
                if expression.terms.isEmpty {
                    if fixed > cap + tolerance { return (false, products) }
                    continue
                }
                model.add(expression <= cap - fixed + tolerance, name: "memory_\(table.ops[a])")
            }
        }
        return (true, products)
    }
}
