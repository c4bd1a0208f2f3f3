import PipeSched

/// How much memory an exact method's model would need, estimated from the problem's size before
/// anything is built, and the refusal when that exceeds the budget (2 GiB per solve by default).
///
/// The estimates count what grows with the problem (per-pass tables, the reachability closure of
/// the ILP's ordering graph between passes of one device, the ILP's pair variables, CP-SAT's copies
/// of the model), with per-item costs measured on this code (docs/benchmarks.md, "Memory of the
/// exact methods"); they aim to err high. A refused method throws `SolveError.tooLarge`, which the CLI reports with exit
/// code 2, the server with HTTP 422, and `solve --all` as the reason the candidate was skipped.
public struct ExactSizeGuard: Sendable {
    /// What is built.
    public enum Model: Sendable {
        /// The full MILP (`ilp`): closure, every pair of passes on a device.
        case ilp
        /// The window search on the MILP (`ilp-window`): the whole problem's closure, small sub-problems.
        case ilpWindow
        /// CP-SAT on the whole problem (`cpsat`), `workers` threads.
        case cpsat(workers: Int)
        /// CP-SAT on windows of at most `passes` passes (`cpsat-window`), `workers` threads.
        case cpsatWindow(passes: Int, workers: Int)
    }

    /// Bytes a solve may use.
    public var budget: Double

    public static let defaultBudget = 2.0 * 1024 * 1024 * 1024

    public init(budget: Double = ExactSizeGuard.defaultBudget) { self.budget = budget }

    /// Bytes of the process without any model (runtime, libraries, the heuristic warm start's tables).
    static let baseline = 150.0 * 1024 * 1024
    /// Bytes per pass of the heuristic warm start and the simulations around the model.
    static let perPass = 4096.0
    /// Bytes per pair of passes on one device in the MILP (a binary, two rows, solver copies).
    static let perILPPair = 600.0
    /// Bytes of OR-Tools once loaded and solving, per pass of a CP-SAT model (interval,
    /// precedences, reservoir events, presolve copies), and per pass again for each worker's copy.
    /// Measured peak RSS with 2 workers (`pipesched-bench-ilp cpsat`): 214 MiB at 384 passes,
    /// 282 MiB at 576, 1,049 MiB at 6,144, i.e. about 100 MiB plus 140 KiB per pass. These hold
    /// with the device reservoirs unexpanded (`CPSATSearch`; 988 MiB at 6,144 passes): expanded,
    /// presolve's literal per pair of a device's passes took the V problem p=16, m=64 to 2,085 MiB.
    static let cpBaseline = 100.0 * 1024 * 1024
    static let perCPPass = 60.0 * 1024
    static let perCPWorkerPass = 40.0 * 1024

    /// Passes per (stage, microbatch, slice) cell in `model`: F, B and W, plus the optional passes a
    /// model that chooses per cell adds (the MILP's `R`; CP-SAT's `R`, `O` and `L`), counted for every
    /// cell so as to err high.
    static func passesPerCell(_ problem: Problem, model: Model) -> Int {
        switch model {
        case .ilp: problem.memoryActionsCanLowerPeak ? 4 : 3
        case .cpsat: problem.memoryActionsCanLowerPeak || problem.fusedBackwardCanLowerPeak ? 6 : 3
        case .ilpWindow, .cpsatWindow: 3
        }
    }

    /// Estimated bytes of `model` for `problem`.
    public static func estimate(_ problem: Problem, model: Model) -> Double {
        let cell = passesPerCell(problem, model: model)
        let passes = Double(cell * problem.stageCount * problem.microbatches * problem.sequenceSlices)
        let perDevice = problem.deviceStages.map { Double(cell * $0.count * problem.microbatches * problem.sequenceSlices) }
        // The MILP's recomputation binaries add a linearised product per pair in the memory rows.
        let pairCost = perILPPair * (cell > 3 ? 2 : 1)
        let common = baseline + perPass * passes
        // The ILP's ordering graph keeps, per pass, a bit per pass of its own device (a row of
        // 64-bit words, with an array's header), and builds them in a buffer of a row per pass
        // (OrderingGraph.close).
        let words = perDevice.map { ($0 / 64).rounded(.up) }
        let closure = zip(perDevice, words).reduce(0) { $0 + $1.0 * (8 * $1.1 + 32) } + passes * 8 * (words.max() ?? 0)
        switch model {
        case .ilp:
            return common + closure + pairCost * perDevice.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
        case .ilpWindow:
            return common + closure
        case .cpsat(let workers):
            return common + cpBaseline + passes * (perCPPass + perCPWorkerPass * Double(max(1, workers)))
        case .cpsatWindow(let window, let workers):
            return common + cpBaseline + min(passes, Double(window)) * (perCPPass + perCPWorkerPass * Double(max(1, workers)))
        }
    }

    /// Throws `SolveError.tooLarge` when `model` would need more than the budget.
    /// Also refuses problems with memory actions the model does not cover (`MemoryActionsRefusal`):
    /// the whole-problem CP-SAT model chooses them all (`ActionModel`), the MILP recomputation.
    public func check(_ problem: Problem, model: Model, method: String) throws(SolveError) {
        switch model {
        case .cpsat: break
        case .ilp: try MemoryActionsRefusal.check(problem, method: method, choosesRecomputation: true)
        case .ilpWindow, .cpsatWindow: try MemoryActionsRefusal.check(problem, method: method)
        }
        let bytes = Self.estimate(problem, model: model)
        guard bytes > budget else { return }
        let cell = Self.passesPerCell(problem, model: model)
        let passes = cell * problem.stageCount * problem.microbatches * problem.sequenceSlices
        throw .tooLarge(method: method,
                        reason: "its model for \(passes) passes (stages × microbatches × slices × \(cell)) would need about \(gib(bytes)) GiB, beyond the \(gib(budget)) GiB an exact solve may use",
                        fix: fix(for: model) + ", or raise --max-exact-memory where the machine has the memory")
    }

    private func fix(for model: Model) -> String {
        switch model {
        case .ilp: return "use cpsat or the window searches (cpsat-window, ilp-window) for problems this size, or fewer microbatches"
        case .ilpWindow: return "use cpsat-window, or fewer microbatches"
        case .cpsat: return "use cpsat-window or fewer microbatches (or --workers 1)"
        case .cpsatWindow: return "use fewer --workers, a heuristic (auto) or fewer microbatches"
        }
    }

    private func gib(_ bytes: Double) -> String {
        let value = bytes / (1024 * 1024 * 1024)
        return value >= 10 ? String(Int(value.rounded())) : String((value * 10).rounded() / 10)
    }
}
