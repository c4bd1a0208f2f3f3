import Foundation
import Synchronization

/// A solver library that one solve at a time may use, process-wide (CBC's CbcMain1 has static
/// state; HiGHS's thread pool is global). A flag rather than a lock: a solve that stopped waiting
/// for its solver hands the library to the solver's thread, which releases it when the solver
/// returns (`DetachedSolve`), and a lock must be unlocked by the thread that locked it.
final class LibraryGate: Sendable {
    private let busy = Mutex(false)
    /// The library's name in the messages of a solve that gave up waiting.
    let library: String

    init(library: String) { self.library = library }

    /// Takes the library when it is free.
    func tryTake() -> Bool {
        busy.withLock { busy in
            if busy { return false }
            busy = true
            return true
        }
    }

    /// Lets the next solve take the library.
    func release() { busy.withLock { $0 = false } }

    /// Takes the library, polling the solve's stop request and time limit while another solve holds
    /// it; returns the solve's result instead when either ends the wait.
    func acquire(_ problem: PreparedProblem, solverName: String, clock: SolveClock) -> MILPResult? {
        while !tryTake() {
            Thread.sleep(forTimeInterval: 0.005)
            if problem.options.shouldStop?() == true {
                return problem.stopped(solverName: solverName, clock: clock, reason: "stopped by shouldStop while waiting for the \(library) lock")
            }
            if clock.remaining(of: problem.options.timeLimit) == 0 {
                return problem.stopped(solverName: solverName, clock: clock, reason: "time limit reached while waiting for the \(library) lock")
            }
        }
        return nil
    }
}
