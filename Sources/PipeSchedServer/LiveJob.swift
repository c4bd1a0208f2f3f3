import Foundation
import PipeSched
import PipeSchedStore

/// A job this server is running: its record, kept current as the solver reports, and the flag that
/// stops it. The solver thread writes through `SolveOptions` hooks; request handlers read snapshots.
final class LiveJob: Sendable {
    let id: String
    let problem: Problem
    let key: RequestKey
    let options: SolveOptions
    /// The lower bound of the objective, for the gap of the best value so far.
    let lowerBound: Double
    private let state: LockedState<JobRecord>
    /// Whether a stop was asked, and whether by the shutdown.
    private let stop = LockedState((requested: false, byShutdown: false))
    /// Called once when a stop is first requested (the service takes the job out of the queue).
    private let onStop: @Sendable () -> Void

    init(id: String, record: JobRecord, problem: Problem, key: RequestKey, options: SolveOptions, onStop: @escaping @Sendable () -> Void) {
        self.id = id
        self.onStop = onStop
        self.problem = problem
        self.key = key
        self.options = options
        lowerBound = LowerBound.value(problem, objective: options.objective)
        state = LockedState(record)
    }

    /// The record now, with progress as the share of the time limit used.
    var snapshot: JobRecord {
        state.withLock { record in
            var copy = record
            if copy.status == .running, let started = copy.startedAt, let limit = copy.timeLimit, limit > 0 {
                copy.progress = min(0.99, Date().timeIntervalSince(started) / limit)
            }
            return copy
        }
    }

    /// Whether someone asked the job to stop.
    var stopRequested: Bool { stop.withLock { $0.requested } }

    /// Whether the stop came from the server shutting down.
    var stoppedByShutdown: Bool { stop.withLock { $0.byShutdown } }

    /// Asks the solver to stop, or a queued job to leave the queue; the best schedule so far is kept.
    /// The job's task is not cancelled: it still stores what the solver returns.
    func requestStop(shutdown: Bool = false) {
        let first = stop.withLock { flags in
            defer { flags.requested = true }
            if !flags.requested { flags.byShutdown = shutdown }
            return !flags.requested
        }
        if first { onStop() }
    }

    /// Changes the record.
    func update(_ change: (inout JobRecord) -> Void) -> JobRecord {
        state.withLock { record in
            change(&record)
            return record
        }
    }

    /// The options the solver gets: the request's, with this job's stop flag and incumbent reports.
    var solverOptions: SolveOptions {
        var options = self.options
        options.shouldStop = { [stop] in stop.withLock { $0.requested } }
        options.onIncumbent = { [state, lowerBound] value in
            state.withLock { record in
                guard record.bestObjective.map({ value < $0 }) ?? true else { return }
                record.bestObjective = value
                record.gap = value > 0 ? max(0, (value - lowerBound) / value) : 0
            }
        }
        return options
    }
}
