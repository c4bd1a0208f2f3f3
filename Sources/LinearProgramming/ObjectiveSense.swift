/// Whether the objective of a ``MILPModel`` is minimised or maximised.
public enum ObjectiveSense: String, Sendable {
    case minimize
    case maximize
}
