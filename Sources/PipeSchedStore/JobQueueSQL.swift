/// The job queue's rules as SQL conditions, written once for both backends (SQLite and PostgreSQL
/// read the same text: statuses, the cancellation flag as a boolean, the attempt limit). Lease
/// times are bound by each backend in its own timestamp type.
enum JobQueueSQL {
    /// A job not finished yet: waiting for a slot or running.
    static let unfinished = "status IN ('queued', 'running')"
    /// An unfinished job a new identical request may join (with a live lease, checked apart).
    static let joinable = "\(unfinished) AND NOT cancel_requested"
    /// A job another server may run again once its owner's lease ran out.
    static let resumable = "request IS NOT NULL AND attempts < \(JobRecord.maxAttempts) AND NOT cancel_requested"
    /// The status an expired job that cannot be resumed ends with: cancelled if someone asked, else
    /// failed (with `StoredFailure.interrupted`).
    static let endedStatus = "CASE WHEN cancel_requested THEN 'cancelled' ELSE 'failed' END"
    static let endedFailureKind = "CASE WHEN cancel_requested THEN NULL ELSE '\(StoredFailure.interrupted.kind)' END"
    static let endedFailureMessage = "CASE WHEN cancel_requested THEN NULL ELSE '\(StoredFailure.interrupted.message.replacingOccurrences(of: "'", with: "''"))' END"
}
