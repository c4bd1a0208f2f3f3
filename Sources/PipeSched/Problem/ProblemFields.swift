extension Problem {
    /// Everything a problem is made of: what `Problem.init` takes. Deriving one problem from another
    /// goes through here (`with(_:)`), so no field is forgotten and every derived problem is checked
    /// again.
    public struct Fields: Sendable, Equatable {
        public var name: String
        public var microbatches: Int
        public var devices: Int
        public var placement: Placement
        public var stages: [StageProfile]
        public var communication: Communication
        public var memoryLimit: [Double]?
        public var sequenceSlices: Int
        public var microbatchScales: [MicrobatchScale]?
        public var partition: [Int]?
        public var units: ProblemUnits?
        public var pipelines: Int
        public var backwardSplit: BackwardSplit?
    }

    /// This problem's fields.
    public var fields: Fields {
        Fields(name: name, microbatches: microbatches, devices: devices, placement: placement, stages: stages,
               communication: communication, memoryLimit: memoryLimit, sequenceSlices: sequenceSlices,
               microbatchScales: microbatchScales, partition: partition, units: units, pipelines: pipelines,
               backwardSplit: backwardSplit)
    }

    /// A problem from its fields, checked like any other (within `limits`).
    public init(_ fields: Fields, limits: ProblemLimits = .standard) throws(ProblemError) {
        try self.init(name: fields.name, microbatches: fields.microbatches, devices: fields.devices, placement: fields.placement,
                      stages: fields.stages, communication: fields.communication, memoryLimit: fields.memoryLimit,
                      sequenceSlices: fields.sequenceSlices, microbatchScales: fields.microbatchScales, partition: fields.partition,
                      units: fields.units, pipelines: fields.pipelines, backwardSplit: fields.backwardSplit, limits: limits)
    }

    /// This problem with some fields changed, checked again (within `limits`).
    public func with(limits: ProblemLimits = .standard, _ change: (inout Fields) -> Void) throws(ProblemError) -> Problem {
        var fields = self.fields
        change(&fields)
        return try Problem(fields, limits: limits)
    }

    /// The same problem with other memory caps (`nil` = unlimited).
    public func withMemoryLimit(_ limit: [Double]?) throws(ProblemError) -> Problem {
        try with { $0.memoryLimit = limit }
    }
}
