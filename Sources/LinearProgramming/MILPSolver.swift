/// A MILP/LP backend. Implementations are stateless values: each `solve` call builds
/// the problem in the solver library, solves it synchronously on the calling thread
/// and releases it, so a solver value may be shared between tasks.
public protocol MILPSolver: Sendable {
    /// Backend name and version, e.g. `"GLPK 5.0"`.
    var name: String { get }

    /// Solves `model`. Throws ``LinearProgrammingError`` for invalid models or options
    /// (checked before the solver library is called); solver-side failures are reported
    /// as ``MILPStatus/error`` in the result instead.
    func solve(_ model: MILPModel, options: MILPOptions) throws -> MILPResult
}

extension MILPSolver {
    /// Solves `model` with default ``MILPOptions``.
    public func solve(_ model: MILPModel) throws -> MILPResult {
        try solve(model, options: MILPOptions())
    }
}
