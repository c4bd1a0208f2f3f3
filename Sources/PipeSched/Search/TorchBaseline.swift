/// The best of PyTorch's built-in schedule classes among `auto`'s candidates: what a user of
/// `torch.distributed.pipelining` would run without PipeSched, re-timed on the same problem, for the
/// solve summary's comparison. Only families whose orders are PyTorch's on the problem
/// (`ScheduleFamily.torchClass(for:)`) count, under their own name (not the rows run on a variant of
/// the problem, such as `1f1b (shortest first)`), and only where they fit the caps (a candidate over
/// a cap has no value).
/// `auto`'s schedule file carries it (`ScheduleDocument.torchBaseline`), which the CLI's summary
/// line and the web page read.
public struct TorchBaseline: Sendable, Equatable, Codable {
    public var torchClass: String
    /// The candidate's name in `auto`'s table, e.g. `zb-v`.
    public var method: String
    /// Its value in the schedule's objective.
    public var value: Double
    /// Its makespan (`Metrics`): under stageSpan, what the step's wall time compares with. `nil` in
    /// files written before 2026-12-07.
    public var makespan: Double?

    public init(torchClass: String, method: String, value: Double, makespan: Double? = nil) {
        self.torchClass = torchClass
        self.method = method
        self.value = value
        self.makespan = makespan
    }

    /// The candidate of lowest value among those that are PyTorch classes on `problem`, or `nil`
    /// where none fit.
    public static func best(among candidates: [CandidateSummary], on problem: Problem) -> TorchBaseline? {
        var best: TorchBaseline?
        for candidate in candidates {
            guard let value = candidate.value,
                  let torchClass = ScheduleFamilies.all.first(where: { $0.name == candidate.method })?.torchClass(for: problem) else { continue }
            if best.map({ value < $0.value }) ?? true { best = TorchBaseline(torchClass: torchClass, method: candidate.method, value: value, makespan: candidate.makespan) }
        }
        return best
    }
}
