import PipeSched

/// One combination of axis values. Its problem is built from the grid's base problem by
/// `PointProblem`.
public struct SweepPoint: Sendable, Hashable {
    /// Position in the grid's point order (the same on every machine; shards split by it).
    public var index: Int
    public var devices: Int
    public var microbatches: Int
    public var memoryCap: MemoryCap
    public var sequenceSlices: Int
    public var placement: PlacementChoice

    public init(index: Int, devices: Int, microbatches: Int, memoryCap: MemoryCap, sequenceSlices: Int, placement: PlacementChoice) {
        self.index = index
        self.devices = devices
        self.microbatches = microbatches
        self.memoryCap = memoryCap
        self.sequenceSlices = sequenceSlices
        self.placement = placement
    }

    /// A readable label, also the problem name suffix: `d4-m16-cap0.8x-s1-sequential`.
    public var label: String { "d\(devices)-m\(microbatches)-cap\(memoryCap)-s\(sequenceSlices)-\(placement)" }
}
