/// How a solve ended.
public enum MILPStatus: String, Sendable, CaseIterable {
    /// Proven optimal (within ``MILPOptions/relativeGap`` for MIPs).
    case optimal
    /// Stopped (time limit, ``MILPOptions/shouldStop``) with a feasible incumbent.
    case feasible
    /// Proven infeasible (with a ``MILPOptions/cutoff``: no solution at least that good).
    case infeasible
    /// The objective is unbounded (for MIPs: the LP relaxation is unbounded).
    case unbounded
    /// Stopped (time limit, ``MILPOptions/shouldStop``) before any feasible solution was found.
    case noSolution
    /// The solver failed (numerical trouble or an internal error); see ``MILPResult/message``.
    case error

    /// Whether results of this status carry solution values.
    public var hasSolution: Bool { self == .optimal || self == .feasible }
}

extension MILPStatus: CustomStringConvertible {
    public var description: String { rawValue }
}
