/// A handle to a decision variable of a ``MILPModel``.
///
/// A variable is only meaningful for the model that created it: `index` is its
/// column position (0-based, in creation order), which is also its position in
/// ``MILPResult/values`` and ``MILPOptions/start``.
public struct Variable: Hashable, Sendable {
    /// Column index of the variable in its model (0-based).
    public let index: Int

    /// Creates a handle for column `index`. Normally obtained from ``MILPModel/addVariable(_:kind:lower:upper:)``.
    public init(index: Int) {
        self.index = index
    }
}

extension Variable: CustomStringConvertible {
    public var description: String { "x\(index)" }
}
