/// A stage's `recompute` object in a problem file (schema v1, optional): `time` and `keptMemory`,
/// each one number for every slice or one per slice (`RecomputeCost`).
struct RecomputeDocument: Codable {
    var time: SliceValues
    var keptMemory: SliceValues

    enum CodingKeys: String, CodingKey, CaseIterable { case time, keptMemory }

    init(time: SliceValues, keptMemory: SliceValues) {
        self.time = time
        self.keptMemory = keptMemory
    }

    /// The document of a stage's slices, `nil` when no slice offers recomputation.
    init?(_ slices: [PassCosts]) {
        guard slices.contains(where: { $0.recompute != nil }) else { return nil }
        time = SliceValues(slices.map { $0.recompute?.time ?? 0 })
        keptMemory = SliceValues(slices.map { $0.recompute?.keptMemory ?? $0.memory.forward })
    }

    init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        time = try container.decode(SliceValues.self, forKey: .time)
        keptMemory = try container.decode(SliceValues.self, forKey: .keptMemory)
    }

    /// The cost of slice `slice`.
    subscript(slice: Int) -> RecomputeCost { RecomputeCost(time: time[slice], keptMemory: keptMemory[slice]) }
}
