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
    /// Offload of a forward's activations to host memory (`Offloading.swift`): runs on the device's
    /// device-to-host copy stream, beside compute, for cells the schedule chose to offload.
    case offload = "O"
    /// Reload of offloaded activations before the cell's backward: the host-to-device copy stream.
    case reload = "L"

    /// Dense index used by array-backed lookups.
    @inline(__always)
    public var index: Int {
        switch self {
        case .forward: 0
        case .backwardInput: 1
        case .backwardWeight: 2
        case .backward: 3
        case .recompute: 4
        case .offload: 5
        case .reload: 6
        }
    }

    /// The stream of its device the pass runs on; each stream runs one pass at a time, in the
    /// device order's sequence (`Offloading.swift` gives the rules between streams).
    @inline(__always)
    public var stream: PassStream {
        switch self {
        case .forward, .backwardInput, .backwardWeight, .backward, .recompute: .compute
        case .offload: .deviceToHost
        case .reload: .hostToDevice
        }
    }

    /// Whether the pass computes (runs on the compute stream) rather than copies.
    @inline(__always)
    public var computes: Bool { stream == .compute }

    /// Whether this pass produces the input gradient that the previous stage waits for.
    public var producesInputGradient: Bool { self == .backwardInput || self == .backward }

    public static func < (lhs: OpKind, rhs: OpKind) -> Bool { lhs.index < rhs.index }
}

/// The streams of a device: compute, and one copy stream per direction of the host link (PipeOffload,
/// Wan et al., ICML 2025: offloads and reloads overlap compute).
public enum PassStream: Int, Sendable, Hashable, CaseIterable {
    case compute
    case deviceToHost
    case hostToDevice
}
