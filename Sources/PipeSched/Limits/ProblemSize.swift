/// How big a problem is in every dimension that drives memory and time: devices, stages,
/// microbatches, sequence slices, the passes a schedule of it holds, and the pass pairs an exact
/// method orders. Computed with overflow-checked arithmetic: a product that does not fit in `Int`
/// is `nil`, which every limit treats as too large.
public struct ProblemSize: Sendable, Equatable, CustomStringConvertible {
    public var devices: Int
    public var stages: Int
    public var microbatches: Int
    public var sequenceSlices: Int
    /// Passes of one training step: stages × microbatches × slices × 3 (forward, input backward,
    /// weight backward); `nil` when it overflows.
    public var passes: Int?
    /// The size of a problem with these dimensions, stages spread as evenly over devices as possible.
    public init(devices: Int, stages: Int, microbatches: Int, sequenceSlices: Int) {
        self.devices = devices
        self.stages = stages
        self.microbatches = microbatches
        self.sequenceSlices = sequenceSlices
        passes = Self.product([stages, microbatches, sequenceSlices, 3])
    }

    /// The size of a problem.
    public init(_ problem: Problem) {
        self.init(devices: problem.devices, stages: problem.stageCount, microbatches: problem.microbatches,
                  sequenceSlices: problem.sequenceSlices)
    }

    /// The product of `factors`, or `nil` when a factor is negative or the product overflows.
    public static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = next
        }
        return result
    }

    public var description: String {
        "\(devices) devices, \(stages) stages, \(microbatches) microbatches, \(sequenceSlices) slices: "
            + (passes.map { "\($0) passes" } ?? "more passes than a 64-bit integer counts")
    }
}
