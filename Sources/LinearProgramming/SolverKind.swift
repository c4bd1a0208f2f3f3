/// The available backends, e.g. for a `--solver glpk|cbc` command-line option.
public enum SolverKind: String, Sendable, CaseIterable, CustomStringConvertible {
    /// GNU GLPK, through ``GLPKSolver``.
    case glpk
    /// COIN-OR CBC, through ``CBCSolver``.
    case cbc
    /// HiGHS, through ``HiGHSSolver`` (optional: loaded at run time, see ``isAvailable``).
    case highs

    /// A new solver of this kind.
    public func makeSolver() -> any MILPSolver {
        switch self {
        case .glpk: GLPKSolver()
        case .cbc: CBCSolver()
        case .highs: HiGHSSolver()
        }
    }

    /// Whether the backend can run here (GLPK and CBC are linked; HiGHS needs `libhighs.so`).
    public var isAvailable: Bool { self != .highs || HiGHSSolver.isAvailable }

    /// Parses a name case-insensitively: `glpk`, `cbc` (also `coin-cbc`, `coin`), `highs`. `nil` if unknown.
    /// Matches the `ExpressibleByArgument` initializer of swift-argument-parser.
    public init?(argument: String) {
        switch String(argument.filter { !$0.isWhitespace }).lowercased() {
        case "glpk": self = .glpk
        case "cbc", "coin-cbc", "coin", "coinor-cbc": self = .cbc
        case "highs": self = .highs
        default: return nil
        }
    }

    /// Like ``init(argument:)`` but throws ``LinearProgrammingError/unknownSolver(name:known:)``.
    public static func parse(_ text: String) throws(LinearProgrammingError) -> SolverKind {
        guard let kind = SolverKind(argument: text) else {
            throw .unknownSolver(name: text, known: allCases.map(\.rawValue))
        }
        return kind
    }

    public var description: String { rawValue }
}
