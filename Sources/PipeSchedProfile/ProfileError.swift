import PipeSched

/// An input of the cost model or of a measured profile that cannot be used, naming the field (or the
/// file position), what is wrong and how to fix it: the same error type as a problem file's.
public typealias ProfileError = ProblemError
