import PipeSched

/// The choices `pipesched profile` makes besides the model and hardware.
public struct ProfileOptions: Sendable, Equatable {
    /// Pipeline devices p.
    public var devices: Int
    /// Microbatches per step m.
    public var microbatches: Int
    /// Stage-to-device mapping: `.sequential`, `.interleaved`, `.v` or `.wave`.
    public var placement: Placement = .sequential
    /// Stages per device with `.interleaved` and `.wave` (V always has 2).
    public var chunks: Int = 2
    /// Copies of the model the placement's stages form (`Problem.pipelines`): 2 with `.v` is the
    /// bidirectional placement of Chimera and DualPipe, with `.wave` and 4 chunks BitPipe's two
    /// opposite Vs; each copy is cut into `stageCount / 2` stages.
    public var pipelines: Int = 1

    /// The stages per device a placement gets when none are given: 4 for the wave (two waves; 2
    /// would be the V), else 2.
    public static func defaultChunks(_ placement: Placement) -> Int { placement == .wave ? 4 : 2 }
    /// How layers are split into stages.
    public var partition: PartitionStrategy = .balanced
    /// Slices per microbatch along the sequence.
    public var slices: Int = 1
    /// How the sequence is cut into slices.
    public var sliceSplit: SliceSplit = .balanced
    /// What the forward keeps for the backward.
    public var recomputation: Recomputation = .selective
    /// Which memory actions the search may choose per stage and microbatch (`MemoryActionChoice`).
    public var memoryActions: MemoryActionChoice = .none
    /// Overrides the model file's tensor-parallel degree.
    public var tensorParallel: Int?
    /// Whether to write a memory cap at all.
    public var memoryLimit: Bool = true
    /// The cap per device in GiB when one is written; `nil`: the hardware's memory.
    public var memoryCap: Double?
    /// Caps each device at K·p microbatches' activations on top of its static memory
    /// (`Problem.activationCaps`, Zero Bubble's unit), at most the cap above; `nil`: that cap.
    public var memoryCapActivations: Double?
    /// The largest problem to build; checked before any per-stage or per-slice cost is computed.
    public var limits: ProblemLimits = .standard
    /// Devices per node: links inside a node use the hardware's intra-node figures, links between
    /// nodes its p2p figures; `nil`: every link uses the p2p figures.
    public var devicesPerNode: Int?
    /// The sequence length of each microbatch (variable lengths, packing), microbatch 0 first;
    /// `nil`: every microbatch has the model's `sequenceLength`. Each becomes the microbatch's
    /// `MicrobatchScale`: its time and activations over those at the model's length.
    public var sequenceLengths: [Int]?
    /// Whether messages hold their link for their transfer time, one at a time per direction
    /// (`Communication.transfer`); `false`: a message only delays its consumer, any number in flight.
    public var linkContention: Bool = false
    /// Whether the output layer (projection and loss) is cut by vocabulary into one shard per device
    /// (Vocabulary Parallelism, Yeung et al., 2024), each a stage of its own that reads the last
    /// transformer stage (`StageGraph`), rather than riding with the last layer.
    public var vocabularyParallel: Bool = false
    /// How the runtime that will run the schedule splits each backward into B and W: what memory B
    /// leaves for W, and which of them works on the first stage (`BackwardSplit`).
    public var backwardSplit: BackwardSplit = .stored

    public init(devices: Int, microbatches: Int) {
        self.devices = devices
        self.microbatches = microbatches
    }

    /// Stages of one copy of the model (of one pipeline): the layers are partitioned into these.
    public var copyStages: Int { stageCount / max(pipelines, 1) }

    /// Number of stages the problem gets: the placement's, plus a vocabulary shard per device.
    public var problemStages: Int { stageCount + (vocabularyParallel ? devices : 0) }

    /// Number of pipeline stages the placement asks for (the model's layers are cut into these).
    public var stageCount: Int {
        switch placement {
        case .interleaved, .wave: ProblemSize.product([devices, chunks]) ?? Int.max
        case .v: ProblemSize.product([2, devices]) ?? Int.max
        default: devices
        }
    }
}

/// Turns a model, a device and the profile options into a problem (schema v1): per-stage, per-slice
/// F, B and W times in milliseconds and memory deltas and static memory in GiB, the layer partition,
/// the activation transfer latency and the device memory as the cap.
public struct ProblemBuilder: Sendable {
    public let model: ModelConfig
    public let hardware: HardwareConfig
    public let options: ProfileOptions
    /// The cost formulas in use.
    public let costs: LayerCost

    public init(model: ModelConfig, hardware: HardwareConfig, options: ProfileOptions) throws(ProfileError) {
        guard options.devices >= 1 else { throw .invalid("devices", "must be at least 1, got \(options.devices)", "give the pipeline size") }
        guard options.microbatches >= 1 else { throw .invalid("microbatches", "must be at least 1", "give the microbatches per step") }
        guard options.chunks >= 1 else { throw .invalid("chunks", "must be at least 1", "give the stages per device") }
        if options.placement == .wave, options.chunks < 2 {
            throw .invalid("chunks", "must be at least 2 with the wave placement, got \(options.chunks)", "give 2 (a V) or more stages per device")
        }
        guard options.slices >= 1, options.slices <= model.sequenceLength else {
            throw .invalid("slices", "must be between 1 and the sequence length (\(model.sequenceLength)), got \(options.slices)", "give a smaller slice count")
        }
        do {
            try Problem.checkPipelines(options.pipelines, stages: options.stageCount)
        } catch {
            throw ProfileError(field: error.field, message: "\(error.message) (the \(options.placement.name ?? "explicit") placement's stages)",
                               fix: "give 2 with --placement v (Chimera's and DualPipe's two opposite pipelines) or --placement wave (BitPipe's two opposite Vs with --chunks 4), or 1")
        }
        if options.vocabularyParallel, options.pipelines > 1 {
            throw .invalid("vocabularyParallel", "goes with one pipeline; the problem has \(options.pipelines)",
                           "drop --vocabulary-parallel or use --pipelines 1")
        }
        if options.slices > 1, !model.causal {
            throw .invalid("slices", "needs causal attention; the model is bidirectional", "use --slices 1")
        }
        if let perNode = options.devicesPerNode {
            guard perNode >= 1 else { throw .invalid("devicesPerNode", "must be at least 1, got \(perNode)", "give the GPUs per node, e.g. 8") }
            guard hardware.intraNodeBandwidthGBps != nil else {
                throw .invalid("intraNodeBandwidthGBps", "is missing from the hardware file \(hardware.name), and --devices-per-node needs it",
                               "add the NVLink bandwidth per direction in GB/s (and intraNodeLatencyMicroseconds)")
            }
        }
        if options.memoryActions.offersOffloading, hardware.hostBandwidthGBps == nil {
            throw .invalid("hostBandwidthGBps", "is missing from the hardware file \(hardware.name), and --memory-actions \(options.memoryActions.rawValue) needs it to time offloads",
                           "add the host (PCIe) link bandwidth per direction in GB/s, e.g. 64 for PCIe Gen5 x16")
        }
        if options.backwardSplit == .torch, options.recomputation == .full {
            throw .invalid("backwardSplit", "torch is modelled with the forward's activations stored (--recompute none or selective); full recomputation inside PyTorch's retained graph is not",
                           "use --recompute selective, or --backward-split stored")
        }
        if options.backwardSplit == .torch {
            // PyTorch's runtime chains one pipeline's stages, each sending the next whole microbatches of one shape.
            for (refused, field, what, fix) in [(options.slices > 1, "slices", "sequence slices (--slices \(options.slices))", "use --slices 1"),
                                                (options.pipelines > 1, "pipelines", "\(options.pipelines) pipelines", "use --pipelines 1"),
                                                (options.vocabularyParallel, "vocabularyParallel", "vocabulary-parallel output shards", "drop --vocabulary-parallel"),
                                                (options.sequenceLengths != nil, "sequenceLengths", "microbatches of different lengths",
                                                 "drop --sequence-lengths (PyTorch sizes every microbatch's buffers alike)")]
            where refused {
                throw .invalid(field, "\(what) cannot go with --backward-split torch: PyTorch's pipeline runtime runs one chain of stages on whole microbatches of one shape",
                               "\(fix), or use --backward-split stored")
            }
        }
        if options.backwardSplit == .torch, options.memoryActions != .none {
            throw .invalid("backwardSplit", "torch is not modelled with memory actions (--memory-actions \(options.memoryActions.rawValue)): PyTorch's runtime runs no R, offload or reload passes",
                           "drop --memory-actions, or use --backward-split stored")
        }
        if let cap = options.memoryCap, !(cap > 0) { throw .invalid("memoryLimit", "must be a positive number of GiB, got \(cap)", "give the cap per device in GiB") }
        if let factor = options.memoryCapActivations {
            guard factor > 0, factor.isFinite else {
                throw .invalid("memoryLimitActivations", "must be a positive multiple of p microbatches' activations, got \(factor)", "give K, e.g. 1.5")
            }
            guard options.memoryLimit else {
                throw .invalid("memoryLimitActivations", "asks for caps on a problem written without a memory limit", "drop one of the two")
            }
        }
        if let t = options.tensorParallel, t < 1 || t > ModelConfig.maxDimension {
            throw .invalid("tensorParallel", "must be between 1 and \(ModelConfig.maxDimension), got \(t)", "give the TP degree")
        }
        do {
            try options.limits.check(ProblemSize(devices: options.devices, stages: options.problemStages, microbatches: options.microbatches,
                                                 sequenceSlices: options.slices))
        } catch {
            throw ProfileError(field: error.field, message: error.message, fix: error.fix)
        }
        var model = model
        if let t = options.tensorParallel { model.tensorParallel = t }
        self.model = model
        self.hardware = hardware
        self.options = options
        costs = LayerCost(model: model, recomputation: options.recomputation, sliced: options.slices > 1)
    }

    /// Token count of each slice, slice 0 first.
    public var sliceLengths: [Int] {
        let one = (0..<model.layers).reduce(UnitCost.zero) { $0 + costs.layer(model.layerTypes[$1], tokens: 1, prefix: 0) }
            + costs.embedding(tokens: 1) + costs.head(tokens: 1)
        let shifted = (0..<model.layers).reduce(UnitCost.zero) { $0 + costs.layer(model.layerTypes[$1], tokens: 1, prefix: 1) }
            + costs.embedding(tokens: 1) + costs.head(tokens: 1)
        let beta = model.causal ? shifted.totalFLOPs - one.totalFLOPs : 0
        return SequenceSplit.lengths(length: model.sequenceLength, slices: options.slices, split: options.sliceSplit,
                                     perToken: one.totalFLOPs - beta / 2, perPair: beta)
    }

    /// Vision-encoder layers then language-model layers, in model order.
    public var unitCount: Int { (model.vision?.layers ?? 0) + model.layers }

    /// Cost of model unit `unit` (vision layers first) on a slice; the embedding rides with the first
    /// language layer and the head with the last, and the vision encoder runs with slice 0.
    public func cost(unit: Int, slice: Int, lengths: [Int], using costs: LayerCost? = nil) -> UnitCost {
        let costs = costs ?? self.costs
        let visionLayers = model.vision?.layers ?? 0
        if unit < visionLayers { return slice == 0 ? costs.visionLayer() : .zero }
        let layer = unit - visionLayers
        let tokens = Double(lengths[slice]), prefix = Double(lengths[..<slice].reduce(0, +))
        var cost = costs.layer(model.layerTypes[layer], tokens: tokens, prefix: prefix)
        if layer == 0 { cost += costs.embedding(tokens: tokens) }
        if layer == model.layers - 1 { cost += options.vocabularyParallel ? costs.finalNorm(tokens: tokens) : costs.head(tokens: tokens) }
        return cost
    }

    /// Bytes of the tensor at the boundary after model unit `unit` on a slice: the activations the
    /// next stage receives, and the gradient of them it sends back. After a vision layer, the image
    /// tokens at the encoder's hidden size on slice 0 (the encoder runs there) and nothing on later
    /// slices; after a language layer, the slice's tokens at the model's hidden size. Split over the
    /// tensor-parallel group (sequence parallelism).
    public func boundaryBytes(after unit: Int, slice: Int, lengths: [Int]) -> Double {
        let perToken = model.dtype.bytes * Double(model.microbatchSize) / Double(model.tensorParallel)
        if let vision = model.vision, unit < vision.layers {
            return slice == 0 ? perToken * Double(vision.hiddenSize) * Double(vision.tokens) : 0
        }
        return perToken * Double(model.hiddenSize) * Double(lengths[slice])
    }

    /// Bytes per device of the model's output, the logits of one microbatch (split over the
    /// tensor-parallel group, as the output projection is): what the last stage hands the loss.
    var logitsBytes: Double {
        model.dtype.bytes * Double(model.microbatchSize) * Double(model.sequenceLength) * Double(model.vocabularySize)
            / Double(model.tensorParallel)
    }

    /// What the runtime holds at each stage's boundaries (`BoundaryMemory`, in bytes per device) with
    /// `counts` model units per stage: its input is the previous stage's boundary tensor, its output
    /// its own (the logits on the last stage), and each neighbour sits on the placement's device.
    public func boundaryMemory(partition counts: [Int]) throws(ProfileError) -> [BoundaryMemory] {
        guard options.backwardSplit != .stored else { return Array(repeating: .none, count: counts.count) }
        let ends = counts.reduce(into: [Int]()) { $0.append(($0.last ?? 0) + $1) }
        let bytes = ends.map { boundaryBytes(after: $0 - 1, slice: 0, lengths: sliceLengths) }
        let devices = try stageDevices(stages: counts.count), last = counts.count - 1
        return counts.indices.map { index in
            options.backwardSplit.boundaryMemory(
                input: index > 0 ? bytes[index - 1] : 0, output: index < last ? bytes[index] : 0,
                logits: index == last ? logitsBytes : 0, microbatches: options.microbatches,
                remoteInput: index > 0 && devices[index - 1] != devices[index],
                remoteOutput: index < last && devices[index + 1] != devices[index])
        }
    }

    /// The device of each of `stages` stages of one pipeline under the placement.
    func stageDevices(stages: Int) throws(ProfileError) -> [Int] {
        do { return try options.placement.devices(stages: stages, devices: options.devices) } catch {
            throw ProfileError(field: error.field, message: error.message, fix: error.fix)
        }
    }

    /// Parameters of model unit `unit` held by its device.
    public func parameters(unit: Int) -> Double {
        let visionLayers = model.vision?.layers ?? 0
        if unit < visionLayers { return costs.visionLayerParameters }
        let layer = unit - visionLayers
        var total = costs.parameters(model.layerTypes[layer])
        if layer == 0 { total += costs.vocabularyParameters }
        if layer == model.layers - 1, !options.vocabularyParallel { total += costs.vocabularyParameters }
        return total
    }

    /// Layers per stage under the chosen strategy, balancing each unit's F + B + W time.
    public func partition() throws(ProfileError) -> [Int] { try partition(options.partition) }

    /// Layers per stage under `strategy`, balancing each unit's F + B + W time.
    public func partition(_ strategy: PartitionStrategy) throws(ProfileError) -> [Int] {
        let lengths = sliceLengths
        let unitCosts = (0..<unitCount).map { unit in
            (0..<lengths.count).reduce(0.0) { $0 + cost(unit: unit, slice: $1, lengths: lengths).totalFLOPs }
        }
        return try Partitioner.partition(costs: unitCosts, stages: options.copyStages, strategy: strategy)
    }

    /// The problem.
    public func build() throws(ProfileError) -> Problem { try build(partition: try partition()) }

    /// The problem with `counts` model units (vision layers first) per stage of one copy of the
    /// model (with several pipelines, every copy is cut alike).
    public func build(partition counts: [Int]) throws(ProfileError) -> Problem {
        guard counts.count == options.copyStages, counts.reduce(0, +) == unitCount, counts.allSatisfy({ $0 >= 1 }) else {
            throw .invalid("partition", "\(counts) does not give each of the \(options.copyStages) stages at least one of the \(unitCount) layers",
                           "give one layer count ≥ 1 per stage, summing to \(unitCount)")
        }
        let lengths = sliceLengths
        let flops = try hardware.achievedFLOPS(for: model.dtype)
        let t = Double(model.tensorParallel)
        let gib = 1024.0 * 1024.0 * 1024.0
        func milliseconds(_ value: Double) -> Double { value / t / flops * 1e3 }
        let allToAll = allToAllMilliseconds
        // Each stage's boundary on each slice; the message `Communication.transfer` times is the
        // largest (so a link time without contention, which folds it into the latency, is never
        // short), and each stage's `messageSize` is its own boundary's bytes over it.
        let ends = counts.reduce(into: [Int]()) { $0.append(($0.last ?? 0) + $1) }
        let bytes = ends.map { end in lengths.indices.map { boundaryBytes(after: end - 1, slice: $0, lengths: lengths) } }
        let messageBytes = max(bytes.joined().max() ?? 0, lengths.indices.map { boundaryBytes(after: unitCount - 1, slice: $0, lengths: lengths) }.max() ?? 0)
        let boundaries = try boundaryMemory(partition: counts)
        var stages: [StageProfile] = []
        var first = 0
        for count in counts {
            let boundary = boundaries[stages.count]
            let units = first..<(first + count)
            let slices = (0..<lengths.count).map { slice -> PassCosts in
                let sum = units.reduce(UnitCost.zero) { $0 + cost(unit: $1, slice: slice, lengths: lengths) }
                let exchange = allToAll(sum.allToAllBytes)
                var passes = passCosts(sum, milliseconds: milliseconds, exchange: exchange, messageSize: bytes[stages.count][slice] / messageBytes,
                                       firstStage: first == 0, boundary: boundary)
                passes.recompute = recomputeCost(units: units, slice: slice, lengths: lengths, base: sum)
                passes.offload = offloadCost(sum)
                // B hides its all-to-all where it runs one (not on PyTorch's first stage, `BackwardSplit`).
                passes.overlap = exchange > 0 ? OverlapCost(forward: exchange, backward: min(exchange, passes.backwardInput)) : nil
                return passes
            }
            let staticBytes = units.reduce(0.0) { $0 + parameters(unit: $1) } * model.bytesPerParameter
            stages.append(StageProfile(slices: slices, staticMemory: (staticBytes / t + boundary.staticBytes) / gib))
            first += count
        }
        var placement = options.placement, partition = counts
        if options.vocabularyParallel {
            stages += vocabularyShards(lengths: lengths, messageBytes: messageBytes, reading: stages.count - 1, milliseconds: milliseconds)
            placement = .explicit(try transformerDevices() + Array(0..<options.devices))
            partition += Array(repeating: 0, count: options.devices)
        }
        let communication = LinkLatency(boundaryBytes: messageBytes, hardware: hardware)
            .communication(devicesPerNode: options.devicesPerNode, contended: options.linkContention)
        let name = "\(model.name)-p\(options.devices)-m\(options.microbatches)" + (options.slices > 1 ? "-k\(options.slices)" : "")
            + (options.pipelines > 1 ? "-x\(options.pipelines)" : "") + (options.vocabularyParallel ? "-vp" : "")
        // Every pipeline is a copy of the model, cut alike; each holds its own weights.
        stages = Array(repeating: stages, count: options.pipelines).flatMap { $0 }
        let scales = try microbatchScales()
        do {
            let problem = try Problem(name: name, microbatches: options.microbatches, devices: options.devices, placement: placement,
                                      stages: stages, communication: communication,
                                      memoryLimit: options.memoryLimit ? Array(repeating: options.memoryCap ?? hardware.memoryGiB, count: options.devices) : nil,
                                      sequenceSlices: options.slices, microbatchScales: scales,
                                      partition: Array(repeating: partition, count: options.pipelines).flatMap { $0 }, units: .profile,
                                      pipelines: options.pipelines, backwardSplit: options.backwardSplit, limits: options.limits)
            guard let factor = options.memoryCapActivations else { return problem }
            return try problem.withActivationCaps(factor: factor, limits: options.limits)
        } catch {
            if error.field.hasPrefix("memoryLimit") {
                throw ProfileError(field: "memory", message: "\(error.message) (GiB)", fix: memoryFix)
            }
            throw ProfileError(field: error.field, message: error.message, fix: error.fix)
        }
    }

    /// The passes of a piece of the model on one slice as the problem states them: its FLOPs in ms
    /// (`milliseconds`), plus `exchange`, its all-to-all, in F and in the pass that runs the input
    /// gradient (W on PyTorch's first stage), and its memory deltas in GiB per device of the
    /// tensor-parallel group, both split between B and W as the runtime splits them
    /// (`ProfileOptions.backwardSplit`) on the first stage of the model or another, with what the
    /// runtime holds at the stage's boundaries (`boundary`) added. Memory actions and overlap are the
    /// caller's to add.
    func passCosts(_ sum: UnitCost, milliseconds: (Double) -> Double, exchange: Double = 0, messageSize: Double, firstStage: Bool = false,
                   boundary: BoundaryMemory = .none) -> PassCosts {
        let t = Double(model.tensorParallel), gib = 1024.0 * 1024.0 * 1024.0
        let split = options.backwardSplit
        let deltas = split.memoryDeltas(sum, firstStage: firstStage)
        let forward = (deltas.forward / t + boundary.forwardBytes) / gib, input = (deltas.backwardInput / t + boundary.backwardInputBytes) / gib
        // W frees what F and B allocated, but for what the step holds to its end.
        let held = (forward: boundary.forwardHeldBytes / gib, input: boundary.backwardInputHeldBytes / gib)
        let backward = split.backwardFLOPs(sum, firstStage: firstStage)
        let inputRuns = !split.weightPassRunsWholeBackward(firstStage: firstStage)
        return PassCosts(forward: milliseconds(sum.forwardFLOPs) + exchange,
                         backwardInput: milliseconds(backward.input) + (inputRuns ? exchange : 0),
                         backwardWeight: milliseconds(backward.weight) + (inputRuns ? 0 : exchange),
                         memory: MemoryDeltas(forward: forward + held.forward, backwardInput: input + held.input, backwardWeight: -(forward + input)),
                         messageSize: messageSize)
    }

    /// The output layer's vocabulary shards, one per device, each reading stage `last`'s output
    /// (Vocabulary Parallelism, Yeung et al., 2024; `StageGraph`): a shard's message to the other
    /// shards is its softmax statistics (the running max, the sum of exponentials and the target's
    /// logit, three fp32 values per token), which every shard's backward waits for.
    /// `milliseconds` turns a shard's FLOPs into time, as for the transformer stages.
    func vocabularyShards(lengths: [Int], messageBytes: Double, reading last: Int, milliseconds: (Double) -> Double) -> [StageProfile] {
        let t = Double(model.tensorParallel), gib = 1024.0 * 1024.0 * 1024.0, shards = options.devices
        let slices = lengths.map { length -> PassCosts in
            let statistics = 3 * 4 * Double(length) * Double(model.microbatchSize) / t
            return passCosts(costs.headShard(tokens: Double(length), shards: shards), milliseconds: milliseconds,
                             messageSize: messageBytes > 0 ? statistics / messageBytes : 1)
        }
        let staticBytes = costs.vocabularyParameters / Double(shards) * model.bytesPerParameter
        return Array(repeating: StageProfile(slices: slices, staticMemory: staticBytes / t / gib, inputs: [last]), count: shards)
    }

    /// The device of each transformer stage under the options' placement.
    func transformerDevices() throws(ProfileError) -> [Int] {
        do {
            return try options.placement.devices(stages: options.stageCount, devices: options.devices, pipelines: options.pipelines)
        } catch {
            throw ProfileError(field: error.field, message: error.message, fix: error.fix)
        }
    }

    /// Each microbatch's scale from `options.sequenceLengths`: the whole model's F + B + W time and
    /// its forward activations at the microbatch's length over those at the model's (causal
    /// attention makes time grow faster than the length). `nil` without lengths.
    func microbatchScales() throws(ProfileError) -> [MicrobatchScale]? {
        guard let lengths = options.sequenceLengths else { return nil }
        guard lengths.count == options.microbatches else {
            throw ProfileError(field: "sequenceLengths", message: "lists \(lengths.count) lengths for \(options.microbatches) microbatches",
                               fix: "give one sequence length per microbatch, microbatch 0 first")
        }
        guard options.slices == 1 else {
            throw ProfileError(field: "sequenceLengths", message: "goes with unsliced sequences, but slices is \(options.slices)",
                               fix: "drop the slices, or give every microbatch the model's sequence length")
        }
        if let bad = lengths.firstIndex(where: { $0 < 1 }) {
            throw ProfileError(field: "sequenceLengths[\(bad)]", message: "is \(lengths[bad]); a sequence holds at least one token",
                               fix: "give each microbatch's tokens per sequence")
        }
        func whole(_ length: Int) -> UnitCost {
            let layers = (0..<unitCount).reduce(UnitCost.zero) { $0 + cost(unit: $1, slice: 0, lengths: [length]) }
            guard options.vocabularyParallel else { return layers }
            let shard = costs.headShard(tokens: Double(length), shards: options.devices)
            return (0..<options.devices).reduce(layers) { total, _ in total + shard }  // the head's shards count too
        }
        let reference = whole(model.sequenceLength)
        var byLength: [Int: MicrobatchScale] = [:]
        return lengths.map { length in
            if let known = byLength[length] { return known }
            let cost = whole(length)
            let scale = MicrobatchScale(time: cost.totalFLOPs / reference.totalFLOPs,
                                        memory: reference.storedBytes > 0 ? cost.storedBytes / reference.storedBytes : 1)
            byLength[length] = scale
            return scale
        }
    }

    /// Milliseconds the expert-parallel all-to-all of `bytes` takes, counted in F and in B and
    /// declared hideable by an overlapped F&B pass (`OverlapCost`, DeepSeek-V3's DualPipe): NVLink
    /// when the EP group fits in a node (`--devices-per-node` given and EP at most that), else the
    /// inter-node link; the tokens are split over the tensor-parallel ranks (sequence parallelism).
    var allToAllMilliseconds: (Double) -> Double {
        let expertParallel = model.moe?.expertParallel ?? 1
        let inNode = options.devicesPerNode.map { expertParallel <= $0 } ?? false
        let gigabytesPerSecond = inNode ? (hardware.intraNodeBandwidthGBps ?? hardware.p2pBandwidthGBps) : hardware.p2pBandwidthGBps
        let t = Double(model.tensorParallel)
        return { bytes in bytes / t / (gigabytesPerSecond * 1e9) * 1e3 }
    }

    /// What to try when the stages do not fit the memory: only the remedies the options have not
    /// already taken.
    var memoryFix: String {
        var remedies = ["use more devices (--devices \(options.devices + 1) or more)"]
        if options.recomputation != .full { remedies.append("--recompute full") }
        if model.causal { remedies.append(options.slices > 1 ? "more --slices than \(options.slices)" : "--slices 2 or more") }
        remedies.append("a larger --tensor-parallel than \(model.tensorParallel)")
        if options.memoryCap != nil { remedies.append("a larger --memory-limit") }
        let actions = options.memoryActions.offersOffloading
            ? " (offloading cannot move this memory: static memory, what each forward allocates before its copy to the host can start, and the keys and values later slices read stay on the device; more --slices lowers the second)"
            : options.memoryActions.offersRecomputation
            ? " (--memory-actions recompute cannot move this memory: a stage's R rebuilds all its activations before its backward, so one microbatch peaks as high; --memory-actions offload can move activations to the host)"
            : ""
        return remedies.joined(separator: ", ") + ", or --no-memory-limit to write the problem anyway" + actions
    }
}
