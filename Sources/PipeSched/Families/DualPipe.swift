/// DeepSeek's DualPipe (DeepSeek-V3 technical report, 2024; `deepseek-ai/DualPipe`, `dualpipe.py`):
/// two copies of the model in opposite directions over `p` devices (the `v` placement with two
/// pipelines, `Pipelines.swift`), each copy running `m` microbatches, so a step trains `2m`.
///
/// `DualPipe.step` runs the same eight steps on every rank, with counts that depend only on the half
/// rank `h = min(rank, p − 1 − rank)` and `p / 2`: the steps of DualPipeV (`DualPipeV.order`), which
/// is DualPipe cut in half, on rank `h` of `p / 2` devices with `m` microbatches. Its "phase 0" is the
/// copy whose first stages lie on the rank's side (the first pipeline on the first half of the
/// ranks, the second on the other), "phase 1" the other copy; the middle ranks play DualPipeV's last
/// rank (their first F&B pair is not overlapped). Each overlapped F&B pair is an overlapped pass where
/// the problem declares hideable time (`OverlappedPass.swift`), else its two passes, forward first.
/// `DualPipeTests` compares every rank's order with a transcription of `dualpipe.py`'s steps.
public struct DualPipe: ScheduleFamily {
    public let name = "dualpipe"
    public let summary = "DeepSeek's DualPipe (DeepSeek-V3): two copies of the model in opposite directions, overlapped F&B pairs; v placement with pipelines 2, even p, m ≥ p per pipeline"
    public let pipelines = 2

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        try requireVShape(problem)
        let p = problem.devices, m = problem.microbatches
        guard p % 2 == 0 else {
            throw FamilyError(method: name, message: "needs an even number of devices (DualPipe asserts it), got \(p)")
        }
        guard m >= p else {
            throw FamilyError(method: name, message: "needs at least as many microbatches per pipeline as devices, \(p) (DualPipe asserts 2m ≥ 2p), got \(m)")
        }
        let ranks = (0..<p).map { Self.order(rank: $0, devices: p, microbatches: m) }
        return Schedule(orders: ranks.map(\.order), overlaps: problem.hasOverlap ? ranks.map(\.pairs) : [])
    }

    /// One rank's passes and the positions of the forwards overlapped with the backward after them.
    static func order(rank: Int, devices p: Int, microbatches m: Int) -> (order: [Op], pairs: Set<Int>) {
        let half = min(rank, p - 1 - rank)
        let secondHalf = rank >= p / 2
        // DualPipeV's first chunk on rank `half` of p/2 devices is phase 0; its second (stage p − 1 − half there) phase 1.
        let first = rank, second = 2 * p - 1 - rank
        let phase0 = secondHalf ? second : first, phase1 = secondHalf ? first : second
        let (order, pairs) = DualPipeV.order(rank: half, devices: p / 2, microbatches: m)
        return (order.map { Op($0.kind, stage: $0.stage == half ? phase0 : phase1, microbatch: $0.microbatch, slice: $0.slice) }, pairs)
    }
}
