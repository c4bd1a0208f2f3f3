import Foundation
import LinearProgramming
import PipeSched
import PipeSchedILP

// pipesched-bench: benchmarks of the exact methods (release build; `make bench-ilp`).
let usage = """
usage: pipesched-bench probe PROFILE P M [cap] [glpk|cbc] [SECONDS] [stageSpan|makespan]
       pipesched-bench window PROFILE P M [cap] [glpk|cbc] [SECONDS]
       pipesched-bench tables [--update docs/benchmarks.md] [SECONDS]
       pipesched-bench window-sizes PROFILE P M [cap] [glpk|cbc] [SECONDS-PER-WINDOW] [sizes=20,40,...]
       pipesched-bench bounds [AUTO-SECONDS] [ILP-SECONDS]
       pipesched-bench cpsat PROFILE P M [cap|cap=X] [v] [SECONDS] [workers=N] [stageSpan|makespan]
       pipesched-bench cpsat-window PROFILE P M [cap|cap=X] [v] [SECONDS] [workers=N]

"""
let arguments = Array(CommandLine.arguments.dropFirst())
func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
if arguments.first == "tables" {
    // tables [--update docs/benchmarks.md] [optimality-limit] : both tables, as the ILP section.
    let path = arguments.firstIndex(of: "--update").map { arguments[$0 + 1] }
    let limit = arguments.dropFirst().compactMap(Double.init).first ?? 60
    let optimality = Tables.optimality(limit: limit, log: log)
    let window = Tables.windowSearch(limits: [10, 30, 60], log: log)
    let section = """
    \(Tables.provenance(command: "make bench-ilp"))

    ### Time to proven optimality (full ILP, stageSpan, limit \(Int(limit)) s per solve)

    Profiles of `shared/research/ilp-feasibility.md` §4 (uniform F=3, B=4, W=2; hetero F=3+s mod 2, B=4+2s mod 3, W=2+[s mod 3=1], last stage +2 on F and B), latency 1, memory F +2, B −1, W −1; `-capX` caps every device at X: 2p (room for p microbatches' activations) or p (room for p/2). "lower bound": the core's `LowerBound`; "binaries": order variables left after time windows; "start": the best heuristic (warm start); times include the warm start. "optimal" means proven (gap 0); otherwise status, objective / bound (gap). Where the start meets the lower bound the search stops there, proven, without a solve: every problem here uncapped or capped at 2p, and at p on p = 2. At p on p = 4 the bound stops 2–5% short of the optimum (which the start already reaches) and the solvers have to prove it.

    \(optimality)

    ### Window search (`ilp-window`) on large heterogeneous problems

    hetero profile, stageSpan. Uncapped, the best heuristic meets the lower bound: proven before any window. Capped at p (room for p/2 microbatches' activations per device), the bound is the in-flight bound (`InFlightBound`), which on this profile's p = 4 problems capped alike stops 2–5% below the optimum the solvers prove (table above), so part of each gap shown is the bound's. "lower bound": the core's `LowerBound`. Each cell: objective after the time limit (improvement over the start, gap to the lower bound, windows solved); separate runs per limit.

    \(window)
    """
    if let path { try Report.update(path, section: section) } else { print(section) }
    exit(0)
}
if arguments.first == "bounds" {
    let numbers = arguments.dropFirst().compactMap(Double.init)
    print(BoundTable.markdown(autoSeconds: numbers.first ?? 2, ilpSeconds: numbers.dropFirst().first ?? 30, log: log))
    exit(0)
}
guard arguments.count >= 4, let profile = BenchProblems.Profile(rawValue: arguments[1]),
      let p = Int(arguments[2]), let m = Int(arguments[3]) else {
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}
let rest = Array(arguments.dropFirst(4))
let capped = rest.contains("cap")
let solver = rest.compactMap { SolverKind(argument: $0) }.first ?? .cbc
let limit = rest.compactMap(Double.init).first ?? 30
let objective = rest.compactMap(Objective.init(rawValue:)).first ?? .stageSpan
let cap = rest.first { $0.hasPrefix("cap=") }.flatMap { Double($0.dropFirst(4)) }
let problem = BenchProblems.make(profile, devices: p, microbatches: m, capped: capped, cap: cap, v: rest.contains("v"))
let workers = rest.first { $0.hasPrefix("workers=") }.flatMap { Int($0.dropFirst(8)) } ?? 2
switch arguments[0] {
case "probe":
    print(Probe.line(problem, objective: objective, settings: ILPSettings(solver: solver, verbose: rest.contains("verbose")), timeLimit: limit))
case "window":
    let outcome = try WindowSearch.run(problem, objective: objective, settings: ILPSettings(solver: solver, verbose: rest.contains("verbose")), timeLimit: limit)
    let r = outcome.report
    print("\(problem.name) \(solver) \(limit)s: start \(r.startObjective!.readable) -> \(r.objective!.readable) bound \(r.bestBound!.readable) gap \(String(format: "%.2f%%", r.gap! * 100)) windows \(r.subproblems!) nodes \(r.nodes) \(String(format: "%.1f", r.seconds)) s")
case "window-sizes":
    let sizes = rest.first { $0.hasPrefix("sizes=") }.map { $0.dropFirst(6).split(separator: ",").compactMap { Int($0) } } ?? [20, 40, 60, 100, 150]
    for line in WindowProbe.lines(problem, objective: objective, solver: solver, sizes: sizes, count: 5, limit: limit) { print(line) }
case "cpsat", "cpsat-window":
    print(CPSATProbe.line(problem, method: arguments[0], objective: objective, workers: workers, timeLimit: limit, verbose: rest.contains("verbose")))
default:
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}
