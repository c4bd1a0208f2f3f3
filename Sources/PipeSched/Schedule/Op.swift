/// The identity of one pass: its kind, stage, microbatch and sequence slice.
///
/// `slice` is 0 unless the problem splits sequences (Seq1F1B-style slices).
public struct Op: Sendable, Hashable, Codable, CustomStringConvertible {
    public var kind: OpKind
    public var stage: Int
    public var microbatch: Int
    public var slice: Int

    public init(_ kind: OpKind, stage: Int, microbatch: Int, slice: Int = 0) {
        self.kind = kind
        self.stage = stage
        self.microbatch = microbatch
        self.slice = slice
    }

    /// Compact label, e.g. `F(s2,m5)` or `B(s0,m1,k3)` with a slice.
    public var description: String {
        slice == 0 ? "\(kind.rawValue)(s\(stage),m\(microbatch))" : "\(kind.rawValue)(s\(stage),m\(microbatch),k\(slice))"
    }

    public static func forward(_ stage: Int, _ microbatch: Int, slice: Int = 0) -> Op { Op(.forward, stage: stage, microbatch: microbatch, slice: slice) }
    public static func backwardInput(_ stage: Int, _ microbatch: Int, slice: Int = 0) -> Op { Op(.backwardInput, stage: stage, microbatch: microbatch, slice: slice) }
    public static func backwardWeight(_ stage: Int, _ microbatch: Int, slice: Int = 0) -> Op { Op(.backwardWeight, stage: stage, microbatch: microbatch, slice: slice) }
    public static func backward(_ stage: Int, _ microbatch: Int, slice: Int = 0) -> Op { Op(.backward, stage: stage, microbatch: microbatch, slice: slice) }
}
