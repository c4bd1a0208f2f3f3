/// An untimed schedule: the execution order of passes on each device, and which neighbouring passes
/// run as one overlapped F&B pass.
///
/// This is what schedule families and searches produce; the `Simulator` turns it into times.
public struct Schedule: Sendable, Equatable {
    /// One list per device, in execution order.
    public var orders: [[Op]]
    /// Per device, the positions `k` whose pass (a forward) runs together with the pass at `k + 1` (a
    /// `B` or `BW` of another stage) as one overlapped pass (`OverlappedPass.swift`); empty when no
    /// device overlaps anything. Code that reorders `orders` must drop or move these with them
    /// (`sequential` drops them).
    public private(set) var overlaps: [Set<Int>]

    /// `overlaps` lists one set per device (missing devices have none); any other shape is the
    /// validator's to report.
    public init(orders: [[Op]], overlaps: [Set<Int>] = []) {
        self.orders = orders
        self.overlaps = overlaps.allSatisfy(\.isEmpty) ? [] : overlaps + Array(repeating: [], count: max(0, orders.count - overlaps.count))
    }

    /// Number of operations in all orders.
    public var opCount: Int { orders.reduce(0) { $0 + $1.count } }

    /// Whether the pass at `position` of `device`'s order starts an overlapped pair with the next one.
    @inline(__always)
    public func overlapsNext(device: Int, position: Int) -> Bool {
        !overlaps.isEmpty && device < overlaps.count && overlaps[device].contains(position)
    }

    /// Whether the pass at `position` is the second pass of an overlapped pair.
    @inline(__always)
    public func overlapsPrevious(device: Int, position: Int) -> Bool {
        position > 0 && overlapsNext(device: device, position: position - 1)
    }

    /// Whether some device runs an overlapped pair.
    public var hasOverlaps: Bool { !overlaps.isEmpty }

    /// The same orders with every pair run as its two passes one after the other.
    public var sequential: Schedule { Schedule(orders: orders) }
}
