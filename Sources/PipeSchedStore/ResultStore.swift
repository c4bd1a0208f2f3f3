import Foundation

/// Where solve results and job records live. The server and sweeps talk only to this protocol:
/// `SQLiteResultStore` is the one-file implementation, `PostgresResultStore` the shared one for
/// several servers and sweep shards on several hosts. `StoreLocation` picks one from `--database`.
///
/// Saving a result whose key is already stored keeps the first one (results for one key are
/// interchangeable); saving a job replaces the row with that id unless another server has taken the
/// job over meanwhile (the row's owner differs: a stale owner's writes are ignored).
///
/// Jobs form a queue shared by every server on the store: each server renews the lease of the jobs
/// it owns; when a server dies its leases run out and another server claims the jobs
/// (`claimExpiredJobs`) and runs them again from their stored request.
public protocol ResultStore: Sendable {
    /// Which backend, for health reports: `sqlite` or `postgres`.
    var kind: String { get }
    /// Throws unless the store answers now (health checks).
    func ping() async throws
    /// The complete result stored for a request key.
    func result(forKey key: RequestKey) async throws -> StoredResult?
    /// A result by id, complete or partial.
    func result(id: String) async throws -> StoredResult?
    /// Stores a result.
    func save(_ result: StoredResult) async throws
    /// A job by id.
    func job(id: String) async throws -> JobRecord?
    /// Inserts or replaces a job (ignored if another owner holds it now).
    func save(_ job: JobRecord) async throws
    /// Inserts a new job unless an unfinished, uncancelled job for the same key exists (identical
    /// requests join one job, also when they reach two servers at once); returns the job that will
    /// run: `job` or the one found.
    func startJob(_ job: JobRecord) async throws -> JobRecord
    /// Marks every queued or running job of `owner` as failed with `StoredFailure.interrupted`:
    /// called when a server stops (no job survives its process), and when a server that names its
    /// owner starts. Returns how many were marked.
    @discardableResult
    func interruptUnfinishedJobs(owner: String) async throws -> Int
    /// Extends to `until` the lease of every queued or running job of `owner` (its heartbeat), and
    /// returns the ids among them whose cancellation another server recorded.
    func renewLeases(owner: String, until: Date) async throws -> [String]
    /// Ends the queued or running jobs whose owner's lease ran out before `now` and that no server
    /// can take over: cancelled ones as `cancelled`, those without a stored request or out of
    /// attempts (`JobRecord.maxAttempts`) as failed with `StoredFailure.interrupted`. Returns how many.
    @discardableResult
    func interruptExpiredJobs(now: Date) async throws -> Int
    /// Takes over up to `limit` queued or running jobs whose owner's lease ran out before `now` and
    /// that can run again (a stored request, attempts left, no cancellation): each becomes `owner`'s,
    /// queued, leased until `until`, its attempts counted. Two servers claiming at once never get
    /// the same job (PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED`; SQLite: one writer).
    func claimExpiredJobs(owner: String, now: Date, until: Date, limit: Int) async throws -> [JobRecord]
    /// Hands queued jobs of `owner` back to the shared queue (no owner, no lease), so any server
    /// sharing the store claims them next (`claimExpiredJobs`): jobs a server claimed but cannot
    /// start, and jobs still waiting when it shuts down. The claim's count in `attempts` is taken
    /// back (a hand-over is not a failure). Returns how many were released.
    @discardableResult
    func releaseQueuedJobs(ids: [String], owner: String) async throws -> Int
    /// Records that a job should stop; its owner sees it at its next heartbeat.
    func requestCancel(id: String) async throws
    /// A queued or running job for `key` whose owner's lease is still valid at `now`.
    func unfinishedJob(key: String, now: Date) async throws -> JobRecord?
    /// Flushes and closes; later calls fail.
    func close() async throws
}
