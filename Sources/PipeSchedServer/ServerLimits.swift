import Foundation
import PipeSched
import PipeSchedStore

/// The server's limits; every one is a `pipesched serve` option, documented in docs/server.md.
public struct ServerLimits: Sendable, Equatable {
    /// Largest request body in bytes; larger bodies get `413`.
    public var maxBodyBytes: Int
    /// Largest problem in passes (stages × microbatches × sequence slices × 3); larger problems get
    /// `400` `problemTooLarge` (checked before the problem's arrays are built).
    public var maxProblemSize: Int
    /// Largest number of stages (and devices) of a problem; larger problems get `400`.
    public var maxStages: Int
    /// GiB an exact method's model may take (`ExactSizeGuard`, estimated before anything is built);
    /// a larger model is refused with `422` `tooLarge`, naming the window methods.
    public var maxExactMemory: Double
    /// Seconds a connection may stay silent (no request byte read, no response pending) before it is
    /// closed; also bounds a request whose body stops arriving.
    public var idleTimeout: Double
    /// Seconds a synchronous solve may run; then it stops and answers with what it has, or `422`.
    public var syncTimeLimit: Double
    /// Seconds a job's lease lasts: the server renews it every third of that, and a job whose lease
    /// ran out is taken for one of a dead server.
    public var leaseSeconds: Double
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

    public init(maxBodyBytes: Int = 4 << 20, maxProblemSize: Int = 1_000_000, maxTimeLimit: Double = 300,
                concurrentJobs: Int = ProcessInfo.processInfo.activeProcessorCount, queueLength: Int = 64,
                maxWait: Double = 60, shutdownGrace: Double = 10, cacheBytes: Int = 64 << 20, maxStages: Int = 256,
                maxExactMemory: Double = 2, idleTimeout: Double = 30, syncTimeLimit: Double = 30,
                leaseSeconds: Double = JobRecord.leaseSeconds) {
        self.leaseSeconds = leaseSeconds
        self.maxBodyBytes = maxBodyBytes
        self.maxProblemSize = maxProblemSize
        self.maxStages = maxStages
        self.maxExactMemory = maxExactMemory
        self.idleTimeout = idleTimeout
        self.syncTimeLimit = syncTimeLimit
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
        if maxProblemSize < 3 { return "the problem size limit must be at least 3 passes" }
        if maxStages < 1 { return "the stage limit must be at least 1" }
        if !(maxExactMemory > 0) { return "the exact methods' memory budget must be positive" }
        if !(idleTimeout > 0) { return "the idle timeout must be positive" }
        if !(leaseSeconds > 0) { return "the lease must be positive" }
        if !(syncTimeLimit > 0) { return "the synchronous time limit must be positive" }
        if !(maxTimeLimit > 0) { return "the time limit cap must be positive" }
        if concurrentJobs < 1 { return "at least 1 concurrent job is needed" }
        if queueLength < 0 { return "the queue length cannot be negative" }
        if !(maxWait >= 0) { return "the wait cap cannot be negative" }
        if !(shutdownGrace >= 0) { return "the shutdown grace period cannot be negative" }
        if cacheBytes < 0 { return "the cache size cannot be negative" }
        return nil
    }

    /// The size limits problems are decoded with.
    public var problemLimits: ProblemLimits {
        ProblemLimits(maxPasses: maxProblemSize, maxStages: maxStages, raise: .server)
    }

    /// `maxExactMemory` in bytes, as the exact methods' settings take it.
    public var exactMemoryBudget: Double { maxExactMemory * 1024 * 1024 * 1024
    }
}
