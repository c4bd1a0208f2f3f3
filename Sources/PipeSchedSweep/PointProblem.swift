import PipeSched

/// Builds the problem of a sweep point from the base problem:
///
/// - **stages**: a point needs `chunks × devices` stages (1 for sequential, 2 for V, K for
///   interleaved:K). When the base has that many, they are used as they are; otherwise the model is
///   split evenly: each stage gets the base's totals (pass times, memory deltas, static memory)
///   divided by the number of stages.
/// - **sequence slices**: the base describes a microbatch cut into its own number of slices; a point
///   with `s` slices scales every pass time and memory delta by base slices / `s`, so the model and
///   its total work stay the same.
/// - **memory cap**: none, the base's caps (when the device count matches), an absolute cap, or a
///   multiple of the 1F1B peak: the largest per-device peak of 1F1B on the same model, devices and
///   microbatches in sequential placement, unsliced and uncapped.
public enum PointProblem {
    /// The point's problem, or the reason it has none (for example a cap below one microbatch's need).
    public static func build(_ point: SweepPoint, base: Problem) throws(GridError) -> Problem {
        let field = "point \(point.label)"
        let shape: (placement: Placement, chunks: Int)
        if let resolved = point.placement.resolve(base: base) {
            shape = resolved
        } else {
            guard point.devices == base.devices else {
                throw GridError(field: field, message: "the base problem's explicit placement fits only \(base.devices) devices",
                                fix: "choose a named placement on the placement axis")
            }
            shape = (base.placement, base.stageCount / base.devices)
        }
        let stages = stages(of: base, count: shape.chunks * point.devices, slices: point.sequenceSlices)
        let caps: [Double]?
        switch point.memoryCap {
        case .none: caps = nil
        case .base: caps = point.devices == base.devices ? base.memoryLimit : nil
        case .absolute(let cap): caps = Array(repeating: cap, count: point.devices)
        case .multipleOfOneFOneBPeak(let factor):
            let peak = try oneFOneBPeak(base: base, devices: point.devices, microbatches: point.microbatches, field: field)
            caps = Array(repeating: factor * peak, count: point.devices)
        }
        do {
            return try Problem(name: "\(base.name) \(point.label)", microbatches: point.microbatches, devices: point.devices,
                               placement: shape.placement, stages: stages, communication: base.communication,
                               memoryLimit: caps, sequenceSlices: point.sequenceSlices)
        } catch {
            throw GridError(field: field, message: "\(error.field): \(error.message)", fix: error.fix)
        }
    }

    /// The largest per-device peak memory of 1F1B on the model split over `devices` sequential stages.
    public static func oneFOneBPeak(base: Problem, devices: Int, microbatches: Int, field: String = "memoryCap") throws(GridError) -> Double {
        do {
            let problem = try Problem(name: base.name, microbatches: microbatches, devices: devices, placement: .sequential,
                                      stages: stages(of: base, count: devices, slices: 1), communication: base.communication)
            let solution = try Methods.solve(problem, method: "1f1b")
            return solution.evaluation.metrics.peakMemory.max() ?? 0
        } catch {
            throw GridError(field: field, message: "the 1F1B reference for a relative memory cap failed: \(error)",
                            fix: "give an absolute cap instead")
        }
    }

    /// `count` stages with per-slice costs for `slices` slices per microbatch.
    static func stages(of base: Problem, count: Int, slices: Int) -> [StageProfile] {
        let scale = Double(base.sequenceSlices) / Double(slices)
        let source: [StageProfile]
        if base.stageCount == count {
            source = base.stages
        } else {
            let share = 1 / Double(count)
            let total = base.stages.reduce(into: (f: 0.0, b: 0.0, w: 0.0, mf: 0.0, mb: 0.0, mw: 0.0, s: 0.0)) { sum, stage in
                sum.f += stage.forward
                sum.b += stage.backwardInput
                sum.w += stage.backwardWeight
                sum.mf += stage.memory.forward
                sum.mb += stage.memory.backwardInput
                sum.mw += stage.memory.backwardWeight
                sum.s += stage.staticMemory
            }
            let even = StageProfile(forward: total.f * share, backwardInput: total.b * share, backwardWeight: total.w * share,
                                    memory: MemoryDeltas(forward: total.mf * share, backwardInput: total.mb * share, backwardWeight: total.mw * share),
                                    staticMemory: total.s * share)
            source = Array(repeating: even, count: count)
        }
        guard scale != 1 else { return source }
        return source.map { stage in
            StageProfile(forward: stage.forward * scale, backwardInput: stage.backwardInput * scale, backwardWeight: stage.backwardWeight * scale,
                         memory: MemoryDeltas(forward: stage.memory.forward * scale, backwardInput: stage.memory.backwardInput * scale,
                                              backwardWeight: stage.memory.backwardWeight * scale),
                         staticMemory: stage.staticMemory)
        }
    }
}
