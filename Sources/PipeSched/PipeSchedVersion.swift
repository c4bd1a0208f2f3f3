/// The version of PipeSched: printed by `pipesched --version` and part of every result-store key, so
/// results computed by another version are never served as this version's.
public enum PipeSchedVersion {
    /// Semantic version of this build.
    public static let current = "0.2.0"
}
