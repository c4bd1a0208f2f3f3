/// Chimera (Li and Hoefler, "Chimera: Efficiently Training Large-Scale Neural Networks with
/// Bidirectional Pipelines", SC 2021): two copies of the model in opposite directions over `p`
/// devices (the `v` placement with two pipelines, `Pipelines.swift`), the down pipeline's stage `s`
/// on device `s` and the up pipeline's on device `p − 1 − s`.
///
/// The order is the table of Chimera's schedule generator (`Shigangli/Chimera`,
/// `chimera_pipeline_rank.py`, which its runtime follows cell by cell), a forward or a fused backward
/// per device and step. A unit gives each pipeline `p / 2` microbatches, entering its first stage
/// every second step; each goes one stage a step to its pipeline's last stage, runs its backward
/// there on the next step, and comes back one stage a step. Microbatch `k` of a unit starting at step
/// `t` thus runs its forward on stage `s` at `t + 2k + s` and its backward at `t + 2k + 2p − 1 − s`,
/// and for an even `p` the two pipelines never meet on a device (§3.1: `p − 2` idle steps a device,
/// against 1F1B's `2(p − 1)`). The next unit of each pipeline enters when the unit before has
/// brought its first microbatch back to the first stage, `2p` steps later, as the generator starts
/// its second unit; its forwards fill the bubbles at the end of the unit before ("direct
/// concatenation", §3.5), again without meeting it. A last unit with fewer microbatches is the same
/// table cut short. As with every family, only the order is kept: the problem's costs time it.
/// (The paper's other ways to run more microbatches, forward doubling with recomputation and
/// backward halving, are not built.)
public struct Chimera: ScheduleFamily {
    public let name = "chimera"
    public let summary = "Chimera (Li and Hoefler, SC 2021): two copies of the model in opposite directions, p/2 microbatches each per unit, units concatenated; fused BW; v placement with pipelines 2, even p"
    public let pipelines = 2

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        try requireVShape(problem)
        let p = problem.devices
        guard p % 2 == 0 else {
            throw FamilyError(method: name, message: "needs an even number of devices (the two pipelines then never meet on a device), got \(p)")
        }
        var cells = Array(repeating: [(step: Int, op: Op)](), count: p)
        for cell in Self.table(devices: p, microbatches: problem.microbatches) {
            cells[cell.device].append((cell.step, cell.op))
        }
        return Schedule(orders: cells.map { $0.sorted { $0.step < $1.step }.map(\.op) })
    }

    /// Every pass of the generator's table: its device, its step, and the pass (the down pipeline's
    /// stage `s` is problem stage `s`, the up pipeline's is `p + s`).
    static func table(devices p: Int, microbatches m: Int) -> [(device: Int, step: Int, op: Op)] {
        let unit = p / 2
        var cells: [(device: Int, step: Int, op: Op)] = []
        cells.reserveCapacity(4 * p * m)
        for microbatch in 0..<m {
            let start = 2 * p * (microbatch / unit) + 2 * (microbatch % unit)
            for stage in 0..<p {
                let forward = start + stage, backward = start + 2 * p - 1 - stage
                cells.append((stage, forward, .forward(stage, microbatch)))
                cells.append((stage, backward, .backward(stage, microbatch)))
                cells.append((p - 1 - stage, forward, .forward(p + stage, microbatch)))
                cells.append((p - 1 - stage, backward, .backward(p + stage, microbatch)))
            }
        }
        return cells
    }
}
