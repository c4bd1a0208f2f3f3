import Foundation
import PipeSchedILP

/// Settings of the CP-SAT methods (`cpsat`, `cpsat-window`).
public struct CPSATSettings: Sendable {
    /// CP-SAT's parallel workers; default: the machine's cores.
    public var workers: Int
    /// Relative gap at which a solve counts as optimal (0 demands a proof of optimality).
    public var relativeGap: Double
    /// Print CP-SAT's log to standard output.
    public var verbose: Bool
    /// Time limit when the caller gives none, in seconds.
    public var defaultTimeLimit: Double
    /// Bytes a model may take (`ExactSizeGuard`; `--max-exact-memory`).
    public var memoryBudget: Double

    public init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, relativeGap: Double = 0, verbose: Bool = false,
                defaultTimeLimit: Double = 30, memoryBudget: Double = ExactSizeGuard.defaultBudget) {
        self.workers = max(1, workers)
        self.relativeGap = relativeGap
        self.verbose = verbose
        self.defaultTimeLimit = defaultTimeLimit
        self.memoryBudget = memoryBudget
    }
}
