/// An idle interval on a device between its first start and its last end.
///
/// Bubble harvesters (FreeRide, PipeFill) need where bubbles are, how long, and how much memory is
/// free during them.
public struct Bubble: Sendable, Equatable, Codable {
    public var device: Int
    public var start: Double
    public var length: Double
    /// Memory left under the cap during the bubble; `nil` when the device has no cap.
    public var freeMemory: Double?
}

extension Problem {
    /// All idle intervals of the compute stream longer than `minimumLength`, device by device, in time
    /// order (offloads and reloads run on copy streams beside it); the free memory is what the order
    /// leaves after the pass before the gap.
    public func bubbles(in timeline: Timeline, minimumLength: Double = 1e-9) -> [Bubble] {
        var result: [Bubble] = []
        for (device, row) in timeline.enumerated() {
            let levels = memoryLevels(device: device, order: row.map(\.op)).levels
            let compute = row.indices.filter { row[$0].op.kind.computes }
            for (previous, next) in zip(compute, compute.dropFirst()) {
                let gap = row[next].start - row[previous].end
                guard gap > minimumLength else { continue }
                let free = memoryLimit.map { $0[device] - levels[next - 1] }
                result.append(Bubble(device: device, start: row[previous].end, length: gap, freeMemory: free))
            }
        }
        return result
    }
}
