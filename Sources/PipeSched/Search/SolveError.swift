/// Why no schedule was produced.
public enum SolveError: Error, Sendable, CustomStringConvertible {
    /// The method name is not known.
    case unknownMethod(String)
    /// The method cannot handle this problem (for example V schedules on a sequential placement).
    case doesNotFit(FamilyError)
    /// The method's schedule needs more memory than a device's cap allows.
    case memoryCapExceeded(method: String, issues: [ValidationIssue])
    /// The method produced a schedule the validator rejects (a bug: never written out).
    case invalid(method: String, issues: [ValidationIssue])

    public var description: String {
        switch self {
        case .unknownMethod(let name):
            return "unknown method \"\(name)\"; run `pipesched methods` for the list"
        case .doesNotFit(let error):
            return error.description
        case .memoryCapExceeded(let method, let issues):
            return "\(method) does not fit the memory cap: " + issues.map(\.message).joined(separator: "; ")
                + "; raise memoryLimit or choose a method that respects caps"
        case .invalid(let method, let issues):
            return "internal error: \(method) produced an invalid schedule: " + issues.map(\.description).joined(separator: "; ")
        }
    }
}
