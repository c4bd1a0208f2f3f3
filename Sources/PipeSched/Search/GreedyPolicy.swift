/// The knobs of the greedy list scheduler; `GreedySearch` tries a grid of them and keeps the best.
public struct GreedyPolicy: Sendable, Hashable, CustomStringConvertible {
    /// When a pending W pass may run.
    public enum WeightFill: String, Sendable, Hashable, CaseIterable {
        /// Before any forward: W right after its B whenever nothing more urgent is ready (ZB-H1-like).
        case eager
        /// Whenever the device would otherwise wait.
        case fillIdle
        /// Only when it ends before the next known-ready pass (Zero Bubble's W fill).
        case fitIdle
    }

    /// Which ready forward to run first when a device holds several stages.
    public enum ChunkOrder: String, Sendable, Hashable, CaseIterable {
        /// The latest stage first: push a microbatch towards the loss (Megatron's interleaving).
        case depthFirst
        /// The earliest stage first: admit new microbatches (breadth-first).
        case breadthFirst
    }

    /// Warm-up depth: a device admits up to `ceil(warmupFactor × round trip / (F + B))` microbatches
    /// before their backward returns (1 gives 1F1B's depth, 2 ZB-H2's), and never beyond its memory cap.
    public var warmupFactor: Double
    /// Run a ready B before a ready F even while the warm-up depth allows the F.
    public var preferBackward: Bool
    public var weightFill: WeightFill
    public var chunkOrder: ChunkOrder

    public init(warmupFactor: Double = 1, preferBackward: Bool = true, weightFill: WeightFill = .fitIdle,
                chunkOrder: ChunkOrder = .depthFirst) {
        self.warmupFactor = warmupFactor
        self.preferBackward = preferBackward
        self.weightFill = weightFill
        self.chunkOrder = chunkOrder
    }

    public var description: String {
        "warmup×\(warmupFactor.readable) \(preferBackward ? "B-first" : "F-first") W:\(weightFill.rawValue) \(chunkOrder.rawValue)"
    }

    /// The policies `GreedySearch` tries; chunk order only matters when a device holds several stages.
    public static func grid(severalStagesPerDevice: Bool) -> [GreedyPolicy] {
        var result: [GreedyPolicy] = []
        for warmup in [1.0, 1.5, 2, 3, 1000] {
            for preferBackward in [true, false] {
                for fill in WeightFill.allCases {
                    for order in severalStagesPerDevice ? ChunkOrder.allCases : [.depthFirst] {
                        result.append(GreedyPolicy(warmupFactor: warmup, preferBackward: preferBackward, weightFill: fill, chunkOrder: order))
                    }
                }
            }
        }
        return result
    }
}
