/// The kind of a pipeline pass.
///
/// Zero Bubble (Qi et al., ICLR 2024) splits the backward pass into `backwardInput` (B, on the
/// critical path) and `backwardWeight` (W, deferrable); `backward` (BW) is the fused pass of
/// classic schedules. Raw values are the letters of the schedule JSON.
///
/// The pass kinds are declared here and nowhere else: every part switches over `OpKind`, so adding
/// a kind (recompute, offload, a transfer, an overlapped F&B) makes the compiler list each place
/// that must support it or refuse it (`docs/architecture.md`).
public enum OpKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case forward = "F"
    case backwardInput = "B"
    case backwardWeight = "W"
    case backward = "BW"
    /// Recomputation of a forward's activations before its backward (`MemoryActions.swift`): runs on
    /// the compute stream, only for cells the schedule chose to recompute.
    case recompute = "R"

    /// Dense index used by array-backed lookups.
    @inline(__always)
    public var index: Int {
        switch self {
        case .forward: 0
        case .backwardInput: 1
        case .backwardWeight: 2
        case .backward: 3
        case .recompute: 4
        }
    }

    /// Whether this pass produces the input gradient that the previous stage waits for.
    public var producesInputGradient: Bool { self == .backwardInput || self == .backward }

    public static func < (lhs: OpKind, rhs: OpKind) -> Bool { lhs.index < rhs.index }
}
