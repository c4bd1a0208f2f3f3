import Foundation

/// Where solve results and job records live. The server and sweeps talk only to this protocol:
/// `SQLiteResultStore` is the one-file implementation, and a shared database (PostgreSQL, for
/// several hosts) plugs in here without touching them.
///
/// Saving a result whose key is already stored keeps the first one (results for one key are
/// interchangeable); saving a job replaces the row with that id.
public protocol ResultStore: Sendable {
    /// The complete result stored for a request key.
    func result(forKey key: RequestKey) async throws -> StoredResult?
    /// A result by id, complete or partial.
    func result(id: String) async throws -> StoredResult?
    /// Stores a result.
    func save(_ result: StoredResult) async throws
    /// A job by id.
    func job(id: String) async throws -> JobRecord?
    /// Inserts or replaces a job.
    func save(_ job: JobRecord) async throws
    /// Marks every queued or running job of `owner` as failed with `StoredFailure.interrupted`:
    /// called when a server starts (no job survives its process) and when it stops. Returns how many
    /// were marked.
    @discardableResult
    func interruptUnfinishedJobs(owner: String) async throws -> Int
    /// Extends to `until` the lease of every queued or running job of `owner` (its heartbeat), and
    /// returns the ids among them whose cancellation another server recorded.
    func renewLeases(owner: String, until: Date) async throws -> [String]
    /// Marks queued or running jobs whose owner's lease ran out before `now` as failed with
    /// `StoredFailure.interrupted` (their server died, whatever its address now); returns how many.
    @discardableResult
    func interruptExpiredJobs(now: Date) async throws -> Int
    /// Records that a job should stop; its owner sees it at its next heartbeat.
    func requestCancel(id: String) async throws
    /// A queued or running job for `key` whose owner's lease is still valid at `now`.
    func unfinishedJob(key: String, now: Date) async throws -> JobRecord?
    /// Flushes and closes; later calls fail.
    func close() async throws
}
