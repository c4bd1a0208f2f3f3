import LinearProgramming

/// Deterministic pseudo-random numbers (SplitMix64), so test models are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Small models with known optima, shared by the solver tests.
enum TestModels {
    /// 0/1 knapsack: (weight, value) = (12,4) (2,2) (1,1) (1,2) (4,10), capacity 15.
    ///
    /// Optimum 15, derived by hand: all five items weigh 20 > 15, so something must go.
    /// Without the 12-weight item the other four fit (weight 8) and give 2+1+2+10 = 15.
    /// With it only 3 capacity is left, enough for at most two of the weight-1/2 items
    /// (best 2+2 = 4), i.e. 4 + 4 = 8 < 15. So the optimum is 15 = items 2...5.
    static func smallKnapsack() -> (model: MILPModel, items: [Variable], optimum: Double) {
        let built = knapsack(weights: [12, 2, 1, 1, 4], values: [4, 2, 1, 2, 10], capacity: 15)
        return (built.model, built.items, 15)
    }

    /// A 0/1 knapsack with integer data; `optimum` is computed by dynamic programming.
    static func knapsack(weights: [Int], values: [Int], capacity: Int) -> (model: MILPModel, items: [Variable], optimum: Double) {
        var model = MILPModel()
        let items = weights.indices.map { model.addVariable("take\($0)", kind: .binary) }
        model.add(LinearExpression(terms: zip(items, weights).map { LinearTerm($0, Double($1)) }) <= Double(capacity), name: "capacity")
        model.maximize(LinearExpression(terms: zip(items, values).map { LinearTerm($0, Double($1)) }))
        return (model, items, Double(knapsackDP(weights: weights, values: values, capacity: capacity)))
    }

    static func knapsackDP(weights: [Int], values: [Int], capacity: Int) -> Int {
        var best = [Int](repeating: 0, count: capacity + 1)
        best.withUnsafeMutableBufferPointer { table in  // unchecked: fast even in debug builds
            for (w, v) in zip(weights, values) where w <= capacity {
                var c = capacity
                while c >= w {
                    let candidate = table[c - w] + v
                    if candidate > table[c] { table[c] = candidate }
                    c -= 1
                }
            }
        }
        return best[capacity]
    }

    /// A random knapsack with `count` items (weights 10...60, values 5...50), capacity = half the total weight.
    static func randomKnapsack(count: Int, seed: UInt64) -> (model: MILPModel, items: [Variable], optimum: Double) {
        var rng = SeededGenerator(seed: seed)
        let weights = (0..<count).map { _ in Int.random(in: 10...60, using: &rng) }
        let values = (0..<count).map { _ in Int.random(in: 5...50, using: &rng) }
        return knapsack(weights: weights, values: values, capacity: weights.reduce(0, +) / 2)
    }

    /// A hard 0/1 multi-dimensional knapsack (50 items, 5 capacity rows, values correlated
    /// with weights); CBC needs about 10 s to prove optimality on it.
    static func hardMultiKnapsack(seed: UInt64 = 7) -> MILPModel {
        var rng = SeededGenerator(seed: seed)
        let items = 50, rows = 5
        var model = MILPModel()
        let take = model.addVariables(items, namePrefix: "take", kind: .binary)
        let weights = (0..<rows).map { _ in (0..<items).map { _ in Double(Int.random(in: 10...99, using: &rng)) } }
        for r in 0..<rows {
            let load = LinearExpression(terms: (0..<items).map { LinearTerm(take[$0], weights[r][$0]) })
            model.add(load <= weights[r].reduce(0, +) / 2, name: "capacity\(r)")
        }
        var objective = LinearExpression()
        for i in 0..<items {
            let meanWeight = (0..<rows).map { weights[$0][i] }.reduce(0, +) / Double(rows)
            objective.addTerm(take[i], coefficient: meanWeight + Double(Int.random(in: 0...9, using: &rng)))
        }
        model.maximize(objective)
        return model
    }
}
