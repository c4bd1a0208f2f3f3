/// An input of the cost model or of a measured profile that cannot be used, naming the field (or the
/// file position), what is wrong and how to fix it.
public struct ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Path of the offending field, e.g. `layerTypes[3]`, or a place in a trace or CSV file.
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
