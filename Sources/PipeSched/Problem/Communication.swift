/// Point-to-point latency between devices, added between dependent passes on different devices.
///
/// Today one latency for every link; the `latency(from:to:)` query is the only way the rest of the
/// code reads it, so a per-link matrix can be added without touching callers.
public struct Communication: Sendable, Equatable, Hashable, Codable {
    /// Latency of one activation or gradient transfer between two different devices.
    public var latency: Double

    public init(latency: Double = 0) { self.latency = latency }

    /// Latency from device `from` to device `to`; zero on the same device.
    @inline(__always)
    public func latency(from: Int, to: Int) -> Double { from == to ? 0 : latency }

    public init(from decoder: Decoder) throws {
        latency = try decoder.singleValueContainer().decode(Double.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(latency)
    }
}
