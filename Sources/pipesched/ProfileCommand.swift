import ArgumentParser
import Foundation
import PipeSched
import PipeSchedCPSAT
import PipeSchedProfile

/// `pipesched profile`: write a problem from a model and hardware description (the analytic cost
/// model), from PyTorch profiler traces, or from a CSV of measured per-stage costs.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Write a problem JSON from a model + hardware description, profiler traces, or a CSV of measured costs.",
        discussion: """
        Cost model: --model and --hardware (JSON or YAML, see Models/ and docs/cost-model.md), with \
        --devices and --microbatches. Measured: --from-trace (one PyTorch Chrome trace per rank) or \
        --from-csv. Times are written in ms, memory in GiB. Any input file may be - (standard input).

        --partition search chooses the layers per stage together with the schedule: it explores \
        partitions with --explore-method, solves uniform, balanced and the best explored ones with \
        --method, and writes the problem of the best (never worse than uniform or balanced); \
        --schedule-output also writes its schedule. See docs/cost-model.md.
        """
    )

    @Option(help: "Model description (JSON or YAML), e.g. Models/models/llama3-8b.json.")
    var model: String?

    @Option(help: "Hardware description (JSON or YAML), e.g. Models/hardware/h100-80gb.json.")
    var hardware: String?

    @Option(help: "Pipeline devices; defaults to the model file's pipelineDevices.")
    var devices: Int?

    @Option(help: "Microbatches per step (needed with --model and --from-csv); with traces, defaults to the number seen.")
    var microbatches: Int?

    @Option(help: "sequential (one stage per device), interleaved (--chunks stages per device), v (two per device) or wave (--chunks stages per device in waves down and up the devices, Hanayo).")
    var placement: PlacementName = .sequential

    @Option(help: "Stages per device with --placement interleaved (default 2) or wave (default 4: two waves).")
    var chunks: Int?

    @Option(help: "Copies of the model the stages form, each running every microbatch: 2 with --placement v is the bidirectional placement of Chimera and DualPipe, with --placement wave --chunks 4 BitPipe's two opposite Vs (two weight copies per device).")
    var pipelines: Int = 1

    @Option(help: "Layer partition: uniform, balanced (minimise the heaviest stage) or search (chosen with the schedule).")
    var partition: PartitionName = .balanced

    @OptionGroup var partitionSearch: PartitionSearchOptions

    @Option(help: "GPUs per node: links inside a node use the hardware's intraNode figures (NVLink), links between nodes its p2p figures (InfiniBand).")
    var devicesPerNode: Int?

    @Flag(help: "Messages hold their link for their transfer time (size over bandwidth), one at a time per direction of each link; without it a message only delays its consumer and any number may be in flight.")
    var linkContention = false

    @Flag(help: "Cut the output layer (projection and loss) by vocabulary into one shard per device, each a stage of its own reading the last transformer stage, as Vocabulary Parallelism does (Yeung et al., 2024); one pipeline.")
    var vocabularyParallel = false

    @Option(help: "Slices per microbatch along the sequence (Seq1F1B).")
    var slices: Int = 1

    @Option(help: "Sequence length of each microbatch, comma-separated (variable lengths, packing), e.g. 8192,2048,4096,...: one per microbatch; each microbatch's costs scale from the model's sequenceLength.")
    var sequenceLengths: String?

    @Option(help: "Slice lengths: uniform or balanced (equal cost under causal attention).")
    var sliceSplit: SliceSplitName = .balanced

    @Option(help: "Activation recomputation: none (scores stored), selective (default; as with FlashAttention) or full.")
    var recompute: RecomputationName = .selective

    @Option(help: "Memory actions the search may choose per stage and microbatch: none (default), recompute, offload (activations to host memory over hostBandwidthGBps) or all (both).")
    var memoryActions: MemoryActionName = .none

    @Option(help: "How the runtime splits each backward into B and W: stored (default; W keeps only the linear layers' inputs and output gradients, as Zero Bubble's runtime and Megatron-LM's --delay-wgrad-compute) or torch (PyTorch's torch.distributed.pipelining, torchtitan: B keeps the whole autograd graph and the output gradients until W; on the first stage W runs the whole backward; each stage keeps a receive buffer per microbatch and the messages it sent until the step ends). torch goes without --slices, --pipelines, --vocabulary-parallel and --sequence-lengths.")
    var backwardSplit: BackwardSplitName = .stored

    @Option(help: "Tensor-parallel degree; overrides the model file's.")
    var tensorParallel: Int?

    @Flag(help: "Write no memory cap (by default the device memory is the cap).")
    var noMemoryLimit = false

    @Option(name: .customLong("from-trace"), parsing: .upToNextOption, help: "PyTorch profiler Chrome traces, one per rank.")
    var fromTrace: [String] = []

    @Option(name: .customLong("from-csv"), help: "CSV of measured per-stage costs (docs/cost-model.md).")
    var fromCSV: String?

    @Option(help: "Measured profiles: point-to-point latency in ms (trace clocks are not aligned across ranks).")
    var latency: Double = 0

    @Option(help: "Memory cap per device in GiB (default with --model: the hardware's memory; measured profiles: none).")
    var memoryLimit: Double?

    @Option(help: ArgumentHelp("Cap each device at its stages' static memory plus K × p microbatches' forward activations (Zero Bubble's unit: 1 is 1F1B's budget; 1.5 and 2 the ZB-H2 and ZB-V range), never above --memory-limit or the hardware's memory.", valueName: "K"))
    var memoryLimitActivations: Double?

    @Option(help: "Measured profiles: also write the per-stage medians as CSV here.")
    var csvOutput: String?

    @Option(name: .shortAndLong, help: "Write the problem here instead of standard output.")
    var output: String?

    @OptionGroup var limits: LimitOptions

    func validate() throws {
        let sources = [model != nil, !fromTrace.isEmpty, fromCSV != nil].filter { $0 }.count
        guard sources == 1 else { throw ValidationError("give exactly one of --model (with --hardware), --from-trace or --from-csv") }
        if model != nil, hardware == nil { throw ValidationError("--model needs --hardware") }
        if model != nil, microbatches == nil { throw ValidationError("--model needs --microbatches") }
        if fromCSV != nil, microbatches == nil {
            throw ValidationError("--from-csv needs --microbatches: a CSV of per-stage costs does not say how many microbatches a step has")
        }
        if devicesPerNode != nil, model == nil { throw ValidationError("--devices-per-node goes with --model: measured profiles carry their own --latency") }
        if linkContention, model == nil { throw ValidationError("--link-contention goes with --model: the cost model gives each message's size") }
        if vocabularyParallel, model == nil { throw ValidationError("--vocabulary-parallel goes with --model: the cost model cuts the output layer") }
        if sequenceLengths != nil, model == nil { throw ValidationError("--sequence-lengths goes with --model: the cost model scales each microbatch") }
        if backwardSplit != .stored, model == nil {
            throw ValidationError("--backward-split goes with --model: a measured profile carries the memory its own runtime held")
        }
        _ = try parsedSequenceLengths()
        if let devicesPerNode, devicesPerNode < 1 { throw ValidationError("--devices-per-node must be at least 1") }
        if noMemoryLimit, memoryLimit != nil { throw ValidationError("--memory-limit and --no-memory-limit contradict each other; give one") }
        if let memoryLimit, !(memoryLimit > 0) { throw ValidationError("--memory-limit must be a positive number of GiB") }
        if noMemoryLimit, memoryLimitActivations != nil {
            throw ValidationError("--memory-limit-activations and --no-memory-limit contradict each other; give one")
        }
        if let memoryLimitActivations, !(memoryLimitActivations > 0 && memoryLimitActivations.isFinite) {
            throw ValidationError("--memory-limit-activations must be a positive multiple of p microbatches' activations, e.g. 1.5")
        }
        try Input.requireOneStandardInput([model, hardware, fromCSV] + fromTrace)
        try partitionSearch.validate(searching: partition == .search, fromModel: model != nil)
    }

    func run() throws {
        if partition == .search { return try runPartitionSearch() }
        var problem: Problem
        var boundaries: [BoundaryMemory] = []
        do {
            if model != nil {
                let builder = try builder()
                problem = try builder.build()
                boundaries = try problem.partition.map { try builder.boundaryMemory(partition: $0) } ?? []
            } else {
                problem = try fromMeasurements()
            }
        } catch let error as ProfileError {
            throw Failure(error.description, code: .badInput)
        }
        if model == nil, let memoryLimitActivations {  // the cost model applies it itself (ProfileOptions)
            do {
                problem = try problem.withActivationCaps(factor: memoryLimitActivations, limits: limits.problemLimits)
            } catch {
                throw Failure("--memory-limit-activations \(memoryLimitActivations.readable): \(error.field): \(error.message); \(error.fix)", code: .badInput)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try Output.write(try encoder.encode(problem), to: output)
        if let output {
            let partition = problem.partition.map { ", layers per stage \($0)" } ?? ""
            print("wrote \(output): \(problem.stageCount) stages on \(problem.devices) devices, \(problem.microbatches) microbatches, \(problem.sequenceSlices) slice(s)\(partition)")
            if let note = Self.boundaryNote(boundaries, problem: problem) { print(note) }
        }
    }

    /// What the runtime keeps at stage boundaries on the device keeping the most (`BoundaryMemory`):
    /// its receive buffers, part of its static memory, and what it holds by the step's end; `nil`
    /// where it keeps nothing (`--backward-split stored`).
    static func boundaryNote(_ boundaries: [BoundaryMemory], problem: Problem) -> String? {
        guard boundaries.count == problem.stageCount, boundaries.contains(where: { $0.staticBytes > 0 }) else { return nil }
        let gib = 1024.0 * 1024.0 * 1024.0
        var kept = [Double](repeating: 0, count: problem.devices), held = kept, statics = kept
        for (stage, boundary) in boundaries.enumerated() {
            kept[problem.stageDevice[stage]] += boundary.staticBytes / gib
            held[problem.stageDevice[stage]] += boundary.heldAtStepEnd(microbatches: problem.microbatches) / gib
            statics[problem.stageDevice[stage]] += problem.stages[stage].staticMemory
        }
        let device = kept.indices.max { kept[$0] + held[$0] < kept[$1] + held[$1] }!
        return "PyTorch's runtime keeps \(kept[device].readable) GiB of device \(device)'s \(statics[device].readable) GiB static memory in receive buffers"
            + " (one per microbatch for each tensor a stage receives) and holds up to \(held[device].readable) GiB more by the step's end"
            + " (the outputs it sends and the input gradients it computes, from the pass that makes each), in proportion to the"
            + " \(problem.microbatches) microbatches (docs/cost-model.md)."
    }

    /// `--sequence-lengths` as integers, `nil` when not given.
    func parsedSequenceLengths() throws -> [Int]? {
        guard let sequenceLengths else { return nil }
        let parts = sequenceLengths.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try parts.enumerated().map { index, part in
            guard let length = Int(part) else {
                throw ValidationError("--sequence-lengths: entry \(index) is \"\(part)\", not a whole number of tokens; give one length per microbatch, e.g. 8192,2048")
            }
            return length
        }
    }

    /// The cost model's problem builder for the model, hardware and options given.
    func builder() throws -> ProblemBuilder {
        let model = try ConfigDecoding.decode(ModelConfig.self, from: Input.data(at: self.model!, maxBytes: limits.maxInputBytes))
        let hardware = try ConfigDecoding.decode(HardwareConfig.self, from: Input.data(at: self.hardware!, maxBytes: limits.maxInputBytes))
        guard let devices = devices ?? model.pipelineDevices else {
            throw Failure("--devices is needed: \(self.model!) names no pipelineDevices", code: .badInput)
        }
        var options = ProfileOptions(devices: devices, microbatches: microbatches!)
        options.placement = placement.value
        options.chunks = chunks ?? ProfileOptions.defaultChunks(placement.value)
        options.pipelines = pipelines
        options.partition = partition.strategy ?? .balanced
        options.slices = slices
        options.sliceSplit = sliceSplit.value
        options.recomputation = recompute.value
        options.memoryActions = memoryActions.value
        options.backwardSplit = backwardSplit.value
        options.tensorParallel = tensorParallel
        options.memoryLimit = !noMemoryLimit
        options.memoryCap = memoryLimit
        options.memoryCapActivations = memoryLimitActivations
        options.limits = limits.problemLimits
        options.devicesPerNode = devicesPerNode
        options.sequenceLengths = try parsedSequenceLengths()
        options.linkContention = linkContention
        options.vocabularyParallel = vocabularyParallel
        return try ProblemBuilder(model: model, hardware: hardware, options: options)
    }

    /// `--partition search`: the problem (and schedule) of the best partition, with the table of candidates.
    func runPartitionSearch() throws {
        let builder: ProblemBuilder
        do { builder = try self.builder() } catch let error as ProfileError { throw Failure(error.description, code: .badInput) }
        let report: PartitionSearch.Report
        do {
            report = try partitionSearch.search(registry: MethodRegistry.withExactMethods()).run(builder)
        } catch {
            throw Failure(error.description, code: .memoryCap)
        }
        let best = report.best
        FileHandle.standardError.write(Data(PartitionSearchTable(report, placement: best.problem.placement, pipelines: best.problem.pipelines,
                                                                      vocabularyParallel: vocabularyParallel).text.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var outputs: [(data: Data, path: String?)] = [(try encoder.encode(best.problem), output)]
        if let scheduleOutput = partitionSearch.scheduleOutput, case .success(let solution) = best.outcome {
            outputs.append((try solution.document(for: best.problem).json(), scheduleOutput))
        }
        try Output.writeAll(outputs)
        if let output {
            print("wrote \(output): \(best.problem.stageCount) stages on \(best.problem.devices) devices, \(best.problem.microbatches) microbatches, layers per stage \(best.partition) (\(best.origin))")
            let boundaries: [BoundaryMemory]
            do { boundaries = try builder.boundaryMemory(partition: best.partition) } catch { throw Failure(error.description, code: .badInput) }
            if let note = Self.boundaryNote(boundaries, problem: best.problem) { print(note) }
        }
    }

    func fromMeasurements() throws -> Problem {
        let profile: MeasuredProfile
        let name: String
        if let fromCSV {
            profile = try MeasuredCSV.parse(String(decoding: try Input.data(at: fromCSV, maxBytes: limits.maxInputBytes), as: UTF8.self))
            name = fromCSV == Input.standardInput ? "measured" : URL(fileURLWithPath: fromCSV).deletingPathExtension().lastPathComponent
        } else {
            profile = try TraceIngest.profile(traces: try fromTrace.map { try Input.data(at: $0, maxBytes: limits.maxInputBytes) }, names: fromTrace)
            name = "measured"
        }
        if let csvOutput { try Output.write(Data(MeasuredCSV.render(profile).utf8), to: csvOutput) }
        return try profile.problem(name: name, microbatches: microbatches, latency: latency, memoryLimit: memoryLimit,
                                   limits: limits.problemLimits)
    }
}

enum PlacementName: String, ExpressibleByArgument, CaseIterable {
    case sequential, interleaved, v, wave
    var value: Placement { Placement(name: rawValue)! }
}

enum PartitionName: String, ExpressibleByArgument, CaseIterable {
    case uniform, balanced, search
    /// The fixed strategy; `nil` for `search`.
    var strategy: PartitionStrategy? { PartitionStrategy(rawValue: rawValue) }
}

enum SliceSplitName: String, ExpressibleByArgument, CaseIterable {
    case uniform, balanced
    var value: SliceSplit { SliceSplit(rawValue: rawValue)! }
}

enum MemoryActionName: String, ExpressibleByArgument, CaseIterable {
    case none, recompute, offload, all
    var value: MemoryActionChoice { MemoryActionChoice(rawValue: rawValue)! }
}

enum BackwardSplitName: String, ExpressibleByArgument, CaseIterable {
    case stored, torch
    var value: BackwardSplit { BackwardSplit(rawValue: rawValue)! }
}

enum RecomputationName: String, ExpressibleByArgument, CaseIterable {
    case none, selective, full
    var value: Recomputation { Recomputation(rawValue: rawValue)! }
}
