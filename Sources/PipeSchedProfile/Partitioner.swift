/// How the model's layers are split into pipeline stages.
public enum PartitionStrategy: String, Sendable, Equatable, CaseIterable {
    /// The same number of layers per stage (the remainder to the middle stages first).
    case uniform
    /// The split that minimises the heaviest stage's cost, embedding and head included.
    case balanced
}

/// Splits a sequence of layer costs into contiguous, non-empty stages.
///
/// `balanced` is the classic linear-partition dynamic programme: `best[s][i]`, the least possible
/// heaviest stage when the first `i` layers form `s` stages, is `min over j < i of max(best[s−1][j],
/// cost(j..<i))`; O(stages · layers²).
public enum Partitioner {
    /// Layers per stage.
    public static func partition(costs: [Double], stages: Int, strategy: PartitionStrategy) throws(ProfileError) -> [Int] {
        guard stages >= 1, costs.count >= stages else {
            throw ProfileError(field: "stages", message: "the model has \(costs.count) layers, fewer than the \(stages) pipeline stages",
                               fix: "use fewer devices or chunks per device")
        }
        switch strategy {
        case .uniform: return uniform(layers: costs.count, stages: stages)
        case .balanced: return balanced(costs: costs, stages: stages)
        }
    }

    /// ⌊layers / stages⌋ per stage; the remainder goes one each to the stages after the first, then to
    /// the first (the first and last stages already carry the embedding and the head).
    public static func uniform(layers: Int, stages: Int) -> [Int] {
        var counts = Array(repeating: layers / stages, count: stages)
        let order = stages > 2 ? Array(1..<(stages - 1)) + [0, stages - 1] : Array(0..<stages)
        for k in 0..<(layers % stages) { counts[order[k]] += 1 }
        return counts
    }

    /// The contiguous split minimising the heaviest stage; among equal ones, the earliest cut points.
    public static func balanced(costs: [Double], stages: Int) -> [Int] {
        let n = costs.count
        let prefix = prefixSums(costs)
        var best = Array(repeating: Array(repeating: Double.infinity, count: n + 1), count: stages + 1)
        var cut = Array(repeating: Array(repeating: 0, count: n + 1), count: stages + 1)
        best[0][0] = 0
        for s in 1...stages {
            for i in s...(n - (stages - s)) {
                for j in (s - 1)..<i {
                    let value = max(best[s - 1][j], prefix[i] - prefix[j])
                    if value < best[s][i] {
                        best[s][i] = value
                        cut[s][i] = j
                    }
                }
            }
        }
        var counts = Array(repeating: 0, count: stages)
        var end = n
        for s in stride(from: stages, to: 0, by: -1) {
            counts[s - 1] = end - cut[s][end]
            end = cut[s][end]
        }
        return counts
    }

    /// The heaviest stage's cost under `counts` layers per stage.
    public static func heaviestStage(costs: [Double], counts: [Int]) -> Double {
        let prefix = prefixSums(costs)
        var start = 0, heaviest = 0.0
        for count in counts {
            heaviest = max(heaviest, prefix[start + count] - prefix[start])
            start += count
        }
        return heaviest
    }

    static func prefixSums(_ costs: [Double]) -> [Double] {
        var prefix = [0.0]
        for cost in costs { prefix.append(prefix[prefix.count - 1] + cost) }
        return prefix
    }
}
