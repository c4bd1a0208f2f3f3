import Foundation
import LinearProgramming
import PipeSched
import PipeSchedILP

/// The benchmark tables of `docs/benchmarks.md` (ILP section), as markdown.
enum Tables {
    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
    static func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }

    /// The backends available here: GLPK, CBC, and HiGHS when installed.
    static var solvers: [SolverKind] { SolverKind.allCases.filter(\.isAvailable) }

    /// Time to proven optimality of the full ILP, GLPK vs CBC (vs HiGHS), one row per problem.
    static func optimality(limit: Double, log: (String) -> Void) -> String {
        var lines = [
            "| problem | binaries | start | lower bound | " + solvers.map(\.rawValue).joined(separator: " | ") + " |",
            "|---|---|---|---|" + solvers.map { _ in "---|" }.joined(),
        ]
        // Uncapped, capped at 2p (room for p microbatches) and, from 4 microbatches a device, at p
        // (room for p/2, where the bounds stop short and the solvers have something to prove).
        for (p, m) in [(2, 4), (4, 4), (4, 8), (4, 12), (8, 8)] {
            for profile in BenchProblems.Profile.allCases {
                for cap in [nil, Double(2 * p)] + (m >= 2 * p ? [Double(p)] : []) {
                    let problem = BenchProblems.make(profile, devices: p, microbatches: m, capped: false, cap: cap)
                    var cells: [String] = []
                    var binaries = "-", start = "-"
                    for solver in solvers {
                        let began = Date()
                        let size = modelSize(problem, objective: .stageSpan)
                        binaries = size.binaries
                        do {
                            let outcome = try ILPSearch.solve(problem, objective: .stageSpan, settings: ILPSettings(solver: solver), timeLimit: limit)
                            let r = outcome.report
                            start = r.startObjective.map(\.readable) ?? "-"
                            let time = seconds(Date().timeIntervalSince(began))
                            cells.append(r.status == "optimal"
                                ? "**optimal \(r.objective!.readable)**, \(time)"
                                : "\(r.status) \(r.objective.map(\.readable) ?? "-") / \(r.bestBound.map(\.readable) ?? "-") (\(percent(r.gap))), \(time)")
                        } catch {
                            cells.append("error: \(error)")
                        }
                        log("\(problem.name) \(solver): \(cells.last!)")
                    }
                    let bound = ProblemFrame(problem, objective: .stageSpan).lowerBound.readable
                    lines.append("| \(problem.name) | \(binaries) | \(start) | \(bound) | " + cells.joined(separator: " | ") + " |")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Order variables left after time windows, for the table.
    static func modelSize(_ problem: Problem, objective: Objective) -> (binaries: String, rows: Int) {
        let frame = ProblemFrame(problem, objective: objective)
        guard let start = WarmStart.best(problem, objective: objective, localSearchSeconds: 0)?.start else { return ("-", 0) }
        var graph = frame.baseGraph
        let horizon = start.metrics.value(of: objective)
        guard let windows = TimeWindows.tighten(&graph, release: frame.release, latest: frame.latest(horizon: horizon),
                                                loads: frame.deviceLoads, tolerance: 1e-6 * horizon) else { return ("-", 0) }
        let formulation = ScheduleFormulation(problem: problem, objective: objective, graph: graph, anchors: frame.anchors,
                                              loads: frame.deviceLoads, windows: windows, horizon: horizon, lowerBound: frame.lowerBound)
        return ("\(formulation.pairs.count)", formulation.model.constraintCount)
    }

    /// Window search from the best heuristic schedule after each time limit, GLPK and CBC.
    static func windowSearch(limits: [Double], log: (String) -> Void) -> String {
        var lines = [
            "| problem | greedy | start (best heuristic) | lower bound | solver | " + limits.map { "after \(Int($0)) s" }.joined(separator: " | ") + " |",
            "|---|---|---|---|---|" + limits.map { _ in "---|" }.joined(),
        ]
        for (p, m) in [(8, 32), (16, 64)] {
            for cap in [nil, Double(p)] {
                let problem = BenchProblems.make(.hetero, devices: p, microbatches: m, capped: false, cap: cap)
                let greedy = GreedySearch.best(problem, objective: .stageSpan)?.value.readable ?? "-"
                let bound = ProblemFrame(problem, objective: .stageSpan).lowerBound.readable
                for solver in solvers {
                    var cells: [String] = []
                    var start = "-"
                    for limit in limits {
                        do {
                            let r = try WindowSearch.run(problem, objective: .stageSpan, settings: ILPSettings(solver: solver), timeLimit: limit).report
                            start = r.startObjective!.readable
                            let gain = (r.startObjective! - r.objective!) / r.startObjective!
                            cells.append("\(r.objective!.readable) (−\(percent(gain)), gap \(percent(r.gap)), \(r.subproblems ?? 0) windows)")
                        } catch {
                            cells.append("error: \(error)")
                        }
                        log("\(problem.name) \(solver) \(limit) s: \(cells.last!)")
                        if cells.last!.contains("gap 0.0%") { break }
                    }
                    while cells.count < limits.count { cells.append("(proven optimal)") }
                    lines.append("| \(problem.name) | \(greedy) | \(start) | \(bound) | \(solver) | " + cells.joined(separator: " | ") + " |")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Date, command, machine and load, for the section header.
    static func provenance(command: String) -> String {
        let date = ISO8601DateFormatter().string(from: Date())
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return "Measured \(date) with `\(command)` (release build) on this \(cores)-core machine; load average at the end: \(load) (the cores are shared with other work, so times are ±20% or worse). Solvers: \(solvers.map { $0.makeSolver().name }.joined(separator: ", ")), one thread each."
    }
}
