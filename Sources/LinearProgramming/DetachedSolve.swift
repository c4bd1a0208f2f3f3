import Foundation
import Synchronization

/// One solver call on a thread of its own, for solvers with stretches no limit or callback reaches
/// (CBC's root LP in Clp; HiGHS's presolve and root LP setup on large models): the solve waits for
/// it at most a little past its time limit (`abandonAfter`) or until a stop request, and then
/// returns without it. Whichever of the two finishes last runs `cleanup` (free the model, release
/// the `LibraryGate`), so an abandoned call finishes in the background and the next solve of the
/// same library waits for it as for any other.
final class DetachedSolve: @unchecked Sendable {
    private let cleanup: @Sendable () -> Void
    private let state = Mutex((solved: false, released: false))
    private let solved = DispatchSemaphore(value: 0)

    /// How long a solve with a time limit waits for its solver before returning without it: 2% past
    /// the limit plus a quarter of a second, within 5% of limits from 10 s (the solver's own limit
    /// normally ends it before).
    static func abandonAfter(_ limit: Double) -> Double { limit * 1.02 + 0.25 }

    /// Starts `body` on a new thread; `cleanup` runs once, after both `body` returned and the
    /// waiting solve read its result or gave up.
    init(cleanup: @escaping @Sendable () -> Void, body: @escaping @Sendable () -> Void) {
        self.cleanup = cleanup
        Thread.detachNewThread { [self] in
            body()
            finish()
        }
    }

    /// Called on the thread when the solver returns: cleans up if the solve already gave up.
    private func finish() {
        let abandoned = state.withLock { state in
            state.solved = true
            return state.released
        }
        if abandoned { cleanup() } else { solved.signal() }
    }

    /// Waits until the solver returns, at most `seconds` (nil: without limit), polling
    /// `shouldStop`; after a stop request it waits `grace` seconds more for a solver whose own
    /// callback ends it with a result. `false` when the solve stops waiting, which leaves the cleanup
    /// to the thread.
    func waitUntilSolved(within seconds: Double?, shouldStop: (@Sendable () -> Bool)?, grace: Double = 0) -> Bool {
        var deadline = seconds.map { DispatchTime.now() + $0 }
        var stopRequested = false
        while true {
            let step = DispatchTime.now() + 0.02
            let until = deadline.map { Swift.min($0, step) } ?? step
            if solved.wait(timeout: until) == .success { return true }
            if !stopRequested, shouldStop?() == true {
                stopRequested = true
                let end = DispatchTime.now() + grace
                deadline = deadline.map { Swift.min($0, end) } ?? end
            }
            guard let deadline, DispatchTime.now() >= deadline else { continue }
            let finishedMeanwhile = state.withLock { state in
                if state.solved { return true }
                state.released = true
                return false
            }
            if finishedMeanwhile {
                solved.wait()
                return true
            }
            return false
        }
    }

    /// Waits for the solver until shortly after `problem`'s time limit, counted from `clock`'s
    /// start (`abandonAfter`; without limit when it has none or an infinite one), polling its stop
    /// request; see `waitUntilSolved(within:shouldStop:grace:)`.
    func waitUntilSolved(_ problem: PreparedProblem, clock: SolveClock, grace: Double = 0) -> Bool {
        let limit = problem.options.timeLimit.flatMap { $0.isFinite ? $0 : nil }
        return waitUntilSolved(within: limit.map { Swift.max(0, Self.abandonAfter($0) - clock.elapsed) },
                               shouldStop: problem.options.shouldStop, grace: grace)
    }

    /// Called by the solve after reading the solver's result.
    func release() { cleanup() }
}

/// A solver's model handle handed to the `DetachedSolve` thread: only that thread uses it until the
/// solver returns, and only the cleanup after that.
struct SolverHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ pointer: UnsafeMutableRawPointer) { self.pointer = pointer }
}

/// A prepared problem handed to the `DetachedSolve` thread, which reads it while the waiting solve
/// only reads its options (both immutable).
struct PreparedHandoff: @unchecked Sendable {
    let problem: PreparedProblem
    init(_ problem: PreparedProblem) { self.problem = problem }
}
