import Foundation
import PipeSched
import PipeSchedProfile

/// A validated `POST /v1/profile` body: the cost model's inputs, as `pipesched profile --model
/// --hardware` takes them. `model` and `hardware` are a bundled name (`GET /examples.json` lists
/// them) or a description object (docs/cost-model.md); the answer is the problem JSON.
public struct ProfileRequest: Sendable {
    public var model: ModelConfig
    public var hardware: HardwareConfig
    public var options: ProfileOptions

    /// Fields the body may carry; anything else is rejected.
    static let fields: Set<String> = ["model", "hardware", "devices", "microbatches", "placement", "chunks", "pipelines", "partition", "slices",
                                      "recompute", "tensorParallel", "memoryLimit", "memoryLimitActivations", "memoryActions", "devicesPerNode", "sequenceLengths", "linkContention", "vocabularyParallel",
                                      "backwardSplit"]

    /// Parses and checks a body; `bundled` resolves model and hardware names.
    public static func parse(_ body: Data, bundled: BundledFiles = .standard) throws(APIError) -> ProfileRequest {
        let members = try TopLevelJSON.requestMembers(body, allowed: fields,
                                                      example: "{\"model\": \"llama3-8b\", \"hardware\": \"h100-80gb\", \"microbatches\": 16}")
        let model = try config(ModelConfig.self, members["model"], field: "model", named: bundled.models)
        let hardware = try config(HardwareConfig.self, members["hardware"], field: "hardware", named: bundled.hardware)
        guard let microbatchesData = members["microbatches"] else {
            throw .invalidRequest(field: "microbatches", "is missing", fix: "give the microbatches per step, e.g. 16")
        }
        let microbatches = try SolveRequest.value(Int.self, microbatchesData, field: "microbatches", expected: "a positive integer")
        let devices = try members["devices"].map { data throws(APIError) in try SolveRequest.value(Int.self, data, field: "devices", expected: "a positive integer") }
        guard let pipeline = devices ?? model.pipelineDevices else {
            throw .invalidRequest(field: "devices", "is missing and the model names no pipelineDevices", fix: "give the pipeline devices, e.g. 8")
        }
        var options = ProfileOptions(devices: pipeline, microbatches: microbatches)
        if let data = members["placement"] {
            let names = Placement.named.compactMap(\.name).joined(separator: ", ")
            let name = try SolveRequest.value(String.self, data, field: "placement", expected: names)
            guard let placement = Placement(name: name) else { throw .invalidRequest(field: "placement", "is \"\(name)\"", fix: "use \(names)") }
            options.placement = placement
        }
        options.chunks = ProfileOptions.defaultChunks(options.placement)
        if let data = members["chunks"] { options.chunks = try SolveRequest.value(Int.self, data, field: "chunks", expected: "stages per device") }
        if let data = members["pipelines"] { options.pipelines = try SolveRequest.value(Int.self, data, field: "pipelines", expected: "copies of the model, e.g. 2 with placement v") }
        if let data = members["slices"] { options.slices = try SolveRequest.value(Int.self, data, field: "slices", expected: "slices per microbatch") }
        if let data = members["tensorParallel"] {
            options.tensorParallel = try SolveRequest.value(Int.self, data, field: "tensorParallel", expected: "the tensor-parallel degree")
        }
        if let data = members["memoryLimit"] {
            options.memoryCap = try SolveRequest.value(Double.self, data, field: "memoryLimit", expected: "a cap per device in GiB")
        }
        if let data = members["memoryLimitActivations"] {
            options.memoryCapActivations = try SolveRequest.value(Double.self, data, field: "memoryLimitActivations",
                                                                  expected: "K, for caps of K·p microbatches' activations per device")
        }
        options.partition = try choice(members["partition"], field: "partition", default: options.partition)
        options.recomputation = try choice(members["recompute"], field: "recompute", default: options.recomputation)
        options.memoryActions = try choice(members["memoryActions"], field: "memoryActions", default: options.memoryActions)
        options.backwardSplit = try choice(members["backwardSplit"], field: "backwardSplit", default: options.backwardSplit)
        if let data = members["devicesPerNode"] {
            options.devicesPerNode = try SolveRequest.value(Int.self, data, field: "devicesPerNode", expected: "the GPUs per node")
        }
        if let data = members["linkContention"] {
            options.linkContention = try SolveRequest.value(Bool.self, data, field: "linkContention", expected: "true or false")
        }
        if let data = members["vocabularyParallel"] {
            options.vocabularyParallel = try SolveRequest.value(Bool.self, data, field: "vocabularyParallel", expected: "true or false")
        }
        if let data = members["sequenceLengths"] {
            options.sequenceLengths = try SolveRequest.value([Int].self, data, field: "sequenceLengths",
                                                             expected: "one sequence length per microbatch, e.g. [8192, 2048]")
        }
        return ProfileRequest(model: model, hardware: hardware, options: options)
    }

    /// The problem, as `pipesched profile` writes it; a problem the cost model refuses names the field.
    public func problem() throws(APIError) -> Problem {
        do {
            return try ProblemBuilder(model: model, hardware: hardware, options: options).build()
        } catch {
            throw APIError(.badRequest, code: "invalidProfile", message: error.message, field: error.field, fix: error.fix)
        }
    }

    /// A model or hardware description: a bundled name or an object.
    private static func config<T: Decodable>(_ type: T.Type, _ data: Data?, field: String, named: [String: String]) throws(APIError) -> T {
        guard let data else { throw .invalidRequest(field: field, "is missing", fix: "give a bundled name (\(named.keys.sorted().joined(separator: ", "))) or a description object") }
        var text = data
        if data.first == UInt8(ascii: "\"") {
            let name = try SolveRequest.value(String.self, data, field: field, expected: "a name or an object")
            guard let bundled = named[name] else {
                throw .invalidRequest(field: field, "\"\(name)\" is not bundled", fix: "use one of \(named.keys.sorted().joined(separator: ", ")), or give the description")
            }
            text = Data(bundled.utf8)
        }
        do {
            return try ConfigDecoding.decode(T.self, from: text)
        } catch {
            throw APIError(.badRequest, code: "invalidProfile", message: error.message, field: "\(field).\(error.field)", fix: error.fix)
        }
    }

    private static func choice<T: RawRepresentable & CaseIterable>(_ data: Data?, field: String, default value: T) throws(APIError) -> T where T.RawValue == String {
        guard let data else { return value }
        let name = try SolveRequest.value(String.self, data, field: field, expected: T.allCases.map(\.rawValue).joined(separator: ", "))
        guard let parsed = T(rawValue: name) else {
            throw .invalidRequest(field: field, "is \"\(name)\"", fix: "use one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return parsed
    }
}

/// The bundled files the server offers by name: problems (`Models/*.json`), model and hardware
/// descriptions (`Models/models/`, `Models/hardware/`), embedded by scripts/embed-resources.
public struct BundledFiles: Sendable {
    public var problems: [String: String]
    public var models: [String: String]
    public var hardware: [String: String]

    public static let standard = BundledFiles(problems: Bundled.problems, models: Bundled.models, hardware: Bundled.hardware)

    /// `{"problems": {...}, "models": {...}, "hardware": {...}}`, each by name, for `GET /examples.json`.
    var json: String {
        func object(_ table: [String: String]) -> String {
            "{" + table.keys.sorted().map { "\"\($0)\": \(table[$0]!)" }.joined(separator: ",\n") + "}"
        }
        return "{\"problems\": \(object(problems)),\n\"models\": \(object(models)),\n\"hardware\": \(object(hardware))}\n"
    }
}
