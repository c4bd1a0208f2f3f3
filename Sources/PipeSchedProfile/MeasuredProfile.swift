import PipeSched

/// Measured per-stage (and per-slice) pass times and memory deltas, from traces or a CSV file, ready
/// to become a problem. Times are in milliseconds and memory in GiB.
public struct MeasuredProfile: Sendable, Equatable {
    /// One stage's (or one stage slice's) measurements.
    public struct Row: Sendable, Equatable {
        public var stage: Int
        public var slice: Int
        public var device: Int
        public var forward: Double
        public var backwardInput: Double
        public var backwardWeight: Double
        public var memory: MemoryDeltas
        public var staticMemory: Double

        public init(stage: Int, slice: Int = 0, device: Int, forward: Double, backwardInput: Double, backwardWeight: Double,
                    memory: MemoryDeltas = .zero, staticMemory: Double = 0) {
            self.stage = stage
            self.slice = slice
            self.device = device
            self.forward = forward
            self.backwardInput = backwardInput
            self.backwardWeight = backwardWeight
            self.memory = memory
            self.staticMemory = staticMemory
        }
    }

    /// Largest stage, slice or device index a measurement may give.
    public static let maxIndex = 1 << 20

    /// Rows sorted by stage, then slice.
    public var rows: [Row]
    /// Microbatches seen in the measurement, if known.
    public var observedMicrobatches: Int?

    public init(rows: [Row], observedMicrobatches: Int? = nil) {
        self.rows = rows.sorted { ($0.stage, $0.slice) < ($1.stage, $1.slice) }
        self.observedMicrobatches = observedMicrobatches
    }

    /// A problem with these costs; every (stage, slice) must be present and each stage on one device.
    public func problem(name: String, microbatches: Int? = nil, latency: Double = 0,
                        memoryLimit: Double? = nil, limits: ProblemLimits = .standard) throws(ProfileError) -> Problem {
        guard let last = rows.last else { throw ProfileError(field: "(profile)", message: "has no stages", fix: "measure at least one stage") }
        // Every index within range before anything is sized by it.
        for row in rows {
            for (field, value) in [("stage", row.stage), ("slice", row.slice), ("device", row.device)] where !(0...Self.maxIndex).contains(value) {
                throw ProfileError(field: "stage \(row.stage)", message: "has \(field) \(value), outside 0...\(Self.maxIndex)", fix: "give indices from 0")
            }
        }
        let stageCount = last.stage + 1
        let slices = (rows.map(\.slice).max() ?? 0) + 1
        let deviceCount = (rows.map(\.device).max() ?? 0) + 1
        let count = microbatches ?? observedMicrobatches ?? 1
        try limits.check(ProblemSize(devices: deviceCount, stages: stageCount, microbatches: max(count, 1), sequenceSlices: slices))
        let bySlice = Dictionary(grouping: rows, by: \.stage)
        var stages: [StageProfile] = []
        var placement: [Int] = []
        for stage in 0..<stageCount {
            let mine = bySlice[stage] ?? []
            guard mine.map(\.slice) == Array(0..<slices) else {
                throw ProfileError(field: "stage \(stage)", message: "has measurements for slices \(mine.map(\.slice)), expected 0..<\(slices)",
                                   fix: "measure every stage and slice once")
            }
            guard Set(mine.map(\.device)).count == 1 else {
                throw ProfileError(field: "stage \(stage)", message: "appears on devices \(Set(mine.map(\.device)).sorted())", fix: "give each stage one device")
            }
            placement.append(mine[0].device)
            stages.append(StageProfile(slices: mine.map {
                PassCosts(forward: $0.forward, backwardInput: $0.backwardInput, backwardWeight: $0.backwardWeight, memory: $0.memory)
            }, staticMemory: mine[0].staticMemory))
        }
        let devices = (placement.max() ?? 0) + 1
        do {
            return try Problem(name: name, microbatches: count, devices: devices, placement: Self.name(placement, devices: devices),
                               stages: stages, communication: Communication(latency: latency),
                               memoryLimit: memoryLimit.map { Array(repeating: $0, count: devices) }, sequenceSlices: slices, units: .profile, limits: limits)
        } catch {
            throw ProfileError(field: error.field, message: error.message, fix: error.fix)
        }
    }

    /// The named placement an explicit device list matches, if any.
    static func name(_ list: [Int], devices p: Int) -> Placement {
        let n = list.count
        if list == Array(0..<n) && n == p { return .sequential }
        if n % p == 0 && list == (0..<n).map({ $0 % p }) { return .interleaved }
        if n == 2 * p && list == (0..<n).map({ $0 < p ? $0 : 2 * p - 1 - $0 }) { return .v }
        return .explicit(list)
    }
}
