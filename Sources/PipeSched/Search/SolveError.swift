/// Why no schedule was produced.
public enum SolveError: Error, Sendable, CustomStringConvertible {
    /// The method name is not known.
    case unknownMethod(String)
    /// The method cannot handle this problem (for example V schedules on a sequential placement).
    case doesNotFit(FamilyError)
    /// The method's schedule needs more memory than a device's cap allows.
    case memoryCapExceeded(method: String, issues: [ValidationIssue])
    /// No schedule of the method fits the memory cap; `smallestCap` is the smallest cap (the same for
    /// every device) at which the greedy search finds one, when known.
    case noScheduleFitsCap(method: String, smallestCap: Double?)
    /// The method produced a schedule the validator rejects (a bug: never written out).
    case invalid(method: String, issues: [ValidationIssue])
    /// An exact method ran out of time before finding any schedule (only possible when no heuristic
    /// meets the memory cap either); `smallestCap` as for `noScheduleFitsCap`.
    case noScheduleWithinTimeLimit(method: String, seconds: Double, smallestCap: Double?)
    /// The solver library of an exact method failed.
    case solverFailed(method: String, message: String)
    /// An exact method refuses a problem whose model would need more memory than it may use;
    /// `reason` names the size and the limit, `fix` what to do instead.
    case tooLarge(method: String, reason: String, fix: String)

    public var description: String {
        switch self {
        case .unknownMethod(let name):
            return "unknown method \"\(name)\"; run `pipesched methods` for the list"
        case .doesNotFit(let error):
            return error.description
        case .memoryCapExceeded(let method, let issues):
            return "\(method) does not fit the memory cap: " + issues.map(\.message).joined(separator: "; ")
                + "; raise memoryLimit or choose a method that respects caps"
        case .noScheduleFitsCap(let method, let smallestCap):
            let hint = smallestCap.map { "; the greedy search finds a schedule from a cap of \($0.readable) on every device" } ?? ""
            return "\(method) finds no schedule within the memory cap\(hint)"
        case .invalid(let method, let issues):
            return "internal error: \(method) produced an invalid schedule: " + issues.map(\.description).joined(separator: "; ")
        case .noScheduleWithinTimeLimit(let method, let seconds, let smallestCap):
            let hint = smallestCap.map { "; the greedy search finds a schedule from a cap of \($0.readable) on every device" } ?? ""
            return "\(method) found no schedule within \(seconds.readable) s and no heuristic meets the memory cap; raise --time-limit or the cap\(hint)"
        case .solverFailed(let method, let message):
            return "\(method): the solver failed: \(message)"
        case .tooLarge(let method, let reason, let fix):
            return "\(method) refuses this problem: \(reason); \(fix)"
        }
    }
}
