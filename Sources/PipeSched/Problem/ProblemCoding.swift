import Foundation

/// Schema v1 coding of `Problem`, `StageProfile` and `MemoryDeltas`: optional fields get their
/// defaults, `memoryLimit` may be one number or one per device, and unknown keys are rejected so a
/// misspelt field is never silently ignored.
extension Problem: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, microbatches, devices, placement, stages, communication, memoryLimit, sequenceSlices, microbatchScales, partition,
             units, pipelines, backwardSplit
    }

    public init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let limits = decoder.userInfo[ProblemLimits.userInfoKey] as? ProblemLimits ?? .standard
        let devices = try Self.integer(container, .devices)
        let microbatches = try Self.integer(container, .microbatches)
        let slices = container.contains(.sequenceSlices) ? try Self.integer(container, .sequenceSlices) : 1
        let documents = try container.decode([StageDocument].self, forKey: .stages)
        // Before anything grows with the dimensions (per-device caps, per-slice costs).
        if devices >= 1, microbatches >= 1, slices >= 1 {
            try limits.check(ProblemSize(devices: devices, stages: max(documents.count, 1), microbatches: microbatches, sequenceSlices: slices))
        }
        var limit: [Double]?
        if let single = try? container.decode(Double.self, forKey: .memoryLimit) {
            limit = Array(repeating: single, count: max(devices, 0))
        } else {
            limit = try container.decodeIfPresent([Double].self, forKey: .memoryLimit)
        }
        var stages: [StageProfile] = []
        for (index, document) in documents.enumerated() {
            stages.append(try document.profile(field: "stages[\(index)]", sequenceSlices: max(slices, 1)))
        }
        try self.init(
            name: container.decodeIfPresent(String.self, forKey: .name) ?? "problem",
            microbatches: microbatches,
            devices: devices,
            placement: container.decodeIfPresent(Placement.self, forKey: .placement) ?? .sequential,
            stages: stages,
            communication: container.decodeIfPresent(Communication.self, forKey: .communication) ?? Communication(),
            memoryLimit: limit,
            sequenceSlices: slices,
            microbatchScales: container.decodeIfPresent([MicrobatchScale].self, forKey: .microbatchScales),
            partition: container.decodeIfPresent([Int].self, forKey: .partition),
            units: container.decodeIfPresent(ProblemUnits.self, forKey: .units),
            pipelines: container.contains(.pipelines) ? try Self.integer(container, .pipelines) : 1,
            backwardSplit: container.decodeIfPresent(BackwardSplit.self, forKey: .backwardSplit),
            limits: limits)
    }

    /// A whole number; a fraction or a number beyond 64 bits is refused naming the field (the
    /// decoder would report it as invalid JSON without a field).
    private static func integer(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int {
        if let value = try? container.decode(Int.self, forKey: key) { return value }
        if let number = try? container.decode(Double.self, forKey: key) {
            throw ProblemError(field: key.stringValue, message: "is \(number), not a whole number in the 64-bit range",
                               fix: "give a positive integer")
        }
        return try container.decode(Int.self, forKey: key)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(microbatches, forKey: .microbatches)
        try container.encode(devices, forKey: .devices)
        try container.encode(placement, forKey: .placement)
        try container.encode(stages, forKey: .stages)
        try container.encode(communication, forKey: .communication)
        if let memoryLimit {
            if Set(memoryLimit).count == 1 {
                try container.encode(memoryLimit[0], forKey: .memoryLimit)
            } else {
                try container.encode(memoryLimit, forKey: .memoryLimit)
            }
        }
        if sequenceSlices != 1 { try container.encode(sequenceSlices, forKey: .sequenceSlices) }
        if let microbatchScales { try container.encode(microbatchScales, forKey: .microbatchScales) }
        if let partition { try container.encode(partition, forKey: .partition) }
        if let units { try container.encode(units, forKey: .units) }
        if pipelines != 1 { try container.encode(pipelines, forKey: .pipelines) }
        if let backwardSplit { try container.encode(backwardSplit, forKey: .backwardSplit) }
    }

    /// Decodes a problem from JSON, turning every decoding failure into a `ProblemError` that names
    /// the field.
    /// The document is first checked for depth and duplicate keys (`JSONShapeCheck`), and its
    /// dimensions against `limits` before anything that grows with them is allocated.
    public static func decode(json data: Data, limits: ProblemLimits = .standard) throws(ProblemError) -> Problem {
        try JSONShapeCheck.check(data)
        do {
            let decoder = JSONDecoder()
            decoder.userInfo[ProblemLimits.userInfoKey] = limits
            return try decoder.decode(Problem.self, from: data)
        } catch let error as ProblemError {
            throw error
        } catch let error as DecodingError {
            throw ProblemError(error)
        } catch {
            throw ProblemError(field: "(file)", message: "\(error)", fix: "check the file is a problem JSON document")
        }
    }
}

extension StageProfile: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case forward, backwardInput, backwardWeight, memory, staticMemory, recompute, offload, overlap, messageSize, inputs
    }

    /// Decodes one stage on its own; array-valued costs must all list the same number of slices.
    public init(from decoder: Decoder) throws {
        let document = try StageDocument(from: decoder)
        self = try document.profile(field: ProblemError.fieldPath(decoder.codingPath), sequenceSlices: nil)
    }

    /// Each cost is written as one number when every slice shares it, else as an array (slice 0 first).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(SliceValues(slices.map(\.forward)), forKey: .forward)
        try container.encode(SliceValues(slices.map(\.backwardInput)), forKey: .backwardInput)
        try container.encode(SliceValues(slices.map(\.backwardWeight)), forKey: .backwardWeight)
        try container.encode(MemoryDocument(forward: SliceValues(slices.map(\.memory.forward)),
                                            backwardInput: SliceValues(slices.map(\.memory.backwardInput)),
                                            backwardWeight: SliceValues(slices.map(\.memory.backwardWeight))), forKey: .memory)
        if staticMemory != 0 { try container.encode(staticMemory, forKey: .staticMemory) }
        if let recompute = RecomputeDocument(slices) { try container.encode(recompute, forKey: .recompute) }
        if let offload = OffloadDocument(slices) { try container.encode(offload, forKey: .offload) }
        if let overlap = OverlapDocument(slices) { try container.encode(overlap, forKey: .overlap) }
        if slices.contains(where: { $0.messageSize != 1 }) { try container.encode(SliceValues(slices.map(\.messageSize)), forKey: .messageSize) }
        if let inputs { try container.encode(inputs, forKey: .inputs) }
    }
}

/// A per-slice quantity in a problem file: one number shared by every slice, or an array with one
/// number per slice.
struct SliceValues: Codable, Equatable {
    var values: [Double]
    var isArray: Bool

    /// Compacts equal values to a single number.
    init(_ values: [Double]) {
        let first = values[0]
        isArray = values.contains { $0 != first }
        self.values = isArray ? values : [first]
    }

    init(single value: Double) {
        values = [value]
        isArray = false
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(Double.self) {
            values = [single]
            isArray = false
        } else {
            values = try container.decode([Double].self)
            isArray = true
        }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if isArray { try container.encode(values) } else { try container.encode(values[0]) }
    }

    /// The value of slice `slice`.
    subscript(slice: Int) -> Double { isArray ? values[slice] : values[0] }
}

/// A stage as written in a problem file, before the slice counts are checked.
struct StageDocument: Decodable {
    var forward, backwardInput, backwardWeight: SliceValues
    var memory: MemoryDocument
    var staticMemory: Double
    var recompute: RecomputeDocument?
    var offload: OffloadDocument?
    var overlap: OverlapDocument?
    var messageSize: SliceValues
    var inputs: [Int]?

    init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: StageProfile.CodingKeys.self)
        let container = try decoder.container(keyedBy: StageProfile.CodingKeys.self)
        forward = try container.decode(SliceValues.self, forKey: .forward)
        backwardInput = try container.decode(SliceValues.self, forKey: .backwardInput)
        backwardWeight = try container.decode(SliceValues.self, forKey: .backwardWeight)
        memory = try container.decodeIfPresent(MemoryDocument.self, forKey: .memory) ?? MemoryDocument()
        staticMemory = try container.decodeIfPresent(Double.self, forKey: .staticMemory) ?? 0
        recompute = try container.decodeIfPresent(RecomputeDocument.self, forKey: .recompute)
        offload = try container.decodeIfPresent(OffloadDocument.self, forKey: .offload)
        overlap = try container.decodeIfPresent(OverlapDocument.self, forKey: .overlap)
        messageSize = try container.decodeIfPresent(SliceValues.self, forKey: .messageSize) ?? SliceValues(single: 1)
        inputs = try container.decodeIfPresent([Int].self, forKey: .inputs)
    }

    /// The stage's profile; each array must list `sequenceSlices` values (or, when `nil`, all arrays
    /// the same number).
    func profile(field: String, sequenceSlices: Int?) throws(ProblemError) -> StageProfile {
        let fields = [("forward", forward), ("backwardInput", backwardInput), ("backwardWeight", backwardWeight),
                      ("memory.forward", memory.forward), ("memory.backwardInput", memory.backwardInput),
                      ("memory.backwardWeight", memory.backwardWeight)]
            + (recompute.map { [("recompute.time", $0.time), ("recompute.keptMemory", $0.keptMemory)] } ?? [])
            + (offload.map { [("offload.memory", $0.memory), ("offload.time", $0.time)] } ?? [])
            + (overlap.map { [("overlap.forward", $0.forward), ("overlap.backward", $0.backward)] } ?? [])
            + [("messageSize", messageSize)]
        let arrays = fields.filter { $0.1.isArray }
        let count = sequenceSlices ?? arrays.first?.1.values.count ?? 1
        for (key, values) in arrays where values.values.count != count {
            let message = sequenceSlices == nil
                ? "has \(values.values.count) values but \(arrays[0].0) has \(count)"
                : "has \(values.values.count) values but sequenceSlices is \(count)"
            throw ProblemError(field: "\(field).\(key)", message: message,
                               fix: "give one number for every slice or an array of exactly \(count) numbers, slice 0 first")
        }
        let slices = arrays.isEmpty ? 1 : count
        let costs = (0..<slices).map { j in
            PassCosts(forward: forward[j], backwardInput: backwardInput[j], backwardWeight: backwardWeight[j],
                      memory: MemoryDeltas(forward: memory.forward[j], backwardInput: memory.backwardInput[j],
                                           backwardWeight: memory.backwardWeight[j]),
                      recompute: recompute?[j], offload: offload?[j], overlap: overlap?[j], messageSize: messageSize[j])
        }
        return StageProfile(slices: costs, staticMemory: staticMemory, inputs: inputs)
    }
}

/// A stage's `memory` object as written in a problem file: each delta a number or a per-slice array.
struct MemoryDocument: Codable {
    var forward = SliceValues(single: 0)
    var backwardInput = SliceValues(single: 0)
    var backwardWeight = SliceValues(single: 0)

    init() {}

    init(forward: SliceValues, backwardInput: SliceValues, backwardWeight: SliceValues) {
        self.forward = forward
        self.backwardInput = backwardInput
        self.backwardWeight = backwardWeight
    }

    init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: MemoryDeltas.CodingKeys.self)
        let container = try decoder.container(keyedBy: MemoryDeltas.CodingKeys.self)
        forward = try container.decode(SliceValues.self, forKey: .forward)
        backwardInput = try container.decode(SliceValues.self, forKey: .backwardInput)
        backwardWeight = try container.decode(SliceValues.self, forKey: .backwardWeight)
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: MemoryDeltas.CodingKeys.self)
        try container.encode(forward, forKey: .forward)
        try container.encode(backwardInput, forKey: .backwardInput)
        try container.encode(backwardWeight, forKey: .backwardWeight)
    }
}

extension MemoryDeltas {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case forward, backwardInput, backwardWeight
    }

    public init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(forward: try container.decode(Double.self, forKey: .forward),
                  backwardInput: try container.decode(Double.self, forKey: .backwardInput),
                  backwardWeight: try container.decode(Double.self, forKey: .backwardWeight))
    }
}

/// Rejects object keys a schema does not define, so a misspelt field is never silently ignored
/// (shared by every input schema: problems, model and hardware files).
public enum UnknownKeys {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Throws a `ProblemError` naming the first key of the object being decoded that `allowed` lacks.
    public static func reject<Keys: CodingKey & CaseIterable>(in decoder: Decoder, allowed: Keys.Type) throws {
        guard let container = try? decoder.container(keyedBy: AnyKey.self) else { return }
        let known = Set(Keys.allCases.map(\.stringValue))
        for key in container.allKeys where !known.contains(key.stringValue) {
            let suggestion = known.first { $0.lowercased() == key.stringValue.lowercased() }
            let fix = suggestion.map { "did you mean \"\($0)\"?" } ?? "remove it; known fields are \(known.sorted().joined(separator: ", "))"
            throw ProblemError(field: ProblemError.fieldPath(decoder.codingPath + [key]), message: "is not a known field", fix: fix)
        }
    }
}

extension ProblemError {
    /// Renders a coding path as a field path, e.g. `stages[2].memory.forward` or `layerTypes[3]`.
    public static func fieldPath(_ codingPath: [CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "(document)" : text
    }
}

extension ProblemError {
    /// A field-level message for a JSON or YAML decoding failure.
    public init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: ProblemError.fieldPath(context.codingPath + [key]), message: "is missing", fix: "add this required field")
        case .typeMismatch(let type, let context):
            self.init(field: ProblemError.fieldPath(context.codingPath), message: "has the wrong type; expected \(Self.describe(type))",
                      fix: "give a value of that type")
        case .valueNotFound(let type, let context):
            self.init(field: ProblemError.fieldPath(context.codingPath), message: "is null; expected \(Self.describe(type))",
                      fix: "give a value or remove the field if it is optional")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
                self.init(field: "(document)", message: "is not valid JSON (\(detail))", fix: "fix the JSON syntax")
            } else {
                self.init(field: ProblemError.fieldPath(context.codingPath), message: context.debugDescription, fix: "check the value against the format's documentation in docs/")
            }
        @unknown default:
            self.init(field: "(document)", message: "\(error)", fix: "check the value against the format's documentation in docs/")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is [Any].Type: "an array"
        default: "\(type)"
        }
    }
}
