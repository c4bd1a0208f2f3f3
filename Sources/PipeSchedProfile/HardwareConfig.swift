import PipeSched

/// One pipeline device and its links: peak and achieved compute, memory, point-to-point and host
/// bandwidth. Written as JSON or YAML (`Models/hardware/*.json`, docs/cost-model.md).
public struct HardwareConfig: Sendable, Equatable, Decodable {
    /// A label.
    public var name: String
    /// Where the numbers come from (datasheet).
    public var source: String?
    /// Dense peak TFLOP/s per number format (`bf16`, `fp16`, `fp32`); one number applies to all.
    public var peakTFLOPS: [DataType: Double]
    /// Fraction of peak the passes achieve (model FLOPs utilisation), in (0, 1].
    public var efficiency: Double
    /// Memory per device in GiB.
    public var memoryGiB: Double
    /// Point-to-point bandwidth between pipeline neighbours, GB/s (between nodes when the devices are
    /// grouped in nodes: InfiniBand / RoCE).
    public var p2pBandwidthGBps: Double
    /// Point-to-point latency, microseconds (between nodes when the devices are grouped in nodes).
    public var p2pLatencyMicroseconds: Double
    /// Bandwidth between devices of one node (NVLink / NVSwitch), GB/s; needed with `--devices-per-node`.
    public var intraNodeBandwidthGBps: Double?
    /// Latency between devices of one node, microseconds (default: `p2pLatencyMicroseconds`).
    public var intraNodeLatencyMicroseconds: Double?
    /// Host (PCIe) link bandwidth per direction, GB/s: times offloads and reloads (`--memory-actions offload`).
    public var hostBandwidthGBps: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, source, peakTFLOPS, efficiency, memoryGiB, p2pBandwidthGBps, p2pLatencyMicroseconds, hostBandwidthGBps
        case intraNodeBandwidthGBps, intraNodeLatencyMicroseconds
    }

    public init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? "hardware"
        source = try c.decodeIfPresent(String.self, forKey: .source)
        if let single = try? c.decode(Double.self, forKey: .peakTFLOPS) {
            peakTFLOPS = Dictionary(uniqueKeysWithValues: DataType.allCases.map { ($0, single) })
        } else {
            let named = try c.decode([String: Double].self, forKey: .peakTFLOPS)
            var table: [DataType: Double] = [:]
            for (key, value) in named {
                guard let type = DataType(rawValue: key) else {
                    throw ProfileError(field: "peakTFLOPS.\(key)", message: "is not a number format",
                                       fix: "use \(DataType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                table[type] = value
            }
            peakTFLOPS = table
        }
        efficiency = try c.decode(Double.self, forKey: .efficiency)
        memoryGiB = try c.decode(Double.self, forKey: .memoryGiB)
        p2pBandwidthGBps = try c.decode(Double.self, forKey: .p2pBandwidthGBps)
        p2pLatencyMicroseconds = try c.decodeIfPresent(Double.self, forKey: .p2pLatencyMicroseconds) ?? 0
        hostBandwidthGBps = try c.decodeIfPresent(Double.self, forKey: .hostBandwidthGBps)
        intraNodeBandwidthGBps = try c.decodeIfPresent(Double.self, forKey: .intraNodeBandwidthGBps)
        intraNodeLatencyMicroseconds = try c.decodeIfPresent(Double.self, forKey: .intraNodeLatencyMicroseconds)
        try validate()
    }

    /// Checks ranges; throws a `ProfileError` naming the field.
    public func validate() throws(ProfileError) {
        for (type, value) in peakTFLOPS where !(value.isFinite && value > 0) {
            throw .invalid("peakTFLOPS.\(type.rawValue)", "must be a positive number, got \(value)", "give the dense peak from the datasheet")
        }
        guard efficiency.isFinite, efficiency > 0, efficiency <= 1 else {
            throw .invalid("efficiency", "must be in (0, 1], got \(efficiency)", "give the achieved fraction of peak, e.g. 0.45")
        }
        guard memoryGiB.isFinite, memoryGiB > 0 else { throw .invalid("memoryGiB", "must be positive, got \(memoryGiB)", "give the device memory in GiB") }
        guard p2pBandwidthGBps.isFinite, p2pBandwidthGBps > 0 else {
            throw .invalid("p2pBandwidthGBps", "must be positive, got \(p2pBandwidthGBps)", "give the link bandwidth in GB/s")
        }
        guard p2pLatencyMicroseconds.isFinite, p2pLatencyMicroseconds >= 0 else {
            throw .invalid("p2pLatencyMicroseconds", "must be ≥ 0, got \(p2pLatencyMicroseconds)", "give the link latency in µs")
        }
        if let intra = intraNodeBandwidthGBps, !(intra.isFinite && intra > 0) {
            throw .invalid("intraNodeBandwidthGBps", "must be positive, got \(intra)", "give the NVLink bandwidth per direction in GB/s or omit it")
        }
        if let intra = intraNodeLatencyMicroseconds, !(intra.isFinite && intra >= 0) {
            throw .invalid("intraNodeLatencyMicroseconds", "must be ≥ 0, got \(intra)", "give the latency inside a node in µs or omit it")
        }
        if let host = hostBandwidthGBps, !(host.isFinite && host > 0) {
            throw .invalid("hostBandwidthGBps", "must be positive, got \(host)", "give the PCIe bandwidth in GB/s or omit it")
        }
    }

    /// Achieved FLOP/s for a number format, or an error when the file has no peak for it.
    public func achievedFLOPS(for dtype: DataType) throws(ProfileError) -> Double {
        guard let peak = peakTFLOPS[dtype] else {
            throw .invalid("peakTFLOPS", "has no entry for \(dtype.rawValue), the model's dtype", "add \"\(dtype.rawValue)\": TFLOPS")
        }
        return peak * 1e12 * efficiency
    }
}
