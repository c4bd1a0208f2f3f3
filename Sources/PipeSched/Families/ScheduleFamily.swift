/// A classic, hand-designed schedule: a rule that turns a problem into per-device orders.
///
/// Families fix only the order; times always come from the `Simulator`, so every family works with
/// heterogeneous stage costs and communication latency.
public protocol ScheduleFamily: Sendable {
    /// The method name on the command line, e.g. `1f1b`.
    var name: String { get }
    /// One line: what the schedule is and where it comes from.
    var summary: String { get }
    /// How many pipelines (`Problem.pipelines`) its orders are for: 1 for all but the
    /// bidirectional families.
    var pipelines: Int { get }
    /// Per-device orders for `problem`, or a `FamilyError` saying why the problem does not fit.
    func build(_ problem: Problem) throws(FamilyError) -> Schedule
    /// The PyTorch built-in class (`torch.distributed.pipelining.schedules`) whose per-rank orders
    /// the family's are, checked against orders PyTorch wrote (`TorchClassTests` and the families'
    /// own tests); `nil` for the others.
    var torchClass: String? { get }
    /// `torchClass` where PyTorch's class runs `problem` with the orders `build` gives it, else `nil`.
    /// By default wherever the family fits and sequences are whole (PyTorch's classes do not split
    /// them into slices).
    func torchClass(for problem: Problem) -> String?
}

/// A problem that a schedule family cannot handle, with the reason.
public struct FamilyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var method: String
    public var message: String

    public init(method: String, message: String) {
        self.method = method
        self.message = message
    }

    public var description: String { "\(method): \(message)" }

    /// Refuses a graph of stages (`StageGraph`): hand-written orders and the ported peers are for
    /// chains, each stage reading the one before it.
    static func requireChain(_ problem: Problem, method: String) throws(FamilyError) {
        guard problem.graph.isChain else {
            throw FamilyError(method: method, message: "orders a chain of stages, but the problem's stages form a graph (stages[].inputs); use greedy, local, auto or an exact method")
        }
    }
}

extension ScheduleFamily {
    public var pipelines: Int { 1 }

    public var torchClass: String? { nil }

    public func torchClass(for problem: Problem) -> String? { problem.sequenceSlices == 1 ? torchClass : nil }

    /// `torchClass` where PyTorch's multi-stage classes run `problem`: the interleaved (loop)
    /// placement with two or more stages per rank, whole sequences.
    func torchClassOnLoopPlacement(_ problem: Problem) -> String? {
        guard let chunks = try? requireLoopPlacement(problem), chunks >= 2 else { return nil }
        return torchClass
    }

    /// How many microbatches each round of PyTorch's interleaved classes holds: `m / max(1, m / p)`
    /// (p where p divides m). Refuses, as PyTorch does, an m that is not a multiple of the rounds.
    func pyTorchRoundSize(_ problem: Problem) throws(FamilyError) -> Int {
        let (p, m) = (problem.devices, problem.microbatches)
        let rounds = max(1, m / p)
        guard m % rounds == 0 else {
            throw FamilyError(method: name, message: "needs the microbatches to be a multiple of the rounds, max(1, m / p) = \(rounds) (PyTorch refuses \(m) on \(p) ranks); use \(m - m % rounds) or \(m - m % rounds + rounds)")
        }
        return m / rounds
    }

    /// Refuses problems that split sequences into slices.
    func requireWholeSequences(_ problem: Problem) throws(FamilyError) {
        guard problem.sequenceSlices == 1 else {
            throw FamilyError(method: name, message: "does not split sequences (sequenceSlices is \(problem.sequenceSlices)); use a method that supports slices")
        }
    }

    /// Refuses problems with more than one stage on a device, and sliced sequences unless the family
    /// handles them.
    func requireOneStagePerDevice(_ problem: Problem, allowingSlices: Bool = false) throws(FamilyError) {
        if !allowingSlices { try requireWholeSequences(problem) }
        guard problem.stageCount == problem.devices else {
            throw FamilyError(method: name, message: "needs one stage per device, but the problem has \(problem.stageCount) stages on \(problem.devices) devices; use interleaved-1f1b, bfs or a V method")
        }
    }

    /// Refuses problems whose placement is not the interleaved (loop) one, stage s on device s mod p,
    /// and sliced sequences; returns the chunks per device.
    func requireLoopPlacement(_ problem: Problem) throws(FamilyError) -> Int {
        try requireWholeSequences(problem)
        let p = problem.devices
        guard problem.stageCount % p == 0, problem.stageDevice == (0..<problem.stageCount).map({ $0 % p }) else {
            throw FamilyError(method: name, message: "needs the interleaved (loop) placement, stage s on device s mod p; set \"placement\": \"interleaved\"")
        }
        return problem.stageCount / p
    }

    /// Refuses problems whose placement is not the V shape with two stages per device.
    func requireVShape(_ problem: Problem) throws(FamilyError) {
        try requireWholeSequences(problem)
        let p = problem.devices
        let isV = problem.stageCount == 2 * p && problem.stageDevice == (0..<(2 * p)).map { $0 < p ? $0 : 2 * p - 1 - $0 }
        guard isV else {
            throw FamilyError(method: name, message: "needs the V placement (2 stages per device: stage s on device s, stage 2p−1−s on device s); set \"placement\": \"v\" with \(2 * p) stages")
        }
    }

    /// The `k`-th (microbatch, slice) unit in forward order: microbatches ascending, slices ascending.
    func forwardUnit(_ k: Int, _ problem: Problem) -> (microbatch: Int, slice: Int) {
        (k / problem.sequenceSlices, k % problem.sequenceSlices)
    }

    /// The `k`-th (microbatch, slice) unit in backward order: microbatches ascending, slices descending
    /// (a slice's backward needs the gradient of the later slices, which attended to its keys and values).
    func backwardUnit(_ k: Int, _ problem: Problem) -> (microbatch: Int, slice: Int) {
        let slices = problem.sequenceSlices
        return (k / slices, slices - 1 - k % slices)
    }

    /// Builds one order per device from a per-stage rule when every device holds one stage.
    func ordersByStage(_ problem: Problem, _ order: (_ stage: Int) -> [Op]) -> Schedule {
        var orders = Array(repeating: [Op](), count: problem.devices)
        for stage in 0..<problem.stageCount { orders[problem.stageDevice[stage]] = order(stage) }
        return Schedule(orders: orders)
    }
}
