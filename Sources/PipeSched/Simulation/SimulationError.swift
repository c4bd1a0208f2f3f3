/// Why a schedule could not be simulated.
public enum SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The orders do not describe the problem's passes (wrong device count, unknown or repeated pass,
    /// pass on the wrong device, or a pass whose dependency no device runs).
    case malformed(String)
    /// No device can make progress: each blocked device waits at `op` for `waitingFor`.
    case deadlock([BlockedDevice])

    /// A device stuck at the head of its order.
    public struct BlockedDevice: Sendable, Equatable {
        public var device: Int
        public var op: Op
        public var waitingFor: [Op]
    }

    public var description: String {
        switch self {
        case .malformed(let reason):
            return reason
        case .deadlock(let blocked):
            let parts = blocked.map { "device \($0.device) waits at \($0.op) for \($0.waitingFor.map(\.description).joined(separator: ", "))" }
            return "deadlock: " + parts.joined(separator: "; ")
        }
    }
}
