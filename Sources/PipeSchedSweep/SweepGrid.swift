import Foundation
import PipeSched
import PipeSchedStore
import PipeSchedProfile
import Yams

/// A sweep grid (docs/sweep.md): a base problem (or a model and hardware for the cost model) and the
/// axes to vary. Every combination of axis values is a point; every point is solved with every method.
public struct SweepGrid: Sendable {
    public var source: GridSource
    public var devices: [Int]
    public var microbatches: [Int]
    public var memoryCaps: [MemoryCap]
    /// Margins kept under the caps, in percent (`solve --memory-headroom`); `[0]` keeps none.
    public var memoryHeadrooms: [Double]
    public var sequenceSlices: [Int]
    public var placements: [PlacementChoice]
    public var methods: [String]
    public var objective: Objective
    /// Seconds for searching methods; `nil` = each method's default.
    public var timeLimit: Double?
    public var seed: UInt64

    /// A grid over a base problem; axes left out take the base's values.
    public init(base: Problem, devices: [Int]? = nil, microbatches: [Int]? = nil, memoryCaps: [MemoryCap] = [.base],
                memoryHeadrooms: [Double] = [0], sequenceSlices: [Int]? = nil, placements: [PlacementChoice] = [.base], methods: [String],
                objective: Objective = .stageSpan, timeLimit: Double? = nil, seed: UInt64 = 1) {
        self.init(source: .problem(base), devices: devices ?? [base.devices], microbatches: microbatches ?? [base.microbatches],
                  memoryCaps: memoryCaps, memoryHeadrooms: memoryHeadrooms, sequenceSlices: sequenceSlices ?? [base.sequenceSlices],
                  placements: placements, methods: methods, objective: objective, timeLimit: timeLimit, seed: seed)
    }

    public init(source: GridSource, devices: [Int], microbatches: [Int], memoryCaps: [MemoryCap], memoryHeadrooms: [Double] = [0],
                sequenceSlices: [Int], placements: [PlacementChoice], methods: [String], objective: Objective, timeLimit: Double?,
                seed: UInt64) {
        self.source = source
        self.devices = devices
        self.microbatches = microbatches
        self.memoryCaps = memoryCaps
        self.memoryHeadrooms = memoryHeadrooms
        self.sequenceSlices = sequenceSlices
        self.placements = placements
        self.methods = methods
        self.objective = objective
        self.timeLimit = timeLimit
        self.seed = seed
    }

    /// Every point, in a fixed order (devices, microbatches, memory cap, memory headroom, slices,
    /// placement; the last varies fastest); a point's index is its position here, on every machine.
    public var points: [SweepPoint] {
        var points: [SweepPoint] = []
        for d in devices {
            for m in microbatches {
                for cap in memoryCaps {
                    for headroom in memoryHeadrooms {
                        for s in sequenceSlices {
                            for placement in placements {
                                points.append(SweepPoint(index: points.count, devices: d, microbatches: m, memoryCap: cap,
                                                         memoryHeadroom: headroom, sequenceSlices: s, placement: placement))
                            }
                        }
                    }
                }
            }
        }
        return points
    }

    /// The base problem of a problem grid; `nil` for a cost-model grid.
    public var base: Problem? {
        if case .problem(let problem) = source { return problem }
        return nil
    }

    /// A hash of everything that decides the rows (shards of one grid must agree on it to merge).
    public var fingerprint: String {
        // The headroom axis only when it keeps a margin, so grids without one keep their fingerprint.
        let headrooms = memoryHeadrooms == [0] ? [] : ["headroom \(memoryHeadrooms)"]
        let text = [source.fingerprint, devices.description, microbatches.description,
                    memoryCaps.description] + headrooms + [sequenceSlices.description, placements.description, methods.description,
                    objective.rawValue, timeLimit.map { $0.description } ?? "default", seed.description, PipeSchedVersion.current]
        return String(SHA256.hex(Array(text.joined(separator: "\n").utf8)).prefix(16))
    }
}

extension SweepGrid {
    static let fields: Set<String> = ["problem", "model", "hardware", "backwardSplit", "objective", "timeLimit", "seed", "axes"]
    /// Most runs (points × methods) one grid may hold.
    static let maxRuns = 1_000_000
    /// Largest grid file read, in bytes.
    static let maxFileBytes = 1 << 20
    static let axisFields: Set<String> = ["devices", "microbatches", "memoryCap", "memoryHeadroom", "sequenceSlices", "placement", "methods"]

    /// Reads a grid file; a relative `problem:` path is taken from the grid file's folder.
    /// `knownMethods` are the method names the run offers.
    public static func load(path: String, knownMethods: Set<String>) throws(GridError) -> SweepGrid {
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0
        guard size <= maxFileBytes else {
            throw GridError(field: "(file)", message: "\(path) is larger than \(maxFileBytes) bytes", fix: "a grid file lists axes, not data; check the path")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw GridError(field: "(file)", message: "cannot read \(path)", fix: "check the path")
        }
        return try parse(yaml: text, folder: URL(fileURLWithPath: path).deletingLastPathComponent(), knownMethods: knownMethods)
    }

    /// Parses grid YAML.
    public static func parse(yaml text: String, folder: URL, knownMethods: Set<String>) throws(GridError) -> SweepGrid {
        try YAMLShapeCheck.check(text)
        let root: [String: Any]
        do {
            guard let mapping = try Yams.load(yaml: text) as? [String: Any] else {
                throw GridError(field: "(file)", message: "is not a YAML mapping", fix: "see docs/sweep.md for the grid format")
            }
            root = mapping
        } catch let error as GridError {
            throw error
        } catch {
            throw GridError(field: "(file)", message: "is not valid YAML (\(error))", fix: "fix the YAML syntax")
        }
        try rejectUnknown(root, allowed: fields, prefix: "")
        let source = try source(root, folder: folder)
        let axes = root["axes"] as? [String: Any] ?? [:]
        if root["axes"] != nil, root["axes"] as? [String: Any] == nil {
            throw GridError(field: "axes", message: "is not a mapping", fix: "list the axes under axes:, see docs/sweep.md")
        }
        try rejectUnknown(axes, allowed: axisFields, prefix: "axes.")
        let methodNames = try list(axes["methods"], field: "axes.methods") { value, field throws(GridError) -> String in
            guard let name = value as? String else { throw GridError(field: field, message: "is not a method name", fix: "give names from `pipesched methods`") }
            guard knownMethods.contains(name) else {
                throw GridError(field: field, message: "unknown method \"\(name)\"", fix: "`pipesched methods` lists the methods")
            }
            return name
        }
        guard let methods = methodNames, !methods.isEmpty else {
            throw GridError(field: "axes.methods", message: "is missing", fix: "list the methods to run, e.g. [1f1b, zb-h1, greedy]")
        }
        let devices = try list(axes["devices"], field: "axes.devices") { value, field throws(GridError) in try positiveInt(value, field: field) }
        let microbatches = try list(axes["microbatches"], field: "axes.microbatches") { value, field throws(GridError) in try positiveInt(value, field: field) }
        let memoryCaps = try list(axes["memoryCap"], field: "axes.memoryCap") { value, field throws(GridError) in try MemoryCap.parse(value, field: field) } ?? [.base]
        let headrooms = try list(axes["memoryHeadroom"], field: "axes.memoryHeadroom") { value, field throws(GridError) in try headroom(value, field: field) } ?? [0]
        let slices = try list(axes["sequenceSlices"], field: "axes.sequenceSlices") { value, field throws(GridError) in try positiveInt(value, field: field) }
        let placements = try list(axes["placement"], field: "axes.placement") { value, field throws(GridError) in try PlacementChoice.parse(value, field: field) } ?? [.base]
        var grid: SweepGrid
        switch source {
        case .problem(let base):
            grid = SweepGrid(base: base, devices: devices, microbatches: microbatches, memoryCaps: memoryCaps, memoryHeadrooms: headrooms,
                             sequenceSlices: slices, placements: placements, methods: methods)
        case .costModel(let model):
            guard let devices = devices ?? model.model.pipelineDevices.map({ [$0] }) else {
                throw GridError(field: "axes.devices", message: "is missing and the model names no pipelineDevices", fix: "list device counts, e.g. [4, 8]")
            }
            guard let microbatches else {
                throw GridError(field: "axes.microbatches", message: "is missing", fix: "list microbatch counts, e.g. [8, 16, 32]")
            }
            grid = SweepGrid(source: source, devices: devices, microbatches: microbatches, memoryCaps: memoryCaps, memoryHeadrooms: headrooms,
                             sequenceSlices: slices ?? [1], placements: placements, methods: methods, objective: .stageSpan, timeLimit: nil, seed: 1)
        }
        let runs = ProblemSize.product([grid.devices.count, grid.microbatches.count, grid.memoryCaps.count, grid.memoryHeadrooms.count,
                                        grid.sequenceSlices.count, grid.placements.count, grid.methods.count])
        guard let runs, runs <= maxRuns else {
            throw GridError(field: "axes", message: "make \(runs.map(String.init) ?? "too many") runs (points × methods), over the limit of \(maxRuns)",
                            fix: "split the grid into several grids, or shard it (--share)")
        }
        if let objective = root["objective"] {
            guard let name = objective as? String, let value = Objective(rawValue: name) else {
                throw GridError(field: "objective", message: "must be stageSpan or makespan", fix: "use stageSpan (default) or makespan")
            }
            grid.objective = value
        }
        if let limit = root["timeLimit"] {
            guard let seconds = (limit as? Double) ?? (limit as? Int).map(Double.init), seconds > 0 else {
                throw GridError(field: "timeLimit", message: "must be a positive number of seconds", fix: "give seconds, e.g. 1")
            }
            grid.timeLimit = seconds
        }
        if let seed = root["seed"] {
            guard let value = seed as? Int, value >= 0 else { throw GridError(field: "seed", message: "must be a non-negative integer", fix: "give e.g. 1") }
            grid.seed = UInt64(value)
        }
        return grid
    }

    /// `problem:`, or `model:` with `hardware:`.
    private static func source(_ root: [String: Any], folder: URL) throws(GridError) -> GridSource {
        guard root["model"] != nil || root["hardware"] != nil else {
            if root["backwardSplit"] != nil {
                throw GridError(field: "backwardSplit", message: "goes with model and hardware: a base problem carries its memory as it was profiled",
                                fix: "profile the base problem with pipesched profile --backward-split, or give model: and hardware:")
            }
            return .problem(try problem(root["problem"], folder: folder))
        }
        guard root["problem"] == nil else {
            throw GridError(field: "problem", message: "goes with neither model nor hardware", fix: "give a base problem, or a model and hardware")
        }
        guard let model = root["model"] as? String, let hardware = root["hardware"] as? String else {
            throw GridError(field: root["model"] is String ? "hardware" : "model", message: "is missing or not a file path",
                            fix: "give both model: FILE and hardware: FILE (JSON or YAML, see docs/cost-model.md)")
        }
        func url(_ path: String) -> URL { path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path) }
        var split = BackwardSplit.stored
        if let value = root["backwardSplit"] {
            guard let text = value as? String, let parsed = BackwardSplit(rawValue: text) else {
                throw GridError(field: "backwardSplit", message: "is \(value), not a backward split",
                                fix: "use \(BackwardSplit.allCases.map(\.rawValue).joined(separator: " or ")) (docs/cost-model.md), or omit it for stored")
            }
            split = parsed
        }
        return .costModel(try CostModelSource.load(model: url(model), hardware: url(hardware), backwardSplit: split))
    }

    private static func problem(_ value: Any?, folder: URL) throws(GridError) -> Problem {
        let data: Data
        let origin: String
        switch value {
        case let path as String:
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path)
            guard let contents = try? Data(contentsOf: url) else {
                throw GridError(field: "problem", message: "cannot read \(url.path)", fix: "give a problem file path relative to the grid file")
            }
            data = contents
            origin = path
        case let mapping as [String: Any]:
            guard let encoded = try? JSONSerialization.data(withJSONObject: mapping) else {
                throw GridError(field: "problem", message: "cannot be read as a problem", fix: "see docs/problem-format.md")
            }
            data = encoded
            origin = "problem"
        default:
            throw GridError(field: "problem", message: "is missing", fix: "give a problem file (problem: model.json) or an inline problem mapping")
        }
        do {
            return try Problem.decode(json: data)
        } catch {
            throw GridError(field: "problem", message: "\(origin): \(error.field): \(error.message)", fix: error.fix)
        }
    }

    private static func rejectUnknown(_ mapping: [String: Any], allowed: Set<String>, prefix: String) throws(GridError) {
        for key in mapping.keys.sorted() where !allowed.contains(key) {
            throw GridError(field: prefix + key, message: "is not a known field", fix: "known fields are \(allowed.sorted().joined(separator: ", "))")
        }
    }

    /// A list (or a single value) of an axis; `nil` when absent.
    private static func list<T>(_ value: Any?, field: String, _ read: (Any, String) throws(GridError) -> T) throws(GridError) -> [T]? {
        guard let value else { return nil }
        let items = value as? [Any] ?? [value]
        guard !items.isEmpty else { throw GridError(field: field, message: "is empty", fix: "give at least one value or leave the axis out") }
        var result: [T] = []
        for (index, item) in items.enumerated() { result.append(try read(item, "\(field)[\(index)]")) }
        return result
    }

    /// A memory headroom: a percentage of each cap in [0, 100), as `solve --memory-headroom` takes it.
    private static func headroom(_ value: Any, field: String) throws(GridError) -> Double {
        guard let percent = (value as? Double) ?? (value as? Int).map(Double.init) else {
            throw GridError(field: field, message: "must be a number", fix: "give a percentage of each cap in [0, 100), e.g. 5")
        }
        do { return try MemoryHeadroom(percent: percent, field: field).percent } catch {
            throw GridError(field: field, message: error.message, fix: error.fix)
        }
    }

    private static func positiveInt(_ value: Any, field: String) throws(GridError) -> Int {
        guard let number = value as? Int, number >= 1 else {
            throw GridError(field: field, message: "must be a positive integer", fix: "give whole numbers such as 4 or 8")
        }
        return number
    }
}
