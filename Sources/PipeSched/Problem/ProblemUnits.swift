/// The units a problem's numbers are in (problem JSON `units`): `time` for pass durations and
/// communication latency, `memory` for memory deltas, static memory and caps. Free text such as
/// `"ms"` and `"GiB"`; the numbers themselves are never converted.
public struct ProblemUnits: Sendable, Equatable, Hashable, Codable {
    public var time: String
    public var memory: String

    public init(time: String, memory: String) {
        self.time = time
        self.memory = memory
    }

    /// What `pipesched profile` writes: milliseconds and GiB.
    public static let profile = ProblemUnits(time: "ms", memory: "GiB")

    enum CodingKeys: String, CodingKey, CaseIterable { case time, memory }

    public init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        time = try container.decode(String.self, forKey: .time)
        memory = try container.decode(String.self, forKey: .memory)
    }
}

extension Problem {
    /// `value` with the time unit, e.g. `12.5 ms` (just the number when the problem names none).
    public func timeText(_ value: Double) -> String { units.map { "\(value.readable) \($0.time)" } ?? value.readable }

    /// `value` with the memory unit, e.g. `40 GiB`.
    public func memoryText(_ value: Double) -> String { units.map { "\(value.readable) \($0.memory)" } ?? value.readable }
}
