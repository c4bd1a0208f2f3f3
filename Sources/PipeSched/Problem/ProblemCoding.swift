import Foundation

/// Schema v1 coding of `Problem`, `StageProfile` and `MemoryDeltas`: optional fields get their
/// defaults, `memoryLimit` may be one number or one per device, and unknown keys are rejected so a
/// misspelt field is never silently ignored.
extension Problem: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, microbatches, devices, placement, stages, communication, memoryLimit, sequenceSlices
    }

    public init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let devices = try container.decode(Int.self, forKey: .devices)
        var limit: [Double]?
        if let single = try? container.decode(Double.self, forKey: .memoryLimit) {
            limit = Array(repeating: single, count: max(devices, 0))
        } else {
            limit = try container.decodeIfPresent([Double].self, forKey: .memoryLimit)
        }
        try self.init(
            name: container.decodeIfPresent(String.self, forKey: .name) ?? "problem",
            microbatches: container.decode(Int.self, forKey: .microbatches),
            devices: devices,
            placement: container.decodeIfPresent(Placement.self, forKey: .placement) ?? .sequential,
            stages: container.decode([StageProfile].self, forKey: .stages),
            communication: container.decodeIfPresent(Communication.self, forKey: .communication) ?? Communication(),
            memoryLimit: limit,
            sequenceSlices: container.decodeIfPresent(Int.self, forKey: .sequenceSlices) ?? 1)
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
    }

    /// Decodes a problem from JSON, turning every decoding failure into a `ProblemError` that names
    /// the field.
    public static func decode(json data: Data) throws(ProblemError) -> Problem {
        do {
            return try JSONDecoder().decode(Problem.self, from: data)
        } catch let error as ProblemError {
            throw error
        } catch let error as DecodingError {
            throw ProblemError(error)
        } catch {
            throw ProblemError(field: "(file)", message: "\(error)", fix: "check the file is a problem JSON document")
        }
    }
}

extension StageProfile {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case forward, backwardInput, backwardWeight, memory, staticMemory
    }

    public init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(forward: try container.decode(Double.self, forKey: .forward),
                  backwardInput: try container.decode(Double.self, forKey: .backwardInput),
                  backwardWeight: try container.decode(Double.self, forKey: .backwardWeight),
                  memory: try container.decodeIfPresent(MemoryDeltas.self, forKey: .memory) ?? .zero,
                  staticMemory: try container.decodeIfPresent(Double.self, forKey: .staticMemory) ?? 0)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(forward, forKey: .forward)
        try container.encode(backwardInput, forKey: .backwardInput)
        try container.encode(backwardWeight, forKey: .backwardWeight)
        try container.encode(memory, forKey: .memory)
        if staticMemory != 0 { try container.encode(staticMemory, forKey: .staticMemory) }
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

/// Rejects JSON object keys a schema does not define.
enum UnknownKeys {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func reject<Keys: CodingKey & CaseIterable>(in decoder: Decoder, allowed: Keys.Type) throws {
        guard let container = try? decoder.container(keyedBy: AnyKey.self) else { return }
        let known = Set(Keys.allCases.map(\.stringValue))
        for key in container.allKeys where !known.contains(key.stringValue) {
            let suggestion = known.first { $0.lowercased() == key.stringValue.lowercased() }
            let fix = suggestion.map { "did you mean \"\($0)\"?" } ?? "remove it; known fields are \(known.sorted().joined(separator: ", "))"
            throw ProblemError(field: path(decoder.codingPath + [key]), message: "is not a known field", fix: fix)
        }
    }
}

/// Renders a coding path as `stages[2].memory.forward`.
func path(_ codingPath: [CodingKey]) -> String {
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

extension ProblemError {
    /// A field-level message for a JSON decoding failure.
    init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: path(context.codingPath + [key]), message: "is missing", fix: "add this required field")
        case .typeMismatch(let type, let context):
            self.init(field: path(context.codingPath), message: "has the wrong type; expected \(Self.describe(type))",
                      fix: "give a value of that type")
        case .valueNotFound(let type, let context):
            self.init(field: path(context.codingPath), message: "is null; expected \(Self.describe(type))",
                      fix: "give a value or remove the field if it is optional")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
                self.init(field: "(document)", message: "is not valid JSON (\(detail))", fix: "fix the JSON syntax")
            } else {
                self.init(field: path(context.codingPath), message: context.debugDescription, fix: "see docs/problem-format.md")
            }
        @unknown default:
            self.init(field: "(document)", message: "\(error)", fix: "see docs/problem-format.md")
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
