import Foundation

/// The schedule file (schema v1, `pipesched.schedule.v1`): per-device timed passes plus the method,
/// objective and metrics they were produced with. See `docs/schedule-format.md`.
public struct ScheduleDocument: Sendable, Equatable, Codable {
    /// The schema tag every file carries.
    public static let formatTag = "pipesched.schedule.v1"

    /// One timed pass as written in `timeline`.
    public struct Entry: Sendable, Equatable, Codable {
        public var op: OpKind
        public var stage: Int
        public var microbatch: Int
        public var slice: Int
        public var start: Double
        public var end: Double
        /// Part of an overlapped F&B pair with its neighbour (`TimedOp.overlapped`); written only when true.
        public var overlapped: Bool

        public init(_ timed: TimedOp) {
            op = timed.op.kind
            stage = timed.op.stage
            microbatch = timed.op.microbatch
            slice = timed.op.slice
            start = timed.start
            end = timed.end
            overlapped = timed.overlapped
        }

        enum CodingKeys: String, CodingKey { case op, stage, microbatch, slice, start, end, overlapped }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            op = try container.decode(OpKind.self, forKey: .op)
            stage = try container.decode(Int.self, forKey: .stage)
            microbatch = try container.decode(Int.self, forKey: .microbatch)
            slice = try container.decodeIfPresent(Int.self, forKey: .slice) ?? 0
            start = try container.decode(Double.self, forKey: .start)
            end = try container.decode(Double.self, forKey: .end)
            overlapped = try container.decodeIfPresent(Bool.self, forKey: .overlapped) ?? false
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(op, forKey: .op)
            try container.encode(stage, forKey: .stage)
            try container.encode(microbatch, forKey: .microbatch)
            try container.encode(slice, forKey: .slice)
            try container.encode(start, forKey: .start)
            try container.encode(end, forKey: .end)
            if overlapped { try container.encode(true, forKey: .overlapped) }
        }

        /// The timed pass this entry describes.
        public var timedOp: TimedOp {
            TimedOp(Op(op, stage: stage, microbatch: microbatch, slice: slice), start: start, end: end, overlapped: overlapped)
        }
    }

    public var format: String
    /// The PipeSched version that wrote the file (`pipesched --version`); absent in files written
    /// before 0.2.0.
    public var version: String?
    public var problem: String
    public var method: String
    /// Device of each stage.
    public var placement: [Int]
    /// How many pipelines the stages form when more than one (`Problem.pipelines`; absent for one).
    /// A runtime that runs one pipeline must not read such a schedule as one: the stage after a
    /// pipeline's last takes the next pipeline's input, not its output.
    public var pipelines: Int?
    /// The stages each stage reads when they form a graph rather than a chain (`StageGraph`;
    /// absent for a chain). A runtime that chains its stages must not run such a schedule.
    public var stageInputs: [[Int]]?
    public var objective: Objective
    public var metrics: Metrics
    public var timeline: [[Entry]]
    /// Idle intervals per device with the free memory during them.
    public var bubbles: [Bubble]?
    /// The passes that determine the end of the step, as labels like `F(s0,m0)`.
    public var criticalPath: [String]?
    /// What an exact solver proved about this schedule (ILP methods only).
    public var solver: SolverReport?
    /// Every candidate `auto` tried, in order, the winner among them (`auto` only).
    public var candidates: [CandidateSummary]?
    /// The best of PyTorch's built-in schedule classes among `candidates` (`TorchBaseline`), for the
    /// schedule's ratio to what `torch.distributed.pipelining` would run; absent where none fit.
    public var torchBaseline: TorchBaseline?
    /// The margin, in percent of each cap, the search kept under the problem's memory caps
    /// (`solve --memory-headroom`): the peaks are at most `cap × (1 − memoryHeadroom / 100)`, while
    /// the metrics are measured against the real caps. Absent when no margin was kept, so files
    /// without one are unchanged.
    public var memoryHeadroom: Double?
    /// Which runtime's memory the peaks are measured in: the problem's `backwardSplit`, carried so
    /// that an export of the schedule alone can say when they do not hold in PyTorch's runtime
    /// (`TorchMemoryNote`). Absent where the problem does not say.
    public var backwardSplit: BackwardSplit?

    public init(problem: Problem, method: String, objective: Objective, evaluation: Evaluation, solver: SolverReport? = nil,
                candidates: [CandidateSummary]? = nil, torchBaseline: TorchBaseline? = nil, memoryHeadroom: Double? = nil) {
        format = Self.formatTag
        version = PipeSchedVersion.current
        self.problem = problem.name
        self.method = method
        placement = problem.stageDevice
        pipelines = problem.pipelines > 1 ? problem.pipelines : nil
        stageInputs = problem.graph.recordedInputs
        self.objective = objective
        metrics = evaluation.metrics
        timeline = evaluation.timeline.map { $0.map(Entry.init) }
        bubbles = evaluation.bubbles
        criticalPath = evaluation.criticalPath.isEmpty ? nil : evaluation.criticalPath.map(\.description)
        self.solver = solver
        self.candidates = candidates
        self.torchBaseline = torchBaseline
        self.memoryHeadroom = memoryHeadroom
        backwardSplit = problem.backwardSplit
    }

    /// The timed passes of this document.
    public var timedTimeline: Timeline { timeline.map { $0.map(\.timedOp) } }

    /// Pretty, stable JSON (sorted keys).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Decodes a schedule file, with field-level errors.
    public static func decode(json data: Data) throws(ProblemError) -> ScheduleDocument {
        try JSONShapeCheck.check(data)
        let document: ScheduleDocument
        do {
            document = try JSONDecoder().decode(ScheduleDocument.self, from: data)
        } catch let error as DecodingError {
            throw ProblemError(error)
        } catch {
            throw ProblemError(field: "(document)", message: "\(error)", fix: "check the file is a schedule JSON document")
        }
        guard document.format == formatTag else {
            throw ProblemError(field: "format", message: "is \"\(document.format)\"", fix: "this version reads \"\(formatTag)\" files")
        }
        return document
    }
}
