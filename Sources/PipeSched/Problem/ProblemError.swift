/// A problem input that cannot be used, naming the field, what is wrong and how to fix it.
public struct ProblemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON path of the offending field, e.g. `stages[2].memory`.
    public var field: String
    /// What is wrong.
    public var message: String
    /// What the user can do about it.
    public var fix: String

    public init(field: String, message: String, fix: String) {
        self.field = field
        self.message = message
        self.fix = fix
    }

    public var description: String { "\(field): \(message); \(fix)" }
}
