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
    /// Whether presolve rewrites each reservoir constraint into precedence literals, about one per
    /// pair of its events (`expand_reservoir_constraints`, 182; OR-Tools' default, `true`). Worth it
    /// on small models; on a whole schedule (one reservoir per device, an event per pass) it is
    /// not: see `CPSATSearch`.
    public var expandReservoirs: Bool

    public init(timeLimit: Double, workers: Int, seed: Int = 0, relativeGap: Double = 0, verbose: Bool = false,
                expandReservoirs: Bool = true) {
        self.timeLimit = timeLimit
        self.workers = workers
        self.seed = seed
        self.relativeGap = relativeGap
        self.verbose = verbose
        self.expandReservoirs = expandReservoirs
    }

    public func serialized() -> [UInt8] {
        var writer = ProtoWriter()
        writer.double(36, max(0.001, timeLimit))
        writer.int(31, Int64(seed))
        writer.bool(41, verbose)
        writer.double(160, relativeGap)
        writer.int(206, Int64(max(1, workers)))
        writer.presentBool(182, expandReservoirs)
        return writer.bytes
    }
}
