import Foundation

/// The HiGHS backend (optional), through HiGHS's C API loaded at run time with `dlopen`.
///
/// HiGHS is not a Debian package here; `scripts/install-highs` installs PyPI's `highsbox` wheel
/// (which ships `libhighs.so`) into a virtual environment under `~/.cache/pipesched`. Nothing is
/// needed at build time: the library is looked up when first used, at `PIPESCHED_HIGHS_LIBRARY`
/// (a path to `libhighs.so`), then in that cache, then on the system's library path. Without it,
/// ``isAvailable`` is `false` and `solve` throws ``LinearProgrammingError/solverFailure(solver:reason:)``.
///
/// - Threads: solves take the library one at a time, process-wide (`LibraryGate`: HiGHS's thread
///   pool is global and its thread safety was not tested here); ``MILPOptions/threads`` sets HiGHS's
///   `threads` option.
/// - Start and cutoff: ``MILPOptions/start`` goes to `Highs_setSolution`, ``MILPOptions/cutoff``
///   to the `objective_bound` option.
/// - Cancellation: ``MILPOptions/shouldStop`` is polled in the MIP interrupt callback.
/// - Time limit: the `time_limit` option (wall clock); gap: `mip_rel_gap`. With a start, feasibility
///   jump is off: the start is feasible already, and that heuristic overran the limit. HiGHS does not
///   check its limit everywhere (its presolve and the setup of its root LP ran seconds past it on
///   models of a million rows), so `Highs_run` runs on a thread of its own (`DetachedSolve`): when
///   it has not returned shortly after the limit, the solve returns `noSolution` with that reason
///   and HiGHS finishes in the background, after which the next HiGHS solve may start.
public struct HiGHSSolver: MILPSolver {
    private static let library = LibraryGate(library: "HiGHS")

    /// Creates the (stateless) backend.
    public init() {}

    /// Whether `libhighs.so` was found and has the expected C API.
    public static var isAvailable: Bool { HiGHSLibrary.shared != nil }

    /// Where the library was loaded from, or `nil`.
    public static var libraryPath: String? { HiGHSLibrary.shared?.path }

    public var name: String { HiGHSLibrary.shared.map { "HiGHS " + $0.version } ?? "HiGHS (not installed)" }

    public func solve(_ model: MILPModel, options: MILPOptions) throws -> MILPResult {
        let clock = SolveClock()
        guard let api = HiGHSLibrary.shared else {
            throw LinearProgrammingError.solverFailure(solver: name, reason: "libhighs.so was not found; run scripts/install-highs "
                                                          + "or set PIPESCHED_HIGHS_LIBRARY to the path of libhighs.so")
        }
        let problem = try PreparedProblem(model: model, options: options)
        if let early = problem.earlyResult(solverName: name, clock: clock) { return early }
        if let gaveUp = Self.library.acquire(problem, solverName: name, clock: clock) { return gaveUp }
        guard let highs = api.create() else {
            Self.library.release()
            throw LinearProgrammingError.solverFailure(solver: name, reason: "Highs_create returned NULL")
        }
        let handle = SolverHandle(highs)
        let cleanup: @Sendable () -> Void = {
            api.destroy(handle.pointer)
            Self.library.release()
        }
        // Before anything else, or HiGHS prints its banner.
        _ = api.setBool(highs, "output_flag", options.verbose ? 1 : 0)
        _ = api.setInt(highs, "threads", Int32(clamping: options.threads))
        do { try load(problem, into: highs, api: api) } catch {
            cleanup()
            throw error
        }
        let monitor = HiGHSStopMonitor(shouldStop: options.shouldStop)
        configure(highs, problem, api: api, clock: clock, monitor: monitor)
        // The thread owns the model and the library from here (`DetachedSolve`).
        let run = DetachedSolve(cleanup: cleanup, body: { withExtendedLifetime(monitor) { _ = api.run(handle.pointer) } })
        // A stop request reaches HiGHS's interrupt callback, which ends the search with its result;
        // the solve stops waiting only where HiGHS does not poll it.
        guard run.waitUntilSolved(problem, clock: clock, grace: 1) else {
            var result = problem.stopped(solverName: name, clock: clock,
                                         reason: options.shouldStop?() == true
                                             ? "stopped by shouldStop where HiGHS cannot be interrupted (it finishes in the background)"
                                             : "time limit reached where HiGHS does not check it (presolve or root LP setup; it finishes in the background, later HiGHS solves wait for it)")
            result.seconds = clock.elapsed
            return result
        }
        var result = read(highs, problem, api: api, monitor: monitor)
        result.seconds = clock.elapsed
        run.release()
        return result
    }

    /// Loads the problem column-wise in one `Highs_passMip` call.
    private func load(_ problem: PreparedProblem, into highs: UnsafeMutableRawPointer, api: HiGHSLibrary) throws {
        let n = problem.columnCount, m = problem.rowCount
        let (starts, index, value) = problem.columnMajorMatrix()
        let infinity = api.infinity(highs)
        func clip(_ x: Double) -> Double { x.isInfinite ? (x > 0 ? infinity : -infinity) : x }
        let integrality = problem.isInteger.map { Int32($0 ? 1 : 0) }
        let status = api.passMip(highs, Int32(n), Int32(m), Int32(index.count), 1, problem.sense == .minimize ? 1 : -1,
                                 problem.objectiveConstant, problem.objective, problem.columnLower.map(clip),
                                 problem.columnUpper.map(clip), problem.rowLower.map(clip), problem.rowUpper.map(clip),
                                 starts, index, value, integrality)
        guard status >= 0 else {
            throw LinearProgrammingError.solverFailure(solver: name, reason: "Highs_passMip returned status \(status)")
        }
    }

    private func configure(_ highs: UnsafeMutableRawPointer, _ problem: PreparedProblem, api: HiGHSLibrary,
                           clock: SolveClock, monitor: HiGHSStopMonitor) {
        let options = problem.options
        _ = api.setDouble(highs, "mip_rel_gap", options.relativeGap)
        if let remaining = clock.remaining(of: options.timeLimit) {
            _ = api.setDouble(highs, "time_limit", Swift.max(0.01, remaining))
        }
        guard problem.integerCount > 0 else { return }
        if let cutoff = options.cutoff {
            _ = api.setDouble(highs, "objective_bound", problem.termCutoff(cutoff) + problem.objectiveConstant)
        }
        if let start = options.start {
            _ = api.setSolution(highs, problem.cleaned(start), nil, nil, nil)
            // Feasibility jump looks for a first feasible point, which the start already is, and
            // its work does not heed `time_limit`: on a 561k-row model it ran 11 s of a 10 s limit
            // before the root LP (docs/ilp-formulation.md, "Time limits").
            _ = api.setBool(highs, "mip_heuristic_run_feasibility_jump", 0)
        }
        if options.shouldStop != nil {
            _ = api.setCallback(highs, { _, _, _, dataIn, info in
                guard let dataIn, let info else { return }
                if Unmanaged<HiGHSStopMonitor>.fromOpaque(info).takeUnretainedValue().shouldStopNow() {
                    dataIn.assumingMemoryBound(to: Int32.self).pointee = 1  // HighsCallbackDataIn.user_interrupt
                }
            }, Unmanaged.passUnretained(monitor).toOpaque())
            _ = api.startCallback(highs, 6)  // kHighsCallbackMipInterrupt
        }
    }

    private func read(_ highs: UnsafeMutableRawPointer, _ problem: PreparedProblem, api: HiGHSLibrary, monitor: HiGHSStopMonitor) -> MILPResult {
        let modelStatus = api.modelStatus(highs)
        var primalStatus: Int32 = 0
        _ = api.intInfo(highs, "primal_solution_status", &primalStatus)
        let hasSolution = primalStatus == 2  // kHighsSolutionStatusFeasible
        var nodes: Int64 = 0
        _ = api.int64Info(highs, "mip_node_count", &nodes)
        var result = MILPResult(status: .error, nodes: Int(Swift.max(0, nodes)), solverName: name)
        switch modelStatus {
        case 7: result.status = hasSolution ? .optimal : .error
        case 8: result.status = .infeasible
        case 9, 10: result.status = .unbounded
        case 11: result.status = .infeasible; result.message = "no solution at least as good as the cutoff"
        case 13, 14, 16, 17:
            result.status = hasSolution ? .feasible : .noSolution
            result.message = monitor.stopped ? "stopped by shouldStop" : "time limit reached"
        default:
            result.message = "HiGHS ended with model status \(modelStatus)"
        }
        if hasSolution, result.status.hasSolution {
            var columns = [Double](repeating: 0, count: problem.columnCount)
            var columnDuals = [Double](repeating: 0, count: problem.columnCount)
            var rows = [Double](repeating: 0, count: problem.rowCount)
            var rowDuals = [Double](repeating: 0, count: problem.rowCount)
            _ = api.solution(highs, &columns, &columnDuals, &rows, &rowDuals)
            let objective = problem.model.objectiveValue(at: columns)
            result.values = problem.cleaned(columns)
            result.objective = objective
            if problem.integerCount == 0 {
                result.bestBound = result.status == .optimal ? objective : nil
            } else {
                var bound = 0.0
                _ = api.doubleInfo(highs, "mip_dual_bound", &bound)
                result.bestBound = problem.reportedBound(bound, objective: objective)
            }
            if let bound = result.bestBound { result.gap = MILPResult.relativeGap(objective: objective, bound: bound) }
        } else if result.status == .noSolution, problem.integerCount > 0 {
            var bound = 0.0
            _ = api.doubleInfo(highs, "mip_dual_bound", &bound)
            result.bestBound = problem.reportedBound(bound, objective: nil)
        }
        return result
    }
}

/// State shared with HiGHS's interrupt callback.
private final class HiGHSStopMonitor: @unchecked Sendable {
    let shouldStop: (@Sendable () -> Bool)?
    private(set) var stopped = false

    init(shouldStop: (@Sendable () -> Bool)?) { self.shouldStop = shouldStop }

    func shouldStopNow() -> Bool {
        if !stopped, shouldStop?() == true { stopped = true }
        return stopped
    }
}
