/// A pass with its start and end time on its device.
public struct TimedOp: Sendable, Equatable, Hashable {
    public var op: Op
    public var start: Double
    public var end: Double
    /// Whether the pass belongs to an overlapped F&B pair (`OverlappedPass.swift`): the forward and
    /// the backward that follows it in the device's order share `start` and `end`.
    public var overlapped: Bool

    public init(_ op: Op, start: Double, end: Double, overlapped: Bool = false) {
        self.op = op
        self.start = start
        self.end = end
        self.overlapped = overlapped
    }
}

/// Per-device timed passes, in execution order: a schedule with times.
public typealias Timeline = [[TimedOp]]

extension Schedule {
    /// The execution orders of a timeline, and its overlapped pairs: read left to right, a pass
    /// marked `overlapped` and the marked pass right after it form a pair. (A marked pass with no
    /// marked neighbour to pair with is the validator's to report, `Validator.validate(_:_:)`.)
    public init(_ timeline: Timeline) {
        let marked = timeline.contains { $0.contains(where: \.overlapped) }
        self.init(orders: timeline.map { $0.map(\.op) }, overlaps: marked ? timeline.map(Self.pairs) : [])
    }

    /// The positions starting a pair in one device's timed passes.
    private static func pairs(_ row: [TimedOp]) -> Set<Int> {
        var pairs = Set<Int>()
        var k = 0
        while k + 1 < row.count {
            if row[k].overlapped && row[k + 1].overlapped {
                pairs.insert(k)
                k += 2
            } else {
                k += 1
            }
        }
        return pairs
    }
}
