import Foundation
import PipeSched

/// One solve outcome in the store: the schedule document (or why there is none), with what it was
/// computed from. Complete results carry the request key and are found again by it; partial ones
/// (the best incumbent of a cancelled job) have no key and are reachable only by id.
public struct StoredResult: Sendable, Equatable {
    /// What the solve produced.
    public enum Outcome: Sendable, Equatable {
        /// A validated schedule: its document as compact JSON, and its metrics for tables.
        case schedule(document: Data, metrics: Metrics)
        /// No schedule, for a reason that repeats on every attempt (for example no schedule fits the cap).
        case failure(StoredFailure)
    }

    /// Addresses the result in `GET /v1/schedules/{id}`.
    public var id: String
    /// The request key, `nil` for partial results.
    public var key: RequestKey?
    public var method: String
    public var objective: Objective
    /// The problem as canonical JSON, for exporters that need the costs next to the schedule.
    public var problem: Data
    public var outcome: Outcome
    /// Wall-clock seconds the solve took.
    public var solveSeconds: Double
    public var createdAt: Date

    public init(id: String, key: RequestKey?, method: String, objective: Objective, problem: Data,
                outcome: Outcome, solveSeconds: Double, createdAt: Date = Date()) {
        self.id = id
        self.key = key
        self.method = method
        self.objective = objective
        self.problem = problem
        self.outcome = outcome
        self.solveSeconds = solveSeconds
        self.createdAt = createdAt
    }

    /// The schedule document's JSON, or `nil` for a failure.
    public var document: Data? {
        if case .schedule(let document, _) = outcome { return document }
        return nil
    }

    /// The metrics, or `nil` for a failure.
    public var metrics: Metrics? {
        if case .schedule(_, let metrics) = outcome { return metrics }
        return nil
    }

    /// The outcome as the stores' columns hold it: the document and its metrics as JSON text, or the failure.
    func columns() throws -> (document: Data?, metrics: String?, failure: StoredFailure?) {
        switch outcome {
        case .schedule(let document, let metrics):
            return (document, String(decoding: try JSONEncoder().encode(metrics), as: UTF8.self), nil)
        case .failure(let failure):
            return (nil, nil, failure)
        }
    }
}

/// Why a solve or job produced no schedule: a stable kind for programs and a message for people.
public struct StoredFailure: Sendable, Equatable, Codable, Error, CustomStringConvertible {
    /// For example `noScheduleFitsCap`, `memoryCapExceeded`, `doesNotFit`, `interrupted`, `internal`.
    public var kind: String
    public var message: String

    public init(kind: String, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// The failure recorded for jobs that were queued or running when the server stopped.
    public static let interrupted = StoredFailure(
        kind: "interrupted", message: "the server stopped before this job finished; submit the request again")
}
