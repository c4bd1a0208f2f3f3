/// A pipeline scheduling problem (schema v1): stages with their costs, devices, placement,
/// microbatches, communication latency and memory caps.
///
/// A `Problem` is always valid: the initializer checks every field and throws a `ProblemError`
/// naming the field and the fix. Derived facts (device of each stage, stages of each device) are
/// computed once here.
public struct Problem: Sendable, Equatable {
    /// A label carried into the schedule output.
    public let name: String
    /// Number of microbatches per training step.
    public let microbatches: Int
    /// Number of devices (pipeline ranks).
    public let devices: Int
    /// How stages map to devices.
    public let placement: Placement
    /// One entry per stage, in model order; with several pipelines, each pipeline's stages in turn
    /// (`Pipelines.swift`).
    public let stages: [StageProfile]
    /// Number of pipelines the stages form (1, or 2 for bidirectional Chimera / DualPipe / BitPipe
    /// placements): each runs every microbatch index once (`Pipelines.swift`).
    public let pipelines: Int
    /// Latency between devices.
    public let communication: Communication
    /// Cap per device on static memory plus the running sum of memory deltas; `nil` is unlimited.
    public let memoryLimit: [Double]?
    /// Number of slices each microbatch is split into along the sequence (1 = not split).
    public let sequenceSlices: Int
    /// How much each microbatch costs against the stage profiles (`MicrobatchScale`), microbatch 0
    /// first; `nil`: every microbatch costs exactly its profile.
    public let microbatchScales: [MicrobatchScale]?

    /// Model layers per stage, in model order, as chosen by the cost model (`pipesched profile`) so a
    /// runtime can build the same stages; `nil` when the problem does not say.
    public let partition: [Int]?

    /// The units of the problem's times and memory (`pipesched profile` writes ms and GiB); `nil`
    /// when the problem does not say. Exports label axes, tables and traces with them.
    public let units: ProblemUnits?

    /// Which runtime's memory the deltas describe, by how it splits each backward
    /// (`pipesched profile --model` writes it); `nil` when the problem does not say (written by
    /// hand, or from a measured profile, which carries the memory its own runtime held).
    public let backwardSplit: BackwardSplit?

    /// Device of each stage.
    public let stageDevice: [Int]
    /// Stages of each device, in model order.
    public let deviceStages: [[Int]]
    /// Whether some stage offers a memory action (`MemoryActions.swift`).
    public let hasMemoryActions: Bool
    /// Whether some stage declares time an overlapped F&B pass can hide (`OverlappedPass.swift`).
    public let hasOverlap: Bool
    /// Which stages feed which (`StageGraph.swift`): a chain per pipeline unless stages list inputs.
    public let graph: StageGraph

    public init(name: String = "problem", microbatches: Int, devices: Int, placement: Placement = .sequential,
                stages: [StageProfile], communication: Communication = Communication(),
                memoryLimit: [Double]? = nil, sequenceSlices: Int = 1, microbatchScales: [MicrobatchScale]? = nil,
                partition: [Int]? = nil, units: ProblemUnits? = nil, pipelines: Int = 1,
                backwardSplit: BackwardSplit? = nil, limits: ProblemLimits = .standard) throws(ProblemError) {
        guard devices >= 1 else {
            throw ProblemError(field: "devices", message: "must be at least 1, got \(devices)", fix: "set devices to a positive integer")
        }
        guard microbatches >= 1 else {
            throw ProblemError(field: "microbatches", message: "must be at least 1, got \(microbatches)", fix: "set microbatches to a positive integer")
        }
        guard sequenceSlices >= 1 else {
            throw ProblemError(field: "sequenceSlices", message: "must be at least 1, got \(sequenceSlices)", fix: "use 1 for unsplit sequences")
        }
        guard !stages.isEmpty else {
            throw ProblemError(field: "stages", message: "is empty", fix: "give one entry per pipeline stage")
        }
        try limits.check(ProblemSize(devices: devices, stages: stages.count, microbatches: microbatches, sequenceSlices: sequenceSlices))
        try Self.checkPipelines(pipelines, stages: stages.count)
        for (index, stage) in stages.enumerated() {
            try Self.check(stage, at: index, sequenceSlices: sequenceSlices)
            try Self.checkMemoryActions(stage, at: index)
            try Self.checkOffload(stage, at: index)
            try Self.checkOverlap(stage, at: index)
        }
        if let partition {
            guard partition.count == stages.count else {
                throw ProblemError(field: "partition", message: "lists \(partition.count) stages but there are \(stages.count)",
                                   fix: "give the number of model layers of every stage, or omit partition")
            }
            for (stage, layers) in partition.enumerated() where layers < 0 {
                throw ProblemError(field: "partition[\(stage)]", message: "is \(layers); a stage holds a number of layers ≥ 0",
                                   fix: "give the number of model layers of stage \(stage)")
            }
        }
        if let microbatchScales { try Self.checkMicrobatchScales(microbatchScales, microbatches: microbatches) }
        try communication.check()
        let graph = try StageGraph(stages: stages, pipelines: pipelines)
        let stageDevice = try placement.devices(stages: stages.count, devices: devices, pipelines: pipelines)
        var deviceStages = Array(repeating: [Int](), count: devices)
        for (stage, device) in stageDevice.enumerated() { deviceStages[device].append(stage) }

        self.name = name
        self.microbatches = microbatches
        self.devices = devices
        self.placement = placement
        self.stages = stages
        self.pipelines = pipelines
        self.communication = communication
        self.sequenceSlices = sequenceSlices
        self.microbatchScales = microbatchScales
        self.partition = partition
        self.units = units
        self.backwardSplit = backwardSplit
        self.stageDevice = stageDevice
        self.deviceStages = deviceStages
        self.graph = graph
        self.hasMemoryActions = stages.contains { $0.slices.contains { $0.recompute != nil || $0.offload != nil } }
        self.hasOverlap = stages.contains { $0.slices.contains { ($0.overlap?.forward ?? 0) + ($0.overlap?.backward ?? 0) > 0 } }

        if let memoryLimit {
            guard memoryLimit.count == devices else {
                throw ProblemError(field: "memoryLimit", message: "lists \(memoryLimit.count) caps for \(devices) devices",
                                   fix: "give one number for all devices or exactly one per device")
            }
            for device in 0..<devices {
                let cap = memoryLimit[device]
                try ProblemLimits.checkMagnitude(cap, field: Set(memoryLimit).count > 1 ? "memoryLimit[\(device)]" : "memoryLimit",
                                                 fix: "give the memory cap of the device")
                let scales = microbatchScales.map { Self.summary(of: $0) }
                let need = Self.minimumMemory(stages: stages, onDevice: deviceStages[device], slices: sequenceSlices,
                                              mostMemory: scales?.mostMemory ?? 1, totalMemory: scales?.totalMemory ?? Double(microbatches))
                guard cap.isFinite, cap >= need - 1e-9 else {
                    throw ProblemError(field: Set(memoryLimit).count > 1 ? "memoryLimit[\(device)]" : "memoryLimit",
                                       message: "device \(device) needs at least \(need.readable) to run \(microbatchScales == nil ? "one microbatch" : "its largest microbatch") (static memory plus its activations, or what the step holds at its end), but the cap is \(cap.readable)",
                                       fix: "raise the cap to \(need.readable) or more, or move stages off device \(device)")
                }
            }
        }
        self.memoryLimit = memoryLimit
    }

    private static func check(_ stage: StageProfile, at index: Int, sequenceSlices: Int) throws(ProblemError) {
        guard stage.slices.count == 1 || stage.slices.count == sequenceSlices else {
            throw ProblemError(field: "stages[\(index)]", message: "has costs for \(stage.slices.count) slices but sequenceSlices is \(sequenceSlices)",
                               fix: "give one value shared by every slice or exactly \(sequenceSlices), slice 0 first")
        }
        let many = stage.slices.count > 1
        for (slice, costs) in stage.slices.enumerated() {
            let times = [("forward", costs.forward), ("backwardInput", costs.backwardInput), ("backwardWeight", costs.backwardWeight)]
            for (key, value) in times where !(value.isFinite && value >= 0) {
                throw ProblemError(field: "stages[\(index)].\(key)\(many ? "[\(slice)]" : "")", message: "must be a finite time ≥ 0, got \(value)",
                                   fix: "give the measured duration of this pass")
            }
            for (key, value) in times {
                try ProblemLimits.checkMagnitude(value, field: "stages[\(index)].\(key)\(many ? "[\(slice)]" : "")",
                                                 fix: "give the measured duration of this pass")
            }
        }
        guard stage.slices.contains(where: { $0.forward + $0.backwardInput + $0.backwardWeight > 0 }) else {
            throw ProblemError(field: "stages[\(index)]", message: "all pass durations are 0",
                               fix: "give at least one positive duration per stage")
        }
        for (slice, costs) in stage.slices.enumerated() {
            let at = many ? "[\(slice)]" : ""
            let m = costs.memory
            for (key, value) in [("forward", m.forward), ("backwardInput", m.backwardInput), ("backwardWeight", m.backwardWeight)] {
                try ProblemLimits.checkMagnitude(value, field: "stages[\(index)].memory.\(key)\(at)", fix: "give the memory change of this pass")
            }
            guard m.forward >= 0 else {
                throw ProblemError(field: "stages[\(index)].memory.forward\(at)", message: "is \(m.forward); a forward pass allocates activations",
                                   fix: "give a delta ≥ 0")
            }
            // Above zero, the sum is held until the step ends (`StepEndMemory.swift`); below, the
            // backward passes would free more than was allocated.
            let sum = m.heldToStepEnd
            guard sum >= -1e-9 * max(1, abs(m.forward)) else {
                throw ProblemError(field: "stages[\(index)].memory", message: "deltas\(many ? " of slice \(slice)" : "") sum to \(sum.readable); they must sum to 0 or more (what is held until the step ends)",
                                   fix: "set backwardWeight\(at) to \((-(m.forward + m.backwardInput)).readable) so the backward passes free what the forward allocated")
            }
        }
        for (slice, costs) in stage.slices.enumerated() {
            let field = "stages[\(index)].messageSize\(many ? "[\(slice)]" : "")"
            let fix = "give the size of the activations this stage sends to the next one as a multiple of the message communication.transfer times (1 when every boundary carries the same), or omit it"
            guard costs.messageSize.isFinite, costs.messageSize >= 0 else {
                throw ProblemError(field: field, message: "must be a finite number ≥ 0, got \(costs.messageSize)", fix: fix)
            }
            try ProblemLimits.checkMagnitude(costs.messageSize, field: field, fix: fix)
        }
        guard stage.staticMemory.isFinite, stage.staticMemory >= 0 else {
            throw ProblemError(field: "stages[\(index)].staticMemory", message: "must be a finite number ≥ 0, got \(stage.staticMemory)",
                               fix: "give the memory of weights, gradients and optimizer state, or omit it")
        }
        try ProblemLimits.checkMagnitude(stage.staticMemory, field: "stages[\(index)].staticMemory",
                                         fix: "give the memory of weights, gradients and optimizer state, or omit it")
    }

    /// Number of stages (model chunks).
    public var stageCount: Int { stages.count }

    /// Index of the last stage.
    public var lastStage: Int { stages.count - 1 }

    /// Memory cap of a device, `.infinity` when unlimited.
    public func cap(device: Int) -> Double { memoryLimit?[device] ?? .infinity }

    /// The most memory `device` may hold: its cap within the memory check's relative tolerance
    /// (1e-9). The validator enforces it; searches that keep every order valid and bounds that count
    /// what fits under the cap read it here.
    public func memoryCeiling(device: Int) -> Double {
        let cap = cap(device: device)
        return cap + 1e-9 * max(1, abs(cap))
    }

    /// Static memory held on a device.
    public func staticMemory(device: Int) -> Double {
        deviceStages[device].reduce(0) { $0 + stages[$1].staticMemory }
    }

    /// Duration of a pass of `kind` on a stage's slice, for a microbatch that costs exactly its
    /// profile (`MicrobatchScale.one`); `duration(_ op:)` scales it to the op's microbatch.
    @inline(__always)
    public func duration(_ kind: OpKind, stage: Int, slice: Int) -> Double {
        let profile = stages[stage].costs(slice: slice)
        switch kind {
        case .forward: return profile.forward
        case .backwardInput: return profile.backwardInput
        case .backwardWeight: return profile.backwardWeight
        case .backward: return profile.backwardInput + profile.backwardWeight
        case .recompute: return profile.recompute?.time ?? 0
        case .offload, .reload: return profile.offload?.time ?? 0
        }
    }

    /// Duration of an operation: its pass's profile duration times its microbatch's time scale.
    @inline(__always)
    public func duration(_ op: Op) -> Double {
        duration(op.kind, stage: op.stage, slice: op.slice) * (microbatchScales?[op.microbatch].time ?? 1)
    }

    /// Memory delta of a pass of `kind` on a stage's slice, for a microbatch that costs exactly its
    /// profile; `memoryDelta(_ op:)` scales it to the op's microbatch. A forward whose cell is
    /// recomputed keeps less (`memoryDelta(_:recomputed:)`).
    @inline(__always)
    public func memoryDelta(_ kind: OpKind, stage: Int, slice: Int) -> Double {
        let memory = stages[stage].costs(slice: slice).memory
        switch kind {
        case .forward: return memory.forward
        case .backwardInput: return memory.backwardInput
        case .backwardWeight: return memory.backwardWeight
        case .backward: return memory.backwardInput + memory.backwardWeight
        case .recompute: return rematerializedMemory(stage: stage, slice: slice)
        case .offload: return -offloadedMemory(stage: stage, slice: slice)
        case .reload: return offloadedMemory(stage: stage, slice: slice)
        }
    }

    /// Memory delta of an operation: its pass's profile delta times its microbatch's memory scale.
    @inline(__always)
    public func memoryDelta(_ op: Op) -> Double {
        memoryDelta(op.kind, stage: op.stage, slice: op.slice) * (microbatchScales?[op.microbatch].memory ?? 1)
    }

    /// Total compute time of all operations placed on a device.
    public func work(device: Int) -> Double {
        let mine = deviceStages[device]
        let copies = scaleSummary.totalTime
        if mine.allSatisfy({ stages[$0].isUniform }) {
            return copies * Double(sequenceSlices) * mine.reduce(0) { $0 + stages[$1].slices[0].work }
        }
        return copies * mine.reduce(0) { $0 + stages[$1].work(slices: sequenceSlices) }
    }

    /// Total compute time of all operations.
    public var totalWork: Double { (0..<devices).reduce(0) { $0 + work(device: $1) } }

    /// The smallest peak memory any schedule can have on a device: static memory plus the forwards of
    /// one microbatch (the one holding the most, with `microbatchScales`) through all of the device's
    /// stages and slices. Every backward on a device waits
    /// for all of that microbatch's forwards on it (through the forward chain), so no schedule peaks
    /// lower; running microbatches one at a time with a fused `BW` wherever `B` allocates (a fused
    /// backward frees what its forward allocated) reaches it, so every cap from here on is feasible.
    /// With recomputation (`MemoryActions.swift`) a device holding several stages can peak lower; the
    /// check of caps keeps this value, which stays feasible. With offloading (`Offloading.swift`) the
    /// forwards before the last one can have moved their offloadable memory to the host, so the
    /// least peak is static memory plus, over the microbatch's forwards on the device in order, the
    /// most of (what the earlier ones keep + what this one allocates); one microbatch at a time, each
    /// forward offloaded before the next and reloaded after the later backwards, reaches it.
    /// Where the passes hold memory to the step's end (`StepEndMemory.swift`), the step ends holding
    /// all of it, so no schedule peaks below static memory plus that either; there a cap from here on
    /// may still fit no schedule (the held memory of the other microbatches comes on top), and the
    /// searches say so.
    public func minimumMemory(device: Int) -> Double {
        Self.minimumMemory(stages: stages, onDevice: deviceStages[device], slices: sequenceSlices, mostMemory: scaleSummary.mostMemory,
                           totalMemory: scaleSummary.totalMemory)
    }

    /// With microbatch scales, the microbatch that holds the most (`mostMemory`) must run too, and
    /// the step ends holding every microbatch's held memory (`totalMemory`, the scales' sum).
    private static func minimumMemory(stages: [StageProfile], onDevice mine: [Int], slices: Int, mostMemory: Double, totalMemory: Double) -> Double {
        let staticMemory = mine.reduce(0) { $0 + stages[$1].staticMemory }
        let atStepEnd = staticMemory + totalMemory * mine.reduce(0) { total, stage in
            total + (0..<slices).reduce(0) { $0 + max(0, stages[stage].costs(slice: $1).memory.heldToStepEnd) }
        }
        return max(atStepEnd, oneMicrobatch(stages: stages, onDevice: mine, slices: slices, mostMemory: mostMemory, staticMemory: staticMemory))
    }

    /// Static memory plus what one microbatch (the one holding the most) needs through the device's stages.
    private static func oneMicrobatch(stages: [StageProfile], onDevice mine: [Int], slices: Int, mostMemory: Double, staticMemory: Double) -> Double {
        let all = staticMemory + mostMemory * mine.reduce(0) { total, stage in
            total + (0..<slices).reduce(0) { $0 + stages[stage].costs(slice: $1).memory.forward }
        }
        guard mine.contains(where: { stages[$0].slices.contains { $0.offload != nil } }) else { return all }
        var kept = staticMemory
        var need = kept
        for stage in mine {
            for slice in 0..<slices {
                let costs = stages[stage].costs(slice: slice)
                need = max(need, kept + mostMemory * costs.memory.forward)
                kept += mostMemory * (costs.memory.forward - (costs.offload?.memory ?? 0))
            }
        }
        return need
    }

    /// Whether the input-gradient pass `B` of some slice of `stage` allocates memory (ΔB > 0, as when
    /// it recomputes activations). There a fused `BW`, which frees everything its forward allocated,
    /// peaks lower than `B` followed later by `W`; elsewhere a split backward never peaks higher.
    public func backwardAllocates(stage: Int) -> Bool {
        (0..<sequenceSlices).contains { memoryDelta(.backwardInput, stage: stage, slice: $0) > 0 }
    }

    /// Whether some device holds several stages (V, interleaved and other multi-chunk placements,
    /// several pipelines): only there do chunk orders, later-stage room and a device's choice
    /// between its stages come into play.
    public var devicesHoldSeveralStages: Bool { deviceStages.contains { $0.count > 1 } }

    /// Whether some capped device runs a stage whose `B` allocates: only then can fusing `B` and `W`
    /// lower a schedule's peak memory, so only then do searches over split backward passes miss
    /// schedules (`backwardAllocates(stage:)`).
    public var fusedBackwardCanLowerPeak: Bool {
        (0..<stageCount).contains { backwardAllocates(stage: $0) && cap(device: stageDevice[$0]).isFinite }
    }

    /// Whether an exact model (MILP, CP-SAT) without overlapped F&B pairs, choosing fused `BW` passes,
    /// recomputation and offloading only where told (else split `B`/`W`, no actions), covers some optimal schedule:
    /// no fused `BW`, pair or action it lacks could lower the objective. Only then is its proven bound
    /// a bound of the problem; otherwise it reports the core's `LowerBound`.
    public func exactModelCovers(recomputation: Bool, offloading: Bool, fusedBackward: Bool = false) -> Bool {
        (fusedBackward || !fusedBackwardCanLowerPeak) && !hasOverlap && (offloading || !offloadingCanLowerPeak)
            && (recomputation || !recomputationCanLowerPeak)
    }
}
