import CGLPK
import Synchronization

/// The GNU GLPK 5 backend (`glp_simplex` for LPs, `glp_intopt` with presolve for MIPs; from
/// `defaultLargeModelRows` rows, GLPK's preprocessor, the root LP within the time limit, then
/// `glp_intopt` from its basis).
///
/// - Threads: GLPK keeps its state per thread, and every `solve` creates, solves and deletes its
///   problem on one thread, so concurrent solves from different tasks are safe. With a time limit
///   that thread is a new one (`DetachedSolve`), whose GLPK environment is freed when it ends:
///   GLPK's preprocessing and scaling of a large model check no limit, and the caller stops waiting
///   shortly after it. Without a limit the solve runs on the calling thread. Output is switched off
///   per call with `glp_term_out(GLP_OFF)` and the previous setting is restored afterwards.
/// - Input: GLPK aborts the process on bad arguments, so everything is validated in
///   Swift first (``MILPModel/validate()``); names are never passed to GLPK.
/// - Start and cutoff: ``MILPOptions/start`` is **not** used as a MIP start (GLPK only
///   accepts one through its heuristic callback, which needs presolve off and was
///   measured to be far slower). Instead a cutoff row `objective <= cutoff` (`>=` when
///   maximising) is added, with ``MILPOptions/cutoff`` or, if that is `nil`, the
///   objective value of the start when the start is feasible. Pure LPs ignore both.
/// - Cancellation: ``MILPOptions/shouldStop`` is polled before the solve and in the
///   branch-and-bound callback (`glp_ios_terminate`), i.e. at every node event. It is
///   not polled during presolve, the root LP, or pure LPs (`glp_simplex` has no callback).
/// - Time limit: `tm_lim` (wall clock, milliseconds), which GLPK checks inside its simplex and
///   between nodes. `glp_intopt`'s presolve solves the root LP without any limit, so large models
///   solve it themselves first (`solveLargeMIP`). One node's LP can take seconds on a large
///   model, so the branch-and-bound callback also stops the search when the next stretch
///   between callbacks would end past the limit. What no limit reaches (preprocessing and scaling
///   of a model of a million rows: about 3 s) runs past it on the solve's own thread, which the
///   caller stops waiting for (`DetachedSolve.abandonAfter`): the result is then `noSolution`.
/// - Best bound and nodes: read in the callback (`glp_ios_best_node`, `glp_ios_tree_size`),
///   so after a stop they are the values of the last node event.
public struct GLPKSolver: MILPSolver {
    /// Rows from which a MIP's root LP is solved under the time limit (`defaultLargeModelRows`).
    public let largeModelRows: Int

    /// Creates the (stateless) backend.
    public init(largeModelRows: Int = GLPKSolver.defaultLargeModelRows) {
        self.largeModelRows = largeModelRows
    }

    public var name: String { "GLPK " + String(cString: glp_version()) }

    public func solve(_ model: MILPModel, options: MILPOptions) throws -> MILPResult {
        let clock = SolveClock()
        let problem = try PreparedProblem(model: model, options: options)
        if let early = problem.earlyResult(solverName: name, clock: clock) { return early }
        guard options.timeLimit?.isFinite == true else { return try solveHere(problem, clock: clock) }
        // GLPK's preprocessing and scaling of a large model check no limit: the solve runs on a
        // thread of its own (with its own GLPK environment, freed when it ends) and the caller stops
        // waiting shortly after the limit (`DetachedSolve`).
        let outcome = Mutex<Result<MILPResult, any Error>?>(nil)
        let prepared = PreparedHandoff(problem)
        let run = DetachedSolve(cleanup: {}, body: {
            let result = Result { try self.solveHere(prepared.problem, clock: clock) }
            outcome.withLock { $0 = result }
            glp_free_env()
        })
        // GLPK polls a stop request at its node events only, not in presolve or the root LP.
        guard run.waitUntilSolved(problem, clock: clock, grace: 1) else {
            return problem.stopped(solverName: name, clock: clock,
                                   reason: options.shouldStop?() == true
                                       ? "stopped by shouldStop where GLPK cannot be interrupted (it finishes in the background)"
                                       : "time limit reached where GLPK does not check it (preprocessing or scaling; it finishes in the background)")
        }
        run.release()
        var result = try outcome.withLock { $0 }!.get()
        result.seconds = clock.elapsed
        return result
    }

    /// The whole solve on the calling thread, whose GLPK environment holds the problem from its
    /// creation to its deletion.
    private func solveHere(_ problem: PreparedProblem, clock: SolveClock) throws -> MILPResult {
        let previousOutput = glp_term_out(problem.options.verbose ? GLP_ON : GLP_OFF)
        defer { glp_term_out(previousOutput) }
        guard let lp = glp_create_prob() else {
            throw LinearProgrammingError.solverFailure(solver: name, reason: "glp_create_prob returned NULL")
        }
        defer { glp_delete_prob(lp) }
        let cutoff = Self.effectiveCutoff(problem)
        Self.load(problem, cutoff: cutoff, into: lp)

        var result = problem.integerCount == 0
            ? solveLP(lp, problem, clock: clock)
            : solveMIP(lp, problem, clock: clock)
        if result.status == .infeasible, cutoff != nil {
            result.message = "no solution at least as good as the cutoff \(cutoff!)"
        }
        result.seconds = clock.elapsed
        return result
    }

    // MARK: Building

    /// ``MILPOptions/cutoff``, else the objective of a feasible start, else `nil`.
    static func effectiveCutoff(_ problem: PreparedProblem) -> Double? {
        guard problem.integerCount > 0 else { return nil }
        if let cutoff = problem.options.cutoff { return cutoff }
        guard let start = problem.options.start, problem.model.maximumViolation(at: start) <= 1e-6 else { return nil }
        return problem.model.objectiveValue(at: start)
    }

    /// Loads columns, rows, objective and the whole matrix (one `glp_load_matrix` call).
    static func load(_ problem: PreparedProblem, cutoff: Double?, into lp: OpaquePointer) {
        let n = problem.columnCount
        let cutoffRow = cutoff != nil && problem.hasObjective
        let m = problem.rowCount + (cutoffRow ? 1 : 0)
        glp_set_obj_dir(lp, problem.sense == .minimize ? GLP_MIN : GLP_MAX)
        glp_add_cols(lp, Int32(n))
        for j in 0..<n {
            let column = Int32(j + 1)
            let (type, lower, upper) = boundType(problem.columnLower[j], problem.columnUpper[j])
            glp_set_col_bnds(lp, column, type, lower, upper)
            if problem.isInteger[j] { glp_set_col_kind(lp, column, GLP_IV) }
            if problem.objective[j] != 0 { glp_set_obj_coef(lp, column, problem.objective[j]) }
        }
        glp_set_obj_coef(lp, 0, problem.objectiveConstant)
        if m > 0 { glp_add_rows(lp, Int32(m)) }
        for i in 0..<problem.rowCount {
            let (type, lower, upper) = boundType(problem.rowLower[i], problem.rowUpper[i])
            glp_set_row_bnds(lp, Int32(i + 1), type, lower, upper)
        }

        let objectiveTerms = cutoffRow ? problem.model.objective.terms : []
        let count = problem.rowColumns.count + objectiveTerms.count
        // GLPK arrays are 1-based: element 0 is ignored.
        var ia = [Int32](repeating: 0, count: count + 1)
        var ja = [Int32](repeating: 0, count: count + 1)
        var ar = [Double](repeating: 0, count: count + 1)
        var k = 1
        for i in 0..<problem.rowCount {
            for entry in problem.rowStarts[i]..<problem.rowStarts[i + 1] {
                ia[k] = Int32(i + 1)
                ja[k] = Int32(problem.rowColumns[entry] + 1)
                ar[k] = problem.rowCoefficients[entry]
                k += 1
            }
        }
        if cutoffRow, let cutoff {
            let row = Int32(m)
            for term in objectiveTerms {
                ia[k] = row
                ja[k] = Int32(term.variable.index + 1)
                ar[k] = term.coefficient
                k += 1
            }
            let bound = problem.termCutoff(cutoff)
            if problem.sense == .minimize {
                glp_set_row_bnds(lp, row, GLP_UP, 0, bound)
            } else {
                glp_set_row_bnds(lp, row, GLP_LO, bound, 0)
            }
        }
        glp_load_matrix(lp, Int32(count), ia, ja, ar)
    }

    static func boundType(_ lower: Double, _ upper: Double) -> (Int32, Double, Double) {
        switch (lower.isFinite, upper.isFinite) {
        case (false, false): (GLP_FR, 0, 0)
        case (true, false): (GLP_LO, lower, 0)
        case (false, true): (GLP_UP, 0, upper)
        case (true, true): (lower == upper ? GLP_FX : GLP_DB, lower, upper)
        }
    }

    static func milliseconds(_ seconds: Double?) -> Int32 {
        guard let seconds else { return Int32.max }
        let milliseconds = (seconds * 1000).rounded(.up)
        return milliseconds >= Double(Int32.max) ? Int32.max : Int32(Swift.max(1, milliseconds))
    }

    // MARK: Solving

    /// Rows from which a MIP's root LP is solved under the time limit (`solveLargeMIP`). Below,
    /// `glp_intopt`'s own presolve runs: it proves small models several times faster (its
    /// coefficient reduction is not in the public preprocessor API; measured on hetero p=4, m=8
    /// capped at 8: 4.6 s against 44 s), and their root LP is short. Above, the unlimited root LP
    /// shows: 10 s limits took 10.6 s at 143k rows, 11.2 s at 286k, 12.3 s at 565k, 16.5 s at
    /// 1.1 million; with `solveLargeMIP` 10.1 s, 10.2 s and 11.3 s (docs/benchmarks.md).
    public static let defaultLargeModelRows = 100_000

    private func solveMIP(_ lp: OpaquePointer, _ problem: PreparedProblem, clock: SolveClock) -> MILPResult {
        // Created first, so that its first stretch (until the first branch-and-bound event)
        // includes the root LP, whoever solves it.
        let monitor = GLPKSearchMonitor(shouldStop: problem.options.shouldStop,
                                        deadline: problem.options.timeLimit.map { clock.instant(after: $0) })
        if problem.rowCount >= largeModelRows { return solveLargeMIP(lp, problem, monitor: monitor, clock: clock) }
        var parm = glp_iocp()
        glp_init_iocp(&parm)
        parm.presolve = GLP_ON
        return branchAndBound(lp, original: lp, preprocessor: nil, parm: &parm, problem, monitor: monitor, clock: clock)
    }

    /// GLPK's MIP preprocessor (`glp_npp_*`, as in `glp_intopt`'s presolve but without its
    /// coefficient reduction), then the root LP of the preprocessed problem within the time limit
    /// (`solveRootLP`), then `glp_intopt` on it with presolve off and most-fractional branching;
    /// the solution is mapped back to `original`. A preprocessed problem without rows or columns
    /// (everything fixed) goes to `glp_intopt` with its own presolve, which has no LP left to solve.
    private func solveLargeMIP(_ original: OpaquePointer, _ problem: PreparedProblem, monitor: GLPKSearchMonitor,
                               clock: SolveClock) -> MILPResult {
        var result = MILPResult(status: .error, solverName: name)
        guard let preprocessor = glp_npp_alloc_wksp() else {
            result.message = "glp_npp_alloc_wksp returned NULL"
            return result
        }
        defer { glp_npp_free_wksp(preprocessor) }
        glp_npp_load_prob(preprocessor, original, GLP_MIP, GLP_OFF)
        switch glp_npp_preprocess1(preprocessor, GLP_ON) {
        case 0: break
        case GLP_ENOPFS:
            result.status = .infeasible
            return result
        case GLP_ENODFS:
            result.status = classifyDualInfeasible(original, remaining: clock.remaining(of: problem.options.timeLimit))
            return result
        case let code:
            result.message = "glp_npp_preprocess1 returned code \(code)"
            return result
        }
        guard let lp = glp_create_prob() else {
            result.message = "glp_create_prob returned NULL"
            return result
        }
        defer { glp_delete_prob(lp) }
        glp_npp_build_prob(preprocessor, lp)
        let empty = glp_get_num_rows(lp) == 0 || glp_get_num_cols(lp) == 0
        if !empty, let early = solveRootLP(lp, problem, clock: clock) { return early }

        var parm = glp_iocp()
        glp_init_iocp(&parm)
        parm.presolve = empty ? GLP_ON : GLP_OFF
        // GLPK's default branching (Driebeck-Tomlin) evaluates a tableau row per fractional variable
        // before the next callback: on the p=8, m=64 model (103k rows) its first branching took
        // 132 s past a 60 s limit. The most fractional variable costs nothing to find.
        parm.br_tech = GLP_BR_MFV
        return branchAndBound(lp, original: original, preprocessor: preprocessor, parm: &parm, problem, monitor: monitor, clock: clock)
    }

    /// `glp_intopt` on `lp` with `parm` (presolve as set by the caller), stopped by `monitor` at
    /// the deadline or on `shouldStop`; with a `preprocessor`, `lp` is its preprocessed problem and
    /// the solution is mapped back to `original`.
    private func branchAndBound(_ lp: OpaquePointer, original: OpaquePointer, preprocessor: OpaquePointer?,
                                parm: inout glp_iocp, _ problem: PreparedProblem, monitor: GLPKSearchMonitor,
                                clock: SolveClock) -> MILPResult {
        parm.msg_lev = problem.options.verbose ? GLP_MSG_ALL : GLP_MSG_OFF
        parm.mip_gap = problem.options.relativeGap
        parm.tm_lim = Self.milliseconds(clock.remaining(of: problem.options.timeLimit))
        parm.cb_info = Unmanaged.passUnretained(monitor).toOpaque()
        parm.cb_func = { tree, info in
            guard let tree, let info else { return }
            Unmanaged<GLPKSearchMonitor>.fromOpaque(info).takeUnretainedValue().observe(tree)
        }
        let code = withExtendedLifetime(monitor) { glp_intopt(lp, &parm) }

        var result = MILPResult(status: .error, nodes: monitor.nodes, solverName: name)
        let mipStatus = glp_mip_status(lp)
        let hasIncumbent = mipStatus == GLP_OPT || mipStatus == GLP_FEAS
        switch code {
        case 0 where mipStatus == GLP_OPT, GLP_EMIPGAP where hasIncumbent:
            result.status = .optimal
        case 0 where mipStatus == GLP_NOFEAS, GLP_ENOPFS:
            result.status = .infeasible
        case GLP_ENODFS:
            result.status = classifyDualInfeasible(original, remaining: clock.remaining(of: problem.options.timeLimit))
        case GLP_ETMLIM, GLP_ESTOP:
            result.status = hasIncumbent ? .feasible : .noSolution
            result.message = monitor.stopRequested ? "stopped by shouldStop" : "time limit reached"
        default:
            result.message = "glp_intopt returned code \(code) with MIP status \(mipStatus)"
        }
        if result.status.hasSolution {
            if let preprocessor {
                glp_npp_postprocess(preprocessor, lp)
                glp_npp_obtain_sol(preprocessor, original)
            }
            let objective = glp_mip_obj_val(original)
            result.objective = objective
            result.values = problem.cleaned((1...problem.columnCount).map { glp_mip_col_val(original, Int32($0)) })
            if code == 0 {
                result.bestBound = objective
            } else {
                result.bestBound = problem.reportedBound(monitor.bestBound, objective: objective)
            }
            if let bound = result.bestBound {
                result.gap = MILPResult.relativeGap(objective: objective, bound: bound)
            }
        } else if result.status == .noSolution {
            result.bestBound = problem.reportedBound(monitor.bestBound, objective: nil)
        }
        return result
    }

    /// Solves the LP relaxation as `glp_intopt`'s presolver would (scaling, advanced basis, dual
    /// simplex), but within the time limit: with `presolve` on, GLPK 5 solves the root LP with a
    /// default `glp_smcp`, i.e. without any limit, and its branch-and-bound callback only runs
    /// afterwards (measured: 16.5 s on a 10 s limit, the V problem p=16, m=64 with 1.1 million rows).
    /// Returns the result when the solve ends here (time limit, infeasible or unbounded relaxation);
    /// `nil` when the relaxation is optimal and `glp_intopt` (presolve off) can start from its basis.
    private func solveRootLP(_ lp: OpaquePointer, _ problem: PreparedProblem, clock: SolveClock) -> MILPResult? {
        glp_scale_prob(lp, GLP_SF_AUTO)
        glp_adv_basis(lp, 0)
        var parm = glp_smcp()
        glp_init_smcp(&parm)
        parm.meth = GLP_DUALP
        parm.msg_lev = problem.options.verbose ? GLP_MSG_ALL : GLP_MSG_OFF
        parm.tm_lim = Self.milliseconds(clock.remaining(of: problem.options.timeLimit))
        let code = glp_simplex(lp, &parm)
        var result = MILPResult(status: .error, solverName: name)
        switch (code, glp_get_status(lp)) {
        case (0, GLP_OPT):
            return nil
        case (0, GLP_NOFEAS):
            result.status = .infeasible
        case (0, GLP_UNBND):
            result.status = classifyDualInfeasible(lp, remaining: clock.remaining(of: problem.options.timeLimit))
        case (GLP_ETMLIM, _):
            result.status = .noSolution
            result.message = "time limit reached in the root LP relaxation"
        case (let code, let status):
            result.message = "glp_simplex returned code \(code) with status \(status) on the root LP relaxation"
        }
        return result
    }

    private func solveLP(_ lp: OpaquePointer, _ problem: PreparedProblem, clock: SolveClock) -> MILPResult {
        var parm = glp_smcp()
        glp_init_smcp(&parm)
        parm.presolve = GLP_ON
        parm.msg_lev = problem.options.verbose ? GLP_MSG_ALL : GLP_MSG_OFF
        parm.tm_lim = Self.milliseconds(clock.remaining(of: problem.options.timeLimit))
        let code = glp_simplex(lp, &parm)

        var result = MILPResult(status: .error, solverName: name)
        let status = glp_get_status(lp)
        switch code {
        case 0 where status == GLP_OPT:
            result.status = .optimal
        case 0 where status == GLP_UNBND:
            result.status = .unbounded
        case 0 where status == GLP_NOFEAS, GLP_ENOPFS:
            result.status = .infeasible
        case GLP_ENODFS:
            result.status = classifyDualInfeasible(lp, remaining: clock.remaining(of: problem.options.timeLimit))
        case GLP_ETMLIM, GLP_EITLIM:
            result.status = glp_get_prim_stat(lp) == GLP_FEAS ? .feasible : .noSolution
            result.message = "time limit reached"
        default:
            result.message = "glp_simplex returned code \(code) with status \(status)"
        }
        if result.status.hasSolution {
            let objective = glp_get_obj_val(lp)
            result.objective = objective
            result.values = problem.cleaned((1...problem.columnCount).map { glp_get_col_prim(lp, Int32($0)) })
            if result.status == .optimal {
                result.bestBound = objective
                result.gap = 0
            }
        }
        return result
    }

    /// After "no dual feasible solution" from the presolver: re-solve the LP (relaxation)
    /// without presolve to tell an unbounded objective from an infeasible problem.
    private func classifyDualInfeasible(_ lp: OpaquePointer, remaining: Double?) -> MILPStatus {
        var parm = glp_smcp()
        glp_init_smcp(&parm)
        parm.presolve = GLP_OFF
        parm.msg_lev = GLP_MSG_OFF
        parm.tm_lim = Self.milliseconds(remaining)
        guard glp_simplex(lp, &parm) == 0 else { return .unbounded }
        return glp_get_status(lp) == GLP_NOFEAS ? .infeasible : .unbounded
    }
}

/// Per-solve state shared with GLPK's branch-and-bound callback (one thread only).
private final class GLPKSearchMonitor {
    let shouldStop: (@Sendable () -> Bool)?
    /// The time limit as an instant. GLPK checks `tm_lim` between nodes only, and one node's LP can
    /// take seconds on a large model (measured: 2–5 s on 18k rows), so the search ran past the
    /// limit. The callback stops the search when the next stretch without a callback, estimated by
    /// the longest one seen after the root LP (half the root LP before that), would end past it.
    let deadline: ContinuousClock.Instant?
    var bestBound: Double?
    var nodes = 0
    var stopRequested = false
    var deadlinePassed = false
    private var lastEvent = ContinuousClock.now
    private var rootLP: Duration?
    private var longestStretch: Duration = .zero

    init(shouldStop: (@Sendable () -> Bool)?, deadline: ContinuousClock.Instant?) {
        self.shouldStop = shouldStop
        self.deadline = deadline
    }

    /// Whether the search should stop now to end by the deadline.
    private func nearDeadline() -> Bool {
        guard let deadline else { return false }
        let now = ContinuousClock.now
        let stretch = now - lastEvent
        lastEvent = now
        if rootLP == nil { rootLP = stretch } else { longestStretch = max(longestStretch, stretch) }
        let expected = longestStretch > .zero ? longestStretch : (rootLP ?? .zero) / 2
        return now + expected >= deadline
    }

    func observe(_ tree: OpaquePointer) {
        var active: Int32 = 0, inTree: Int32 = 0, total: Int32 = 0
        glp_ios_tree_size(tree, &active, &inTree, &total)
        nodes = Int(total)
        let best = glp_ios_best_node(tree)
        if best != 0 {
            bestBound = glp_ios_node_bound(tree, best)
        }
        if !stopRequested, let shouldStop, shouldStop() {
            stopRequested = true
            glp_ios_terminate(tree)
        }
        if !stopRequested, !deadlinePassed, nearDeadline() {
            deadlinePassed = true
            glp_ios_terminate(tree)
        }
    }
}
