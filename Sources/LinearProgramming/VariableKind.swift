/// The domain of a decision variable.
public enum VariableKind: String, Sendable, CaseIterable {
    /// A real-valued variable.
    case continuous
    /// An integer variable within its bounds.
    case integer
    /// An integer variable restricted to {0, 1} (its bounds are intersected with [0, 1]).
    case binary

    /// Whether the solver must give this variable an integral value.
    public var isIntegral: Bool { self != .continuous }
}
