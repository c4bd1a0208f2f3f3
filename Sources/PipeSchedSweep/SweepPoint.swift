import PipeSched

/// One combination of axis values. Its problem is built from the grid's base problem by
/// `PointProblem`; its memory headroom is not part of the problem but of how it is solved.
public struct SweepPoint: Sendable, Hashable {
    /// Position in the grid's point order (the same on every machine; shards split by it).
    public var index: Int
    public var devices: Int
    public var microbatches: Int
    public var memoryCap: MemoryCap
    /// The margin, in percent of each cap, the point's runs keep free (`solve --memory-headroom`).
    public var memoryHeadroom: Double
    public var sequenceSlices: Int
    public var placement: PlacementChoice

    public init(index: Int, devices: Int, microbatches: Int, memoryCap: MemoryCap, memoryHeadroom: Double = 0, sequenceSlices: Int,
                placement: PlacementChoice) {
        self.index = index
        self.devices = devices
        self.microbatches = microbatches
        self.memoryCap = memoryCap
        self.memoryHeadroom = memoryHeadroom
        self.sequenceSlices = sequenceSlices
        self.placement = placement
    }

    /// The problem name suffix: every axis but the headroom, `d4-m16-cap0.8x-s1-sequential`, so
    /// points that differ only in their margin solve the same problem.
    public var problemLabel: String { "d\(devices)-m\(microbatches)-cap\(memoryCap)-s\(sequenceSlices)-\(placement)" }

    /// A readable label: the problem's, with the headroom when there is one
    /// (`d4-m16-cap0.8x-s1-sequential-headroom5`), so labels of grids without it are unchanged.
    public var label: String { memoryHeadroom > 0 ? "\(problemLabel)-headroom\(memoryHeadroom.readable)" : problemLabel }
}
