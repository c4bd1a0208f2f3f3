import CCbc
import Foundation
import Synchronization

/// The COIN-OR CBC 2.10 backend, through CBC's C interface (`Cbc_solve`, which runs
/// CbcMain1 for MIPs and Clp's simplex for pure LPs).
///
/// - Threads: CBC gave wrong answers when two solves ran at once in one process
///   (CbcMain1 has static state), so **every** use of the library (model creation to
///   deletion) holds it, process-wide (`libraryBusy`). Concurrent CBC solves therefore run one
///   after the other; ``MILPOptions/threads`` > 1 parallelises *inside* one solve.
///   While waiting for the library, ``MILPOptions/shouldStop`` and the time limit are polled.
/// - Time limit: CBC measures CPU time by default, which with several threads runs
///   faster than the wall clock. The solver is run with `timeMode elapsed` and
///   `sec` = 90% of the remaining wall-clock budget, so the limit is wall seconds. CBC only
///   checks it at certain points and was measured to overshoot by up to about 3 s on
///   30 s runs, so the cut callback stops the search when the next stretch between two
///   callbacks (estimated from the longest seen) would end past the limit (`CBCStopMonitor`).
///   Neither reaches Clp's root LP, which on a large model can take minutes (hetero V p=8, m=64,
///   capped: 468 s under a 10 s limit, docs/ilp-formulation.md). So `Cbc_solve` runs on a thread of
///   its own (`DetachedSolve`): when it has not returned shortly after the limit (`abandonAfter`),
///   the solve returns `noSolution` with that reason, and the thread finishes CBC's work in the
///   background, then frees the model and the library. Until then every other CBC solve waits for the library like for
///   any other solve (polling its own limit). Pure LPs get the same wall-clock limit.
/// - Cancellation: the C API has no way to interrupt CbcMain1. ``MILPOptions/shouldStop``
///   (and the backstop) are polled in a cut callback (`Cbc_addCutCallback`), which CBC calls
///   at the root and at many, but not all, nodes; on a stop it returns an infeasible cut,
///   which prunes the nodes it reaches. Measured latency: 0.01 to 1.7 s. Such a stop
///   invalidates CBC's bound, so the result has `bestBound == nil` and `gap == nil`.
///   Not polled during CBC's preprocessing or for pure LPs.
/// - Start and cutoff: ``MILPOptions/start`` goes to `Cbc_setMIPStartI` (integer values
///   rounded), ``MILPOptions/cutoff`` to `Cbc_setCutoff` (plus a tiny tolerance, as CBC
///   only accepts strictly better solutions). Pure LPs ignore both.
/// - Preprocessing: ``MILPOptions/preprocess`` `false` turns CglPreProcess off (see there for the
///   crash it avoids).
/// - Output: `Cbc_setLogLevel(0)` prints nothing; `verbose` uses level 1.
public struct CBCSolver: MILPSolver {
    /// Whether a CBC solve holds the library, process-wide.
    private static let library = LibraryGate(library: "CBC")

    /// Creates the (stateless) backend.
    public init() {}

    public var name: String { "CBC " + String(cString: Cbc_getVersion()) }

    public func solve(_ model: MILPModel, options: MILPOptions) throws -> MILPResult {
        let clock = SolveClock()
        let problem = try PreparedProblem(model: model, options: options)
        if let early = problem.earlyResult(solverName: name, clock: clock) { return early }
        if let gaveUp = Self.library.acquire(problem, solverName: name, clock: clock) { return gaveUp }
        if let early = problem.earlyResult(solverName: name, clock: clock) {
            Self.library.release()
            return early
        }
        guard let cbc = Cbc_newModel() else {
            Self.library.release()
            throw LinearProgrammingError.solverFailure(solver: name, reason: "Cbc_newModel returned NULL")
        }
        Self.load(problem, into: cbc)
        let monitor = configure(cbc, problem, clock: clock)
        // The thread owns the model and the library from here: it frees both when CBC returns,
        // after this solve has read its result, or on its own when this solve stopped waiting.
        let model = SolverHandle(cbc)
        let run = DetachedSolve(cleanup: {
            Cbc_deleteModel(model.pointer)
            Self.library.release()
        }, body: {
            withExtendedLifetime(monitor) { _ = Cbc_solve(model.pointer) }
        })
        guard run.waitUntilSolved(problem, clock: clock) else {
            var result = problem.stopped(solverName: name, clock: clock,
                                         reason: problem.options.shouldStop?() == true
                                             ? "stopped by shouldStop inside CBC's root LP, which cannot be interrupted (it finishes in the background)"
                                             : "time limit reached inside CBC's root LP, which cannot be interrupted (it finishes in the background; later CBC solves wait for it)")
            result.seconds = clock.elapsed
            return result
        }
        var result = problem.integerCount == 0 ? readLP(cbc, problem) : readMIP(cbc, problem, monitor: monitor)
        result.seconds = clock.elapsed
        run.release()
        return result
    }

    // MARK: Building

    /// The internal objective is always minimised: `sign * objective`.
    static func sign(_ problem: PreparedProblem) -> Double { problem.sense == .minimize ? 1 : -1 }

    /// COIN-OR uses `DBL_MAX` for infinity.
    static func coin(_ value: Double) -> Double {
        value.isInfinite ? (value > 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude) : value
    }

    /// Converts the row-wise matrix to column-major form in O(non-zeros) and loads the
    /// whole problem with one `Cbc_loadProblem` call.
    static func load(_ problem: PreparedProblem, into cbc: UnsafeMutableRawPointer) {
        let n = problem.columnCount, m = problem.rowCount
        let (starts, index, value) = problem.columnMajorMatrix()
        let sign = sign(problem)
        Cbc_loadProblem(
            cbc, Int32(n), Int32(m), starts, index, value,
            problem.columnLower.map(coin), problem.columnUpper.map(coin),
            problem.objective.map { sign * $0 },
            problem.rowLower.map(coin), problem.rowUpper.map(coin))
        for j in 0..<n where problem.isInteger[j] {
            Cbc_setInteger(cbc, Int32(j))
        }
        Cbc_setObjSense(cbc, 1)
    }

    /// Sets output, limits, gap, threads, start and cutoff, and registers the stop
    /// callback when there is something to poll. Returns the callback's monitor.
    private func configure(_ cbc: UnsafeMutableRawPointer, _ problem: PreparedProblem, clock: SolveClock) -> CBCStopMonitor? {
        let options = problem.options
        Cbc_setLogLevel(cbc, options.verbose ? 1 : 0)
        guard problem.integerCount > 0 else { return nil }
        Cbc_setParameter(cbc, "timeMode", "elapsed")
        Cbc_setParameter(cbc, "ratioGap", "\(options.relativeGap)")
        if !options.preprocess {
            Cbc_setParameter(cbc, "preprocess", "off")
        }
        if options.threads > 1 {
            Cbc_setParameter(cbc, "threads", "\(options.threads)")
        }
        var deadline: ContinuousClock.Instant?
        if let remaining = clock.remaining(of: options.timeLimit) {
            // CBC's own limit ends the search with its bound, but it is checked between nodes only:
            // it gets 90% of the time, and the callback's deadline (which loses the bound) is the backstop.
            Cbc_setParameter(cbc, "sec", "\(Swift.max(0.01, 0.9 * remaining))")
            deadline = clock.instant(after: options.timeLimit!)
        }
        if let cutoff = options.cutoff {
            Cbc_setCutoff(cbc, Self.sign(problem) * problem.termCutoff(cutoff))
        }
        if let start = options.start {
            let start = problem.cleaned(start)
            let columns = (0..<Int32(problem.columnCount)).map { $0 }
            Cbc_setMIPStartI(cbc, Int32(problem.columnCount), columns, start)
        }
        guard options.shouldStop != nil || deadline != nil else { return nil }
        let monitor = CBCStopMonitor(shouldStop: options.shouldStop, deadline: deadline)
        Cbc_addCutCallback(cbc, { osi, cuts, info in
            guard let osi, let cuts, let info else { return }
            let monitor = Unmanaged<CBCStopMonitor>.fromOpaque(info).takeUnretainedValue()
            if monitor.shouldStopNow() {
                CBCSolver.addInfeasibleCut(osi: osi, cuts: cuts)
            }
        }, "stop", Unmanaged.passUnretained(monitor).toOpaque())
        return monitor
    }

    /// Adds a cut that no point of the current node satisfies, so CBC prunes the node.
    static func addInfeasibleCut(osi: UnsafeMutableRawPointer, cuts: UnsafeMutableRawPointer) {
        guard Osi_getNumCols(osi) > 0, let lower = Osi_getColLower(osi), let upper = Osi_getColUpper(osi) else { return }
        var column: Int32 = 0
        var one = 1.0
        let greater = CChar(UInt8(ascii: "G")), less = CChar(UInt8(ascii: "L"))
        if upper[0] < 1e30 {
            OsiCuts_addRowCut(cuts, 1, &column, &one, greater, upper[0] + 1)
        } else if lower[0] > -1e30 {
            OsiCuts_addRowCut(cuts, 1, &column, &one, less, lower[0] - 1)
        } else {
            OsiCuts_addRowCut(cuts, 1, &column, &one, greater, 1)
            OsiCuts_addRowCut(cuts, 1, &column, &one, less, 0)
        }
    }

    // MARK: Reading results

    private func readLP(_ cbc: UnsafeMutableRawPointer, _ problem: PreparedProblem) -> MILPResult {
        var result = MILPResult(status: .error, solverName: name)
        if Cbc_isProvenOptimal(cbc) != 0, let solution = Cbc_getColSolution(cbc) {
            let raw = Array(UnsafeBufferPointer(start: solution, count: problem.columnCount))
            let objective = problem.model.objectiveValue(at: raw)
            result.status = .optimal
            result.values = raw
            result.objective = objective
            result.bestBound = objective
            result.gap = 0
        } else if Cbc_isInitialSolveProvenPrimalInfeasible(cbc) != 0 {
            result.status = .infeasible
        } else if Cbc_isProvenInfeasible(cbc) != 0 {
            // Clp proved dual infeasibility but not primal infeasibility: unbounded.
            result.status = .unbounded
        } else {
            result.message = Cbc_isAbandoned(cbc) != 0 ? "Clp abandoned the LP (numerical difficulties)" : "Clp ended without a status"
        }
        return result
    }

    private func readMIP(_ cbc: UnsafeMutableRawPointer, _ problem: PreparedProblem, monitor: CBCStopMonitor?) -> MILPResult {
        var result = MILPResult(status: .error, nodes: Int(Cbc_getNodeCount(cbc)), solverName: name)
        let best = Cbc_bestSolution(cbc)
        let stop = monitor?.reason ?? .none
        if stop != .none {
            result.status = best != nil ? .feasible : .noSolution
            result.message = stop == .requested ? "stopped by shouldStop" : "stopped by the wall-clock backstop at the time limit (no bound: CBC's search was cut short)"
        } else if Cbc_isProvenOptimal(cbc) != 0, best != nil {
            result.status = .optimal
        } else if Cbc_secondaryStatus(cbc) == 7 || Cbc_isContinuousUnbounded(cbc) != 0 {
            result.status = .unbounded
        } else if Cbc_isProvenInfeasible(cbc) != 0 {
            result.status = .infeasible
            if problem.options.cutoff != nil { result.message = "no solution at least as good as the cutoff" }
        } else if Cbc_isSecondsLimitReached(cbc) != 0 || Cbc_status(cbc) == 1 {
            result.status = best != nil ? .feasible : .noSolution
            result.message = "time limit reached"
        } else if best != nil {
            result.status = .feasible
            result.message = "CBC stopped early (status \(Cbc_status(cbc)), secondary \(Cbc_secondaryStatus(cbc)))"
        } else {
            result.message = "CBC ended with status \(Cbc_status(cbc)), secondary status \(Cbc_secondaryStatus(cbc))"
        }
        guard result.status.hasSolution || result.status == .noSolution else { return result }

        var objective: Double?
        if result.status.hasSolution, let best {
            let raw = Array(UnsafeBufferPointer(start: best, count: problem.columnCount))
            objective = problem.model.objectiveValue(at: raw)
            result.objective = objective
            result.values = problem.cleaned(raw)
        }
        if stop == .none {
            let bound = Self.sign(problem) * Cbc_getBestPossibleObjValue(cbc) + problem.objectiveConstant
            result.bestBound = problem.reportedBound(bound, objective: objective)
        }
        if let objective, let bound = result.bestBound {
            result.gap = MILPResult.relativeGap(objective: objective, bound: bound)
        }
        return result
    }
}

/// State shared with CBC's cut callback, which may run on several CBC threads at once.
private final class CBCStopMonitor: Sendable {
    enum Reason: Int { case none, requested, deadline }

    let shouldStop: (@Sendable () -> Bool)?
    /// The time limit as an instant. CBC checks its `sec` limit between nodes only and a node (or
    /// the root's cut rounds) can take seconds, so the callback stops the search when the next
    /// stretch without a callback, estimated by the longest one seen after the first (half the
    /// first before that), would end past the deadline.
    let deadline: ContinuousClock.Instant?
    private let stopReason = Atomic<Int>(Reason.none.rawValue)
    private let stretches: Mutex<(last: ContinuousClock.Instant, first: Duration?, longest: Duration)>

    init(shouldStop: (@Sendable () -> Bool)?, deadline: ContinuousClock.Instant?) {
        self.shouldStop = shouldStop
        self.deadline = deadline
        stretches = Mutex((ContinuousClock.now, nil, .zero))
    }

    /// Whether the search should stop now to end by the deadline.
    private func nearDeadline(_ deadline: ContinuousClock.Instant) -> Bool {
        let now = ContinuousClock.now
        let expected = stretches.withLock { state -> Duration in
            let stretch = now - state.last
            state.last = now
            if state.first == nil { state.first = stretch } else { state.longest = max(state.longest, stretch) }
            return state.longest > .zero ? state.longest : (state.first ?? .zero) / 2
        }
        return now + expected >= deadline
    }

    var reason: Reason { Reason(rawValue: stopReason.load(ordering: .acquiring)) ?? .none }

    /// Whether the search must stop; records the first reason.
    func shouldStopNow() -> Bool {
        if reason != .none { return true }
        if shouldStop?() == true {
            _ = stopReason.compareExchange(expected: Reason.none.rawValue, desired: Reason.requested.rawValue, ordering: .acquiringAndReleasing)
            return true
        }
        if let deadline, nearDeadline(deadline) {
            _ = stopReason.compareExchange(expected: Reason.none.rawValue, desired: Reason.deadline.rawValue, ordering: .acquiringAndReleasing)
            return true
        }
        return false
    }
}
