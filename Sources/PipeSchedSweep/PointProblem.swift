import PipeSched

/// Builds the problem of a sweep point from the base problem:
///
/// - **stages**: a point needs `chunks × devices` stages (1 for sequential, 2 for V, K for
///   interleaved:K). When the base has that many, they are used as they are; otherwise the model is
///   split evenly: each stage gets the base's totals (pass times, memory deltas, static memory)
///   divided by the number of stages.
/// - **sequence slices**: with the base's own slice count the base's per-slice costs are kept;
///   otherwise each stage's per-microbatch totals (all its slices added up) are spread evenly over
///   the point's `s` slices, so the model and its total work stay the same.
/// - **memory cap**: none, the base's caps (when the device count matches), an absolute cap, or a
///   multiple of the 1F1B peak: the largest per-device peak of 1F1B on the same model, devices and
///   microbatches in sequential placement, unsliced and uncapped.
/// - **memory headroom** is not part of the problem: the point's runs search the problem under caps
///   lowered by the margin (`headroom(_:point:)`) and are measured on the problem, as
///   `solve --memory-headroom` does.
///
/// With a model and hardware instead of a base problem, the cost model builds each point's problem
/// (its balanced partition of the layers over the point's stages, its slice costs); the memory cap
/// `base` is then the hardware's memory, and the placement `base` is sequential.
public enum PointProblem {
    /// The point's problem from the grid's source, or the reason it has none.
    /// Its size is checked against `limits` before any of its stages is built.
    public static func build(_ point: SweepPoint, source: GridSource, limits: ProblemLimits = .standard) throws(GridError) -> Problem {
        let chunks: Int
        if let shape = point.placement.shape {
            chunks = shape.chunks
        } else if case .problem(let base) = source {
            chunks = max(1, base.stageCount / max(base.devices, 1))
        } else {
            chunks = 1
        }
        do throws(ProblemError) {
            guard point.devices >= 1, point.microbatches >= 1, point.sequenceSlices >= 1, chunks >= 1 else {
                throw ProblemError(field: "devices, microbatches, sequenceSlices", message: "must all be at least 1",
                                   fix: "give positive values on the axes")
            }
            try limits.check(ProblemSize(devices: point.devices, stages: ProblemSize.product([chunks, point.devices]) ?? Int.max,
                                         microbatches: point.microbatches, sequenceSlices: point.sequenceSlices))
        } catch {
            throw GridError(field: "point \(point.label)", message: "\(error.field): \(error.message)", fix: error.fix)
        }
        switch source {
        case .problem(let base): return try build(point, base: base, limits: limits)
        case .costModel(let model): return try build(point, costModel: model, limits: limits)
        }
    }

    /// The point's problem from the cost model.
    static func build(_ point: SweepPoint, costModel: CostModelSource, limits: ProblemLimits = .standard) throws(GridError) -> Problem {
        let field = "point \(point.label)"
        let shape = point.placement.shape ?? (.sequential, 1)
        let built = try costModel.problem(devices: point.devices, microbatches: point.microbatches, placement: shape.placement,
                                          chunks: shape.chunks, pipelines: point.placement.pipelines ?? 1, slices: point.sequenceSlices,
                                          capped: point.memoryCap.keepsBaseCaps, field: field, limits: limits)
        let caps: [Double]?
        switch point.memoryCap {
        case .base: caps = built.memoryLimit
        case .none: caps = nil
        case .absolute(let cap): caps = Array(repeating: cap, count: point.devices)
        case .multipleOfOneFOneBPeak(let factor):
            let reference = try costModel.problem(devices: point.devices, microbatches: point.microbatches, placement: .sequential,
                                                  chunks: 1, pipelines: 1, slices: 1, capped: false, field: field, limits: limits)
            caps = Array(repeating: factor * (try oneFOneBPeak(reference, field: field)), count: point.devices)
        case .activations(let factor):
            caps = built.activationCaps(factor: factor)
        }
        return try named(built, "\(costModel.model.name) \(point.problemLabel)", memoryLimit: caps, field: field, limits: limits)
    }

    /// `problem` with another name and caps.
    static func named(_ problem: Problem, _ name: String, memoryLimit: [Double]?, field: String,
                      limits: ProblemLimits = .standard) throws(GridError) -> Problem {
        do {
            return try problem.with(limits: limits) {
                $0.name = name
                $0.memoryLimit = memoryLimit
            }
        } catch {
            throw GridError(field: field, message: "\(error.field): \(error.message)", fix: error.fix)
        }
    }

    /// The point's problem, or the reason it has none (for example a cap below one microbatch's need).
    public static func build(_ point: SweepPoint, base: Problem, limits: ProblemLimits = .standard) throws(GridError) -> Problem {
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
        // With several pipelines every copy of the model is cut alike (from the base's first copy).
        let pipelines = point.placement.pipelines ?? base.pipelines
        let copy = stages(of: base, count: shape.chunks * point.devices / pipelines, slices: point.sequenceSlices)
        let stages = Array(repeating: copy, count: pipelines).flatMap { $0 }
        let caps: [Double]?
        switch point.memoryCap {
        case .none: caps = nil
        case .base: caps = point.devices == base.devices ? base.memoryLimit : nil
        case .absolute(let cap): caps = Array(repeating: cap, count: point.devices)
        case .multipleOfOneFOneBPeak(let factor):
            let peak = try oneFOneBPeak(base: base, devices: point.devices, microbatches: point.microbatches, field: field, limits: limits)
            caps = Array(repeating: factor * peak, count: point.devices)
        case .activations:
            caps = point.devices == base.devices ? base.memoryLimit : nil  // the ceiling; replaced below
        }
        do {
            let problem = try base.with(limits: limits) {
                $0.name = "\(base.name) \(point.problemLabel)"
                $0.microbatches = point.microbatches
                $0.devices = point.devices
                $0.placement = shape.placement
                $0.stages = stages
                $0.memoryLimit = caps
                $0.sequenceSlices = point.sequenceSlices
                $0.pipelines = pipelines
                $0.partition = nil  // the stages were re-cut: the base's layer partition no longer applies
            }
            guard case .activations(let factor) = point.memoryCap else { return problem }
            return try problem.withActivationCaps(factor: factor, limits: limits)
        } catch {
            throw GridError(field: field, message: "\(error.field): \(error.message)", fix: error.fix)
        }
    }

    /// The point's memory headroom and what its runs search: `problem` under caps lowered by the
    /// margin (`problem` itself without one).
    /// - Throws: `GridError` naming the point when a lowered cap cannot hold one microbatch: the
    ///   point is invalid, as one with a cap that low.
    public static func headroom(_ problem: Problem, point: SweepPoint) throws(GridError) -> (headroom: MemoryHeadroom, searched: Problem) {
        do {
            let headroom = try MemoryHeadroom(percent: point.memoryHeadroom, field: "memoryHeadroom")
            return (headroom, try headroom.apply(to: problem, field: "memoryHeadroom"))
        } catch {
            throw GridError(field: "point \(point.label)", message: "\(error.field): \(error.message)", fix: error.fix)
        }
    }

    /// The largest per-device peak memory of 1F1B on the model split over `devices` sequential stages.
    public static func oneFOneBPeak(base: Problem, devices: Int, microbatches: Int, field: String = "memoryCap",
                                    limits: ProblemLimits = .standard) throws(GridError) -> Double {
        let problem: Problem
        do {
            problem = try Problem(name: base.name, microbatches: microbatches, devices: devices, placement: .sequential,
                                  stages: stages(of: base, count: devices, slices: 1), communication: base.communication, limits: limits)
        } catch {
            throw GridError(field: field, message: "the 1F1B reference for a relative memory cap: \(error)", fix: "give an absolute cap instead")
        }
        return try oneFOneBPeak(problem, field: field)
    }

    /// The largest per-device peak memory of 1F1B on `problem` (sequential, uncapped).
    static func oneFOneBPeak(_ problem: Problem, field: String) throws(GridError) -> Double {
        do {
            let solution = try Methods.solve(problem, method: "1f1b")
            return solution.evaluation.metrics.peakMemory.max() ?? 0
        } catch {
            throw GridError(field: field, message: "the 1F1B reference for a relative memory cap failed: \(error)",
                            fix: "give an absolute cap instead")
        }
    }

    /// `count` stages of one copy of the base's model (its first pipeline's stages) with per-slice
    /// costs for `slices` slices per microbatch. With the copy's stage and the base's slice counts
    /// its stages are kept as they are (per-slice costs included); otherwise every stage's
    /// per-microbatch totals are spread evenly over the slices. A stage boundary's message is a
    /// microbatch's activations there: the slices' messages add up to it, and with another stage
    /// count every boundary carries the mean of the copy's boundaries.
    static func stages(of base: Problem, count: Int, slices: Int) -> [StageProfile] {
        let model = Array(base.stages.prefix(base.pipelineStages))
        if model.count == count && base.sequenceSlices == slices { return model }
        /// Per-microbatch totals of one stage: every slice's costs added up.
        func totals(_ stage: StageProfile) -> PassCosts {
            (0..<base.sequenceSlices).map { stage.costs(slice: $0) }.reduce(PassCosts(forward: 0, backwardInput: 0, backwardWeight: 0, messageSize: 0)) { sum, slice in
                PassCosts(forward: sum.forward + slice.forward, backwardInput: sum.backwardInput + slice.backwardInput,
                          backwardWeight: sum.backwardWeight + slice.backwardWeight,
                          memory: MemoryDeltas(forward: sum.memory.forward + slice.memory.forward,
                                               backwardInput: sum.memory.backwardInput + slice.memory.backwardInput,
                                               backwardWeight: sum.memory.backwardWeight + slice.memory.backwardWeight),
                          messageSize: sum.messageSize + slice.messageSize)
            }
        }
        func scaled(_ costs: PassCosts, by factor: Double, messageSize: Double) -> PassCosts {
            PassCosts(forward: costs.forward * factor, backwardInput: costs.backwardInput * factor, backwardWeight: costs.backwardWeight * factor,
                      memory: MemoryDeltas(forward: costs.memory.forward * factor, backwardInput: costs.memory.backwardInput * factor,
                                           backwardWeight: costs.memory.backwardWeight * factor),
                      messageSize: messageSize)
        }
        let perStage: [(costs: PassCosts, staticMemory: Double)]
        if model.count == count {
            perStage = model.map { (totals($0), $0.staticMemory) }
        } else {
            let whole = model.map(totals).reduce(PassCosts(forward: 0, backwardInput: 0, backwardWeight: 0)) { sum, stage in
                PassCosts(forward: sum.forward + stage.forward, backwardInput: sum.backwardInput + stage.backwardInput,
                          backwardWeight: sum.backwardWeight + stage.backwardWeight,
                          memory: MemoryDeltas(forward: sum.memory.forward + stage.memory.forward,
                                               backwardInput: sum.memory.backwardInput + stage.memory.backwardInput,
                                               backwardWeight: sum.memory.backwardWeight + stage.memory.backwardWeight))
            }
            let staticMemory = model.reduce(0) { $0 + $1.staticMemory }
            let boundaries = model.count > 1 ? model.dropLast() : model[...]  // the last stage sends nothing on
            let meanMessage = boundaries.reduce(0) { $0 + totals($1).messageSize } / Double(boundaries.count)
            perStage = Array(repeating: (scaled(whole, by: 1 / Double(count), messageSize: meanMessage), staticMemory / Double(count)), count: count)
        }
        return perStage.map {
            StageProfile(slices: [scaled($0.costs, by: 1 / Double(slices), messageSize: $0.costs.messageSize / Double(slices))], staticMemory: $0.staticMemory)
        }
    }
}
