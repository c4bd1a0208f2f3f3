/// How much one microbatch costs against the stage profiles (problem JSON `microbatchScales`): its
/// passes last `time` times the profile's durations and move `memory` times its memory deltas.
///
/// Variable sequence lengths and sequence packing make microbatches of one step cost different
/// amounts: a microbatch of 2k tokens runs its layers in about half the time of one of 4k and holds
/// half the activations. Every pass of the microbatch scales alike, on every stage and slice, and so
/// do its memory actions (an `R` recomputes, an `O`/`L` copies, and an overlapped F&B pass hides, a
/// proportional share). Static memory and link latency do not scale.
public struct MicrobatchScale: Sendable, Equatable, Hashable, Codable {
    /// Factor on every pass duration of the microbatch (also recomputation, copies and hidden time).
    public var time: Double
    /// Factor on every memory delta of the microbatch (also what an action keeps or moves).
    public var memory: Double

    public init(time: Double = 1, memory: Double = 1) {
        self.time = time
        self.memory = memory
    }

    /// A microbatch that costs exactly its profile.
    public static let one = MicrobatchScale()

    enum CodingKeys: String, CodingKey, CaseIterable { case time, memory }

    /// One number scales time and memory alike; an object gives each (a missing one is 1).
    public init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer().decode(Double.self) {
            self.init(time: single, memory: single)
            return
        }
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(time: try container.decodeIfPresent(Double.self, forKey: .time) ?? 1,
                  memory: try container.decodeIfPresent(Double.self, forKey: .memory) ?? 1)
    }

    /// Written as one number when time and memory scale alike.
    public func encode(to encoder: Encoder) throws {
        if time == memory {
            var container = encoder.singleValueContainer()
            try container.encode(time)
        } else {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(time, forKey: .time)
            try container.encode(memory, forKey: .memory)
        }
    }
}

extension Problem {
    /// The scale of a microbatch (`.one` when the problem gives none).
    @inline(__always)
    public func scale(microbatch: Int) -> MicrobatchScale { microbatchScales?[microbatch] ?? .one }

    /// The extremes and sums of the scales over a step's microbatches, for the lower bounds: a chain
    /// every microbatch must respect lasts at least its profile times `leastTime`; a device's passes
    /// of one kind last `totalTime` times one profile pass in all; and so on.
    public struct ScaleSummary: Sendable, Equatable {
        public var leastTime: Double
        public var mostTime: Double
        public var totalTime: Double
        public var leastMemory: Double
        public var mostMemory: Double
        public var totalMemory: Double
    }

    /// The scales' extremes and sums (`ScaleSummary`).
    public var scaleSummary: ScaleSummary {
        guard let scales = microbatchScales else {
            let m = Double(microbatches)
            return ScaleSummary(leastTime: 1, mostTime: 1, totalTime: m, leastMemory: 1, mostMemory: 1, totalMemory: m)
        }
        return Self.summary(of: scales)
    }

    static func summary(of scales: [MicrobatchScale]) -> ScaleSummary {
        ScaleSummary(leastTime: scales.map(\.time).min() ?? 1, mostTime: scales.map(\.time).max() ?? 1, totalTime: scales.reduce(0) { $0 + $1.time },
                     leastMemory: scales.map(\.memory).min() ?? 1, mostMemory: scales.map(\.memory).max() ?? 1,
                     totalMemory: scales.reduce(0) { $0 + $1.memory })
    }

    /// Whether microbatches differ in cost. Only then does the order in which a stage takes its
    /// microbatches matter: otherwise any schedule stays valid, with the same times and memory, when
    /// each (stage, kind, slice)'s microbatches are relabelled in the order they run, which the exact
    /// models use to fix that order (symmetry breaking).
    public var costsVaryByMicrobatch: Bool {
        guard let scales = microbatchScales, let first = scales.first else { return false }
        return scales.contains { $0 != first }
    }

    /// Whether a model may fix the order in which each (stage, kind, slice) takes its microbatches
    /// (symmetry breaking) without losing every optimal schedule: only when microbatches are
    /// interchangeable, so they cost alike and the model does not choose memory actions (or fusing)
    /// per cell (`choosingActions`), which would let cells of one stage differ.
    public func microbatchOrderIsLossless(choosingActions: Bool) -> Bool { !choosingActions && !costsVaryByMicrobatch }

    /// Checks the scales: one per microbatch, each factor finite and > 0.
    static func checkMicrobatchScales(_ scales: [MicrobatchScale], microbatches: Int) throws(ProblemError) {
        guard scales.count == microbatches else {
            throw ProblemError(field: "microbatchScales", message: "lists \(scales.count) scales for \(microbatches) microbatches",
                               fix: "give exactly one scale per microbatch, microbatch 0 first, or omit microbatchScales")
        }
        for (index, scale) in scales.enumerated() {
            for (key, value) in [("time", scale.time), ("memory", scale.memory)] {
                let field = "microbatchScales[\(index)].\(key)"
                guard value.isFinite, value > 0 else {
                    throw ProblemError(field: field, message: "must be a finite factor > 0, got \(value)",
                                       fix: "give how much microbatch \(index) costs against the stage profiles, e.g. 0.5 for half the tokens")
                }
                try ProblemLimits.checkMagnitude(value, field: field, fix: "give a factor near 1, with the profiles of a typical microbatch")
            }
        }
    }
}
