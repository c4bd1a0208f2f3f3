import PipeSched

/// The time one activation (or gradient) message takes over a link, in ms: the link's latency plus
/// the message size over its bandwidth (`transfer`, the time it holds the link). The message is the
/// largest boundary tensor (`ProblemBuilder.boundaryBytes`): the language model's on the longest
/// slice, `d·b·h·l_max / t` bytes, or a vision encoder's where that is larger; each stage's
/// `PassCosts.messageSize` scales it to the stage's own boundary.
struct LinkLatency {
    /// Latency and transfer time of one link kind.
    struct Link {
        var latency: Double
        var transfer: Double
    }

    /// Between nodes, or over every link when the devices are not grouped in nodes (the hardware's p2p figures).
    let interNode: Link
    /// Inside a node (the hardware's intra-node figures; the p2p ones when it has none).
    let intraNode: Link

    init(boundaryBytes: Double, hardware: HardwareConfig) {
        func link(latencyMicroseconds: Double, bandwidthGBps: Double) -> Link {
            Link(latency: latencyMicroseconds * 1e-3, transfer: boundaryBytes / (bandwidthGBps * 1e9) * 1e3)
        }
        interNode = link(latencyMicroseconds: hardware.p2pLatencyMicroseconds, bandwidthGBps: hardware.p2pBandwidthGBps)
        intraNode = link(latencyMicroseconds: hardware.intraNodeLatencyMicroseconds ?? hardware.p2pLatencyMicroseconds,
                         bandwidthGBps: hardware.intraNodeBandwidthGBps ?? hardware.p2pBandwidthGBps)
    }

    /// The problem's communication: each message takes the link's latency plus its own transfer
    /// time (its boundary's `PassCosts.messageSize` times this message's); with `contended`, messages
    /// also hold their links for that time, one at a time per direction (`Communication.contention`),
    /// otherwise any number are in flight at once.
    func communication(devicesPerNode: Int?, contended: Bool) -> Communication {
        let inside = devicesPerNode == nil ? interNode : intraNode
        let topology = devicesPerNode.map {
            Topology(devicesPerNode: $0, interNodeLatency: interNode.latency, interNodeTransfer: interNode.transfer)
        }
        return Communication(latency: inside.latency, transfer: inside.transfer, topology: topology, contention: contended)
    }
}
