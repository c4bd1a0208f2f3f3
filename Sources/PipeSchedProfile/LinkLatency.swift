/// The time one activation (or gradient) message takes over a link, in ms: the link's latency plus
/// the message size over its bandwidth. The message is the boundary tensor of the longest slice,
/// `d·b·h·l_max / t` bytes, the same at every stage boundary of a transformer.
struct LinkLatency {
    /// Between nodes, or over every link when the devices are not grouped in nodes (the hardware's p2p figures).
    let interNode: Double
    /// Inside a node (the hardware's intra-node figures; the p2p ones when it has none).
    let intraNode: Double

    init(boundaryBytes: Double, hardware: HardwareConfig) {
        func milliseconds(latencyMicroseconds: Double, bandwidthGBps: Double) -> Double {
            latencyMicroseconds * 1e-3 + boundaryBytes / (bandwidthGBps * 1e9) * 1e3
        }
        interNode = milliseconds(latencyMicroseconds: hardware.p2pLatencyMicroseconds, bandwidthGBps: hardware.p2pBandwidthGBps)
        intraNode = milliseconds(latencyMicroseconds: hardware.intraNodeLatencyMicroseconds ?? hardware.p2pLatencyMicroseconds,
                                 bandwidthGBps: hardware.intraNodeBandwidthGBps ?? hardware.p2pBandwidthGBps)
    }
}
