/// An untimed schedule: the execution order of passes on each device.
///
/// This is what schedule families and searches produce; the `Simulator` turns it into times.
public struct Schedule: Sendable, Equatable {
    /// One list per device, in execution order.
    public var orders: [[Op]]

    public init(orders: [[Op]]) { self.orders = orders }

    /// Number of operations in all orders.
    public var opCount: Int { orders.reduce(0) { $0 + $1.count } }
}
