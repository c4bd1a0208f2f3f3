import Foundation

/// The server's limits; every one is a `pipesched serve` option, documented in docs/server.md.
public struct ServerLimits: Sendable, Equatable {
    /// Largest request body in bytes; larger bodies get `413`.
    public var maxBodyBytes: Int
    /// Largest devices × microbatches × sequence slices of a problem; larger problems get `400`.
    public var maxProblemSize: Int
    /// Largest `timeLimit` a request may ask for, in seconds; larger ones get `400`. Also the time
    /// limit given to searching methods when the request names none and their default is longer.
    public var maxTimeLimit: Double
    /// Solves (synchronous or jobs) running at once.
    public var concurrentJobs: Int
    /// Solves waiting for a slot; beyond it requests get `429` with `Retry-After`.
    public var queueLength: Int
    /// Longest `wait` a request may ask for, in seconds.
    public var maxWait: Double
    /// On SIGTERM, how long running jobs may go on before they are stopped (keeping their best
    /// schedule so far).
    public var shutdownGrace: Double
    /// Bytes of recently used results held in memory, so store hits skip the database; 0 turns it off.
    public var cacheBytes: Int

    public init(maxBodyBytes: Int = 4 << 20, maxProblemSize: Int = 65_536, maxTimeLimit: Double = 300,
                concurrentJobs: Int = ProcessInfo.processInfo.activeProcessorCount, queueLength: Int = 64,
                maxWait: Double = 60, shutdownGrace: Double = 10, cacheBytes: Int = 64 << 20) {
        self.maxBodyBytes = maxBodyBytes
        self.maxProblemSize = maxProblemSize
        self.maxTimeLimit = maxTimeLimit
        self.concurrentJobs = concurrentJobs
        self.queueLength = queueLength
        self.maxWait = maxWait
        self.shutdownGrace = shutdownGrace
        self.cacheBytes = cacheBytes
    }

    /// A message naming the first limit that cannot work, or `nil` when all are usable.
    public var problem: String? {
        if maxBodyBytes < 1024 { return "the body limit must be at least 1024 bytes" }
        if maxProblemSize < 1 { return "the problem size limit must be at least 1" }
        if !(maxTimeLimit > 0) { return "the time limit cap must be positive" }
        if concurrentJobs < 1 { return "at least 1 concurrent job is needed" }
        if queueLength < 0 { return "the queue length cannot be negative" }
        if !(maxWait >= 0) { return "the wait cap cannot be negative" }
        if !(shutdownGrace >= 0) { return "the shutdown grace period cannot be negative" }
        if cacheBytes < 0 { return "the cache size cannot be negative" }
        return nil
    }
}
