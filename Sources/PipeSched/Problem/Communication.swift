/// Point-to-point latency between devices, added between dependent passes on different devices.
///
/// One latency for every link (schema v1's number), or, with a `Topology`, devices grouped in nodes:
/// `latency` inside a node (NVLink / NVSwitch) and `topology.interNodeLatency` between nodes
/// (InfiniBand / RoCE). `latency(from:to:)` is the only way the rest of the code reads a link's
/// latency; `maxLatency` is what a horizon or a single-latency heuristic must assume.
///
/// A transfer is a latency on a dependency edge, not a pass on a link: any number of transfers may
/// be in flight on one link at once (link contention is not modelled).
public struct Communication: Sendable, Equatable, Hashable, Codable {
    /// Latency of one activation or gradient transfer between two different devices (inside a node
    /// when there is a topology).
    public var latency: Double
    /// Devices grouped in nodes with a slower link between them; `nil`: every link is alike.
    public var topology: Topology?

    /// One latency for every link.
    public init(latency: Double = 0) { self.init(latency: latency, topology: nil) }

    /// `latency` inside a node, `topology.interNodeLatency` between nodes.
    public init(latency: Double, topology: Topology?) {
        self.latency = latency
        self.topology = topology
    }

    /// Latency from device `from` to device `to`; zero on the same device.
    @inline(__always)
    public func latency(from: Int, to: Int) -> Double {
        if from == to { return 0 }
        if let topology, !topology.sameNode(from, to) { return topology.interNodeLatency }
        return latency
    }

    /// The largest latency of any link.
    public var maxLatency: Double { max(latency, topology?.interNodeLatency ?? 0) }

    enum CodingKeys: String, CodingKey, CaseIterable { case latency, devicesPerNode, interNodeLatency }

    /// A number (schema v1: one latency for every link) or `{"latency", "devicesPerNode", "interNodeLatency"}`.
    public init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer().decode(Double.self) {
            self.init(latency: single)
            return
        }
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(latency: try container.decode(Double.self, forKey: .latency),
                  topology: Topology(devicesPerNode: try container.decode(Int.self, forKey: .devicesPerNode),
                                     interNodeLatency: try container.decode(Double.self, forKey: .interNodeLatency)))
    }

    public func encode(to encoder: Encoder) throws {
        guard let topology else {
            var container = encoder.singleValueContainer()
            try container.encode(latency)
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(latency, forKey: .latency)
        try container.encode(topology.devicesPerNode, forKey: .devicesPerNode)
        try container.encode(topology.interNodeLatency, forKey: .interNodeLatency)
    }

    /// Throws naming the field when a latency is negative or not finite, or the nodes are empty.
    func check() throws(ProblemError) {
        let fix = "give the point-to-point latency in the same time unit as the stage costs"
        let field = topology == nil ? "communication" : "communication.latency"
        guard latency.isFinite, latency >= 0 else {
            throw ProblemError(field: field, message: "must be a finite number ≥ 0, got \(latency)", fix: fix)
        }
        try ProblemLimits.checkMagnitude(latency, field: field, fix: fix)
        guard let topology else { return }
        guard topology.devicesPerNode >= 1 else {
            throw ProblemError(field: "communication.devicesPerNode", message: "must be at least 1, got \(topology.devicesPerNode)",
                               fix: "give the number of pipeline devices in one node, e.g. 8")
        }
        guard topology.interNodeLatency.isFinite, topology.interNodeLatency >= 0 else {
            throw ProblemError(field: "communication.interNodeLatency", message: "must be a finite number ≥ 0, got \(topology.interNodeLatency)",
                               fix: "give the latency between nodes in the same time unit as the stage costs")
        }
        try ProblemLimits.checkMagnitude(topology.interNodeLatency, field: "communication.interNodeLatency", fix: fix)
    }
}
