import Foundation
import PipeSched
import PipeSchedProfile
import PipeSchedStore

/// Where a grid's problems come from: one base problem that every point is derived from, or a
/// model and hardware that the cost model (PipeSchedProfile) turns into each point's problem.
public enum GridSource: Sendable {
    case problem(Problem)
    case costModel(CostModelSource)

    /// A hash of the source, for the grid's fingerprint.
    var fingerprint: String {
        switch self {
        case .problem(let problem): String(decoding: problem.canonicalJSON(), as: UTF8.self)
        // The split only where it is not the default, so grids without it keep their fingerprint.
        case .costModel(let source): source.fingerprint + (source.backwardSplit == .stored ? "" : " backwardSplit \(source.backwardSplit.rawValue)")
        }
    }
}

/// A model and hardware description for the cost model, with a hash of the files they came from.
public struct CostModelSource: Sendable {
    public var model: ModelConfig
    public var hardware: HardwareConfig
    /// SHA-256 of the two files' bytes.
    public var fingerprint: String
    /// How the runtime splits each backward (`profile --backward-split`, the grid's `backwardSplit`).
    public var backwardSplit: BackwardSplit

    public init(model: ModelConfig, hardware: HardwareConfig, fingerprint: String, backwardSplit: BackwardSplit = .stored) {
        self.model = model
        self.hardware = hardware
        self.fingerprint = fingerprint
        self.backwardSplit = backwardSplit
    }

    /// Reads both files (JSON or YAML), naming the field of the first error.
    static func load(model modelURL: URL, hardware hardwareURL: URL, backwardSplit: BackwardSplit = .stored) throws(GridError) -> CostModelSource {
        func read(_ url: URL, field: String) throws(GridError) -> Data {
            guard let data = try? Data(contentsOf: url) else {
                throw GridError(field: field, message: "cannot read \(url.path)", fix: "give a path relative to the grid file")
            }
            return data
        }
        let modelData = try read(modelURL, field: "model"), hardwareData = try read(hardwareURL, field: "hardware")
        let model: ModelConfig, hardware: HardwareConfig
        do {
            model = try ConfigDecoding.decode(ModelConfig.self, from: modelData)
            try model.validate()
        } catch {
            throw GridError(field: "model", message: "\(modelURL.lastPathComponent): \(error.field): \(error.message)", fix: error.fix)
        }
        do {
            hardware = try ConfigDecoding.decode(HardwareConfig.self, from: hardwareData)
            try hardware.validate()
        } catch {
            throw GridError(field: "hardware", message: "\(hardwareURL.lastPathComponent): \(error.field): \(error.message)", fix: error.fix)
        }
        return CostModelSource(model: model, hardware: hardware, fingerprint: SHA256.hex(Array(modelData) + Array(hardwareData)),
                               backwardSplit: backwardSplit)
    }

    /// The cost model's problem for a point's shape, with the hardware's memory as the cap or none.
    func problem(devices: Int, microbatches: Int, placement: Placement, chunks: Int, pipelines: Int, slices: Int, capped: Bool,
                 field: String, limits: ProblemLimits = .standard) throws(GridError) -> Problem {
        var options = ProfileOptions(devices: devices, microbatches: microbatches)
        options.limits = limits
        options.placement = placement
        options.chunks = chunks
        options.pipelines = pipelines
        options.slices = slices
        options.memoryLimit = capped
        options.backwardSplit = backwardSplit
        do {
            return try ProblemBuilder(model: model, hardware: hardware, options: options).build()
        } catch {
            throw GridError(field: field, message: "the cost model: \(error.field): \(error.message)", fix: error.fix)
        }
    }
}
