/// Pipeline devices grouped in nodes: devices `n·devicesPerNode ..< (n+1)·devicesPerNode` share node
/// `n` and a fast link (NVLink / NVSwitch); transfers between nodes take `interNodeLatency`
/// (InfiniBand / RoCE), as in Luo et al.'s planning over per-link costs.
public struct Topology: Sendable, Equatable, Hashable {
    /// Devices in one node (the last node may hold fewer).
    public var devicesPerNode: Int
    /// Latency of one transfer between devices of different nodes, in the problem's time unit.
    public var interNodeLatency: Double
    /// Time one message occupies a link between nodes (`Communication.transfer`); `nil`: the same
    /// as inside a node.
    public var interNodeTransfer: Double?

    public init(devicesPerNode: Int, interNodeLatency: Double, interNodeTransfer: Double? = nil) {
        self.devicesPerNode = devicesPerNode
        self.interNodeLatency = interNodeLatency
        self.interNodeTransfer = interNodeTransfer
    }

    /// The node of `device`.
    public func node(_ device: Int) -> Int { device / max(devicesPerNode, 1) }

    /// Whether two devices share a node.
    @inline(__always)
    public func sameNode(_ a: Int, _ b: Int) -> Bool { node(a) == node(b) }
}
