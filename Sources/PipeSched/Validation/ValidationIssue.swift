/// One reason a schedule is not acceptable.
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible {
    /// What rule was broken.
    public enum Rule: String, Sendable, Equatable, Codable {
        case structure, count, placement, duration, overlap, dependency, memory, deadlock
    }

    public var rule: Rule
    public var message: String

    public init(_ rule: Rule, _ message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { "[\(rule.rawValue)] \(message)" }
}
