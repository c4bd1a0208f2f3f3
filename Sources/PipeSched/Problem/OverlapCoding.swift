/// A stage's `overlap` object in a problem file (schema v1, optional): `forward` and `backward`, the
/// communication an overlapped F&B pass can hide, each one number for every slice or one per slice
/// (`OverlapCost`).
struct OverlapDocument: Codable {
    var forward: SliceValues
    var backward: SliceValues

    enum CodingKeys: String, CodingKey, CaseIterable { case forward, backward }

    /// The document of a stage's slices, `nil` when no slice declares hideable time.
    init?(_ slices: [PassCosts]) {
        guard slices.contains(where: { $0.overlap != nil }) else { return nil }
        forward = SliceValues(slices.map { $0.overlap?.forward ?? 0 })
        backward = SliceValues(slices.map { $0.overlap?.backward ?? 0 })
    }

    init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        forward = try container.decodeIfPresent(SliceValues.self, forKey: .forward) ?? SliceValues(single: 0)
        backward = try container.decodeIfPresent(SliceValues.self, forKey: .backward) ?? SliceValues(single: 0)
    }

    /// The hideable times of slice `slice`.
    subscript(slice: Int) -> OverlapCost { OverlapCost(forward: forward[slice], backward: backward[slice]) }
}
