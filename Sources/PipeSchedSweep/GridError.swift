import PipeSched

/// A grid file that cannot be used: the field (e.g. `axes.memoryCap[2]`), what is wrong and how to
/// fix it; the same error type as a problem file's, so the CLI reports both alike.
public typealias GridError = ProblemError
