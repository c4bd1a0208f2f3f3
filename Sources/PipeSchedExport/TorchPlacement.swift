/// The stage-to-rank placements PyTorch and torchtitan build (`generate_stage_to_rank_mapping`).
///
/// torchtitan decides which stages a rank builds from the schedule *name*, not from the CSV: "v"
/// for `ZBVZeroBubble` and `DualPipeV` (two stages per rank), "loop" for every other name. A CSV whose
/// placement is neither cannot be run there, so the writer refuses it unless told otherwise.
public enum TorchPlacement: String, Sendable, Equatable, CaseIterable {
    /// Stage `s` on rank `s mod p`, the same number of stages on every rank (one stage per rank is the
    /// plain pipeline).
    case loop
    /// Two stages per rank in a V: stage `s` on rank `s` for `s < p`, else on rank `2p − 1 − s`.
    case v

    /// The rank of every stage under this placement.
    public func ranks(stages: Int, ranks p: Int) -> [Int] {
        switch self {
        case .loop: (0..<stages).map { $0 % p }
        case .v: (0..<stages).map { $0 < p ? $0 : 2 * p - 1 - $0 }
        }
    }

    /// The placement equal to `stageRank`, or `nil` when torchtitan cannot build it. One stage per
    /// rank counts as loop.
    public static func matching(_ stageRank: [Int], ranks p: Int) -> TorchPlacement? {
        guard p > 0, !stageRank.isEmpty, stageRank.count % p == 0 else { return nil }
        if loop.ranks(stages: stageRank.count, ranks: p) == stageRank { return .loop }
        if stageRank.count == 2 * p, v.ranks(stages: stageRank.count, ranks: p) == stageRank { return .v }
        return nil
    }
}
