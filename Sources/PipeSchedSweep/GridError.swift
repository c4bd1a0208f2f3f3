/// A grid file that cannot be used: the field, what is wrong and how to fix it (the same shape as
/// `ProblemError`, so the CLI prints both alike).
public struct GridError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Path of the offending field, e.g. `axes.memoryCap[2]`.
    public var field: String
    public var message: String
    public var fix: String

    public init(field: String, message: String, fix: String) {
        self.field = field
        self.message = message
        self.fix = fix
    }

    public var description: String { "\(field): \(message); \(fix)" }
}
