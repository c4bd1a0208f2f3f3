/// A pass with its start and end time on its device.
public struct TimedOp: Sendable, Equatable, Hashable {
    public var op: Op
    public var start: Double
    public var end: Double

    public init(_ op: Op, start: Double, end: Double) {
        self.op = op
        self.start = start
        self.end = end
    }
}

/// Per-device timed passes, in execution order: a schedule with times.
public typealias Timeline = [[TimedOp]]

extension Schedule {
    /// The execution orders of a timeline.
    public init(_ timeline: Timeline) { self.init(orders: timeline.map { $0.map(\.op) }) }
}
