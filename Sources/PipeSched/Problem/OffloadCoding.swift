/// A stage's `offload` object in a problem file (schema v1, optional): `memory` and `time`, each one
/// number for every slice or one per slice (`OffloadCost`).
struct OffloadDocument: Codable {
    var memory: SliceValues
    var time: SliceValues

    enum CodingKeys: String, CodingKey, CaseIterable { case memory, time }

    /// The document of a stage's slices, `nil` when no slice offers offloading.
    init?(_ slices: [PassCosts]) {
        guard slices.contains(where: { $0.offload != nil }) else { return nil }
        memory = SliceValues(slices.map { $0.offload?.memory ?? 0 })
        time = SliceValues(slices.map { $0.offload?.time ?? 0 })
    }

    init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        memory = try container.decode(SliceValues.self, forKey: .memory)
        time = try container.decode(SliceValues.self, forKey: .time)
    }

    /// The cost of slice `slice`.
    subscript(slice: Int) -> OffloadCost { OffloadCost(memory: memory[slice], time: time[slice]) }
}
