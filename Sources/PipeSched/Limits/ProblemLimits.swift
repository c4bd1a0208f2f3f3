/// The largest problem a reader accepts, so no input can exhaust the machine: every reader (CLI
/// `solve`, `evaluate`, `export`, `profile`, `sweep`, the server) checks a problem's `ProblemSize`
/// against these limits before it allocates anything that grows with the problem. The defaults
/// keep one solve under about 2 GiB of memory; the CLI (`--max-passes`, `--max-stages`) and the
/// server (`--max-problem-size`) can raise them. docs/problem-format.md lists them. The exact methods
/// have one guard more, on their model's memory (`ExactSizeGuard`, `--max-exact-memory`).
public struct ProblemLimits: Sendable, Equatable {
    /// Largest number of passes (stages × microbatches × slices × 3). Measured: the heaviest method
    /// (`bfs`, `auto`) holds roughly 300 to 700 bytes per pass at its peak.
    public var maxPasses: Int
    /// Largest number of stages, and so of devices (every device holds a stage); the greedy
    /// methods' time grows with its square.
    public var maxStages: Int

    /// Every number in a problem (costs, memory, latency, caps) must lie within ±this, so sums over
    /// millions of passes stay finite and exact: 1e15 is a petabyte in bytes, or 31 years in µs.
    public static let maxMagnitude = 1e15

    /// The options that raise these limits in the reader that applies them, named in its errors.
    public var raise: LimitOptionNames

    public init(maxPasses: Int = 2_000_000, maxStages: Int = 1_024, raise: LimitOptionNames = .cli) {
        self.maxPasses = maxPasses
        self.maxStages = maxStages
        self.raise = raise
    }

    /// No limit: for problems derived from an accepted one (relaxations, renumberings), which are no
    /// larger and must not be refused.
    public static let unlimited = ProblemLimits(maxPasses: .max, maxStages: .max)

    /// A message naming the first limit that cannot work, or `nil` when all are usable.
    public var problem: String? {
        if maxPasses < 3 { return "the pass limit must be at least 3" }
        if maxStages < 1 { return "the stage limit must be at least 1" }
        return nil
    }

    /// The defaults of the command line.
    public static let standard = ProblemLimits()

    /// Where `Problem.decode(json:limits:)` hands the limits to the decoder.
    public static let userInfoKey = CodingUserInfoKey(rawValue: "pipesched.problemLimits")!

    /// Throws a `ProblemError` naming the first dimension over its limit, and the option that raises it.
    public func check(_ size: ProblemSize) throws(ProblemError) {
        if size.devices > maxStages {
            throw ProblemError(field: "devices", message: "is \(size.devices), over the limit of \(maxStages) devices",
                               fix: "use at most \(maxStages) devices, or raise the limit with \(raise.stages)")
        }
        if size.stages > maxStages {
            throw ProblemError(field: "stages", message: "lists \(size.stages) stages, over the limit of \(maxStages)",
                               fix: "use at most \(maxStages) stages, or raise the limit with \(raise.stages)")
        }
        guard let passes = size.passes, passes <= maxPasses else {
            let count = size.passes.map(String.init) ?? "more than \(Int.max)"
            let field = size.sequenceSlices > size.microbatches ? "sequenceSlices" : "microbatches"
            throw ProblemError(field: field,
                               message: "makes \(count) passes (stages × microbatches × sequenceSlices × 3 = \(size.stages) × \(size.microbatches) × \(size.sequenceSlices) × 3), over the limit of \(maxPasses)",
                               fix: "lower microbatches or sequenceSlices, or raise the limit with \(raise.passes)")
        }
    }

    /// Whether `error` is one of this reader's size refusals (rather than a mistake in the input).
    public func isRefusal(_ error: ProblemError) -> Bool {
        [raise.passes, raise.stages].contains { error.fix.hasSuffix("raise the limit with \($0)") }
    }

    /// Throws when `value` of `field` is outside ±`maxMagnitude` (or not finite).
    public static func checkMagnitude(_ value: Double, field: String, fix: String) throws(ProblemError) {
        guard value.isFinite, abs(value) <= maxMagnitude else {
            throw ProblemError(field: field, message: "is \(value), outside the range ±1e15 this tool accepts",
                               fix: fix + " (within ±1e15; change the unit if the values are this large)")
        }
    }
}

/// The names of the options that raise each limit in a reader, for the `fix` of its errors.
public struct LimitOptionNames: Sendable, Equatable {
    public var passes: String
    public var stages: String

    public init(passes: String, stages: String) {
        self.passes = passes
        self.stages = stages
    }

    /// The command line's options.
    public static let cli = LimitOptionNames(passes: "--max-passes", stages: "--max-stages")
    /// The server's options (`pipesched serve`).
    public static let server = LimitOptionNames(passes: "the server's --max-problem-size", stages: "the server's --max-stages")
}
