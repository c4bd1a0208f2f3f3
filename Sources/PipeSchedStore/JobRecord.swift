import Foundation
import PipeSched

/// The lifecycle state of an asynchronous solve job.
public enum JobStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for a solver slot.
    case queued
    /// A solver is working on it.
    case running
    /// Finished with a schedule (`resultID`).
    case succeeded
    /// Finished without a schedule (`failure` says why), or interrupted by a server stop.
    case failed
    /// Stopped on request; `resultID` names the best schedule found before the stop, if any.
    case cancelled

    /// Whether the job will change no more.
    public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// A job as stored: what was asked, where it stands and where its result is.
public struct JobRecord: Sendable, Equatable, Codable {
    public var id: String
    /// The request key of the solve.
    public var key: String
    /// The server process that runs the job (`processOwner`): it renews the job's lease and stops it
    /// when another server records a cancellation; servers sharing one store leave each other's
    /// live jobs alone. Empty while a handed-back job waits for any server to claim it.
    public var owner: String
    public var method: String
    public var objective: Objective
    public var timeLimit: Double?
    public var status: JobStatus
    /// From 0 to 1: the share of the time limit used, 1 when finished.
    public var progress: Double
    /// The objective value of the best schedule found so far.
    public var bestObjective: Double?
    /// The relative gap of `bestObjective` to the lower bound.
    public var gap: Double?
    /// The stored schedule, once there is one.
    public var resultID: String?
    public var failure: StoredFailure?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Until when the owner vouches for the job: it renews this while it runs, so a job whose lease
    /// ran out belongs to a server that died, and any server may mark it interrupted.
    public var leaseUntil: Date?
    /// The request as a solve body (problem, method, options; no `wait`), so any server sharing the
    /// store can run the job again when its owner dies; `nil` for jobs that cannot be resumed.
    public var request: Data?
    /// How many times a server has taken the job over from a dead owner.
    public var attempts: Int

    public init(id: String, key: String, owner: String = JobRecord.localOwner, method: String, objective: Objective, timeLimit: Double?,
                status: JobStatus = .queued, progress: Double = 0, bestObjective: Double? = nil, gap: Double? = nil,
                resultID: String? = nil, failure: StoredFailure? = nil, createdAt: Date = Date(),
                startedAt: Date? = nil, finishedAt: Date? = nil, leaseUntil: Date? = nil,
                request: Data? = nil, attempts: Int = 0) {
        self.leaseUntil = leaseUntil
        self.request = request
        self.attempts = attempts
        self.id = id
        self.key = key
        self.owner = owner
        self.method = method
        self.objective = objective
        self.timeLimit = timeLimit
        self.status = status
        self.progress = progress
        self.bestObjective = bestObjective
        self.gap = gap
        self.resultID = resultID
        self.failure = failure
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    /// This host's name: the default owner of jobs started here.
    public static let localOwner: String = ProcessInfo.processInfo.hostName

    /// This process's identity: host, process id and a random tag, so a server restarted on any port
    /// (or a second one on the same host) never takes another's jobs for its own.
    public static let processOwner: String = {
        var generator = SystemRandomNumberGenerator()
        let tag = String(UInt32.random(in: .min ... .max, using: &generator), radix: 16)
        return "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(tag)"
    }()

    /// Seconds a lease lasts; owners renew it every third of that.
    public static let leaseSeconds = 15.0

    /// Takeovers a job gets: a job whose servers keep dying while they run it (say, it exhausts
    /// their memory) is then failed as interrupted instead of taking down server after server.
    public static let maxAttempts = 3
}
