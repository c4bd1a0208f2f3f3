import PipeSched

/// Whether a solve is answered in the request (`sync`) or runs as a job (`async`, `202` with a job
/// id). Decided by the method's name and time budget only, so new methods need no registration:
/// exact solvers (any name containing `ilp` or `cpsat`) and `auto` run as jobs, as does `local` with more than
/// a second to search; classic families and the greedy searches answer at once.
public enum SolveMode: String, Sendable, Codable {
    case sync
    case async

    /// Time budgets up to this many seconds run synchronously.
    public static let syncBudget = 1.0

    /// The mode of `method` with the given time limit (`nil`: the method's default).
    public static func of(method: String, timeLimit: Double?) -> SolveMode {
        if method.contains("ilp") || method.contains("cpsat") { return .async }
        switch method {
        case "auto": return (timeLimit ?? 10) > syncBudget ? .async : .sync
        case "local": return (timeLimit ?? 2) > syncBudget ? .async : .sync
        default: return .sync
        }
    }

    /// The time limit a job works to: the requested one, else the method's default (`auto` 10 s,
    /// `local` 2 s), never more than `cap`; methods with an unknown default (ILP) get `cap`.
    /// Synchronous solves keep the requested limit (`nil`: the method's default).
    public static func effectiveTimeLimit(method: String, requested: Double?, cap: Double) -> Double? {
        if let requested { return min(requested, cap) }
        guard of(method: method, timeLimit: nil) == .async else { return nil }
        switch method {
        case "auto": return min(10, cap)
        case "local": return min(2, cap)
        default: return cap
        }
    }
}
