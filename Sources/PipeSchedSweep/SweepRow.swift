import Foundation
import PipeSched
import PipeSchedStore

/// One row of `results.csv` / `results.json`: a point solved with one method.
public struct SweepRow: Sendable, Codable, Equatable {
    /// What became of the run.
    public enum Status: String, Sendable, Codable {
        /// A valid schedule; the metric columns are filled.
        case ok
        /// The method found no schedule (none fits the cap, or the method does not fit the placement).
        case noSchedule
        /// The point has no valid problem (for example a cap below one microbatch's need).
        case invalidPoint
        /// The method produced an invalid schedule or the store failed: a bug to report.
        case error
    }

    public var point: Int
    public var label: String
    public var devices: Int
    public var microbatches: Int
    public var memoryCap: String
    /// The cap applied to each device, when there is one.
    public var memoryCapValue: Double?
    /// The margin kept under the caps, in percent (0 for none); absent in rows written before the
    /// memory headroom axis.
    public var memoryHeadroom: Double?
    public var sequenceSlices: Int
    public var placement: String
    public var method: String
    public var status: Status
    public var objective: String
    public var value: Double?
    public var makespan: Double?
    public var stageSpan: Double?
    public var bubbleRate: Double?
    /// The largest per-device peak.
    public var peakMemory: Double?
    public var lowerBound: Double?
    public var gap: Double?
    /// For `auto`: the best of PyTorch's built-in classes among its candidates and its value
    /// (`ScheduleDocument.torchBaseline`), so `value / torchValue` is the point's gain over what
    /// `torch.distributed.pipelining` would run, and its makespan (`makespan / torchMakespan`: the
    /// gain in the step's wall time); absent for other methods and where none fits (the makespan
    /// also for results stored before 2026-12-07).
    public var torchClass: String?
    public var torchValue: Double?
    public var torchMakespan: Double?
    /// Seconds the solve took (when answered from the store, the time of the original solve).
    public var solveSeconds: Double?
    /// Whether the store answered.
    public var cached: Bool
    /// The schedule's id in the result store.
    public var resultID: String?
    public var message: String?

    /// The key of a row in a merged table.
    var identity: String { "\(point)\u{1}\(method)" }

    init(point: SweepPoint, problem: Problem?, method: String, objective: Objective) {
        self.point = point.index
        label = point.label
        devices = point.devices
        microbatches = point.microbatches
        memoryCap = point.memoryCap.description
        memoryCapValue = problem?.memoryLimit?.max()
        memoryHeadroom = point.memoryHeadroom
        sequenceSlices = point.sequenceSlices
        placement = point.placement.description
        self.method = method
        status = .ok
        self.objective = objective.rawValue
        cached = false
    }

    /// Fills the outcome columns from a stored result.
    mutating func fill(from stored: StoredResult, objective: Objective, cached: Bool) {
        self.cached = cached
        resultID = stored.id
        solveSeconds = stored.solveSeconds
        switch stored.outcome {
        case .schedule(let document, let metrics):
            status = .ok
            if stored.method == "auto", let baseline = Self.torchBaseline(in: document) {
                torchClass = baseline.torchClass
                torchValue = baseline.value
                torchMakespan = baseline.makespan
            }
            value = metrics.value(of: objective)
            makespan = metrics.makespan
            stageSpan = metrics.stageSpan
            bubbleRate = metrics.bubbleRate
            peakMemory = metrics.peakMemory.max()
            lowerBound = metrics.lowerBound
            gap = metrics.gap
        case .failure(let failure):
            status = .noSchedule
            message = failure.message
        }
    }

    /// The document's `torchBaseline`, read without building its timeline (only `auto`'s carry one,
    /// so other rows do not parse their documents at all).
    static func torchBaseline(in document: Data) -> TorchBaseline? {
        struct Head: Decodable { var torchBaseline: TorchBaseline? }
        return (try? JSONDecoder().decode(Head.self, from: document))?.torchBaseline
    }
}
