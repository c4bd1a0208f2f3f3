/// The `SatParameters` PipeSched sets (field numbers from OR-Tools 9.15's `sat_parameters.proto`).
public struct CPParameters: Sendable, Equatable {
    /// Wall-clock limit in seconds (`max_time_in_seconds`, 36).
    public var timeLimit: Double
    /// Parallel workers (`num_workers`, 206); CP-SAT's portfolio needs several to be effective.
    public var workers: Int
    /// Seed of the search (`random_seed`, 31).
    public var seed: Int
    /// Stop once (objective − bound) / |objective| is at most this (`relative_gap_limit`, 160).
    public var relativeGap: Double
    /// Print the search log to standard output (`log_search_progress`, 41).
    public var verbose: Bool

    public init(timeLimit: Double, workers: Int, seed: Int = 0, relativeGap: Double = 0, verbose: Bool = false) {
        self.timeLimit = timeLimit
        self.workers = workers
        self.seed = seed
        self.relativeGap = relativeGap
        self.verbose = verbose
    }

    public func serialized() -> [UInt8] {
        var writer = ProtoWriter()
        writer.double(36, max(0.001, timeLimit))
        writer.int(31, Int64(seed))
        writer.bool(41, verbose)
        writer.double(160, relativeGap)
        writer.int(206, Int64(max(1, workers)))
        return writer.bytes
    }
}
