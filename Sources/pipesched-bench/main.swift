import Foundation
import LinearProgramming
import PipeSched
import PipeSchedILP

// pipesched-bench: benchmarks of the exact methods (release build; `make bench-ilp`).
let usage = """
usage: pipesched-bench probe PROFILE P M [cap] [glpk|cbc] [SECONDS] [stageSpan|makespan]
       pipesched-bench window PROFILE P M [cap] [glpk|cbc] [SECONDS]
       pipesched-bench window-sizes PROFILE P M [cap] [glpk|cbc] [SECONDS-PER-WINDOW] [sizes=20,40,...]

"""
let arguments = Array(CommandLine.arguments.dropFirst())
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
let problem = BenchProblems.make(profile, devices: p, microbatches: m, capped: capped, cap: cap)
switch arguments[0] {
case "probe":
    print(Probe.line(problem, objective: objective, settings: ILPSettings(solver: solver), timeLimit: limit))
case "window":
    let outcome = try WindowSearch.run(problem, objective: objective, settings: ILPSettings(solver: solver), timeLimit: limit)
    let r = outcome.report
    print("\(problem.name) \(solver) \(limit)s: start \(r.startObjective!.readable) -> \(r.objective!.readable) bound \(r.bestBound!.readable) gap \(String(format: "%.2f%%", r.gap! * 100)) windows \(r.subproblems!) nodes \(r.nodes) \(String(format: "%.1f", r.seconds)) s")
case "window-sizes":
    let sizes = rest.first { $0.hasPrefix("sizes=") }.map { $0.dropFirst(6).split(separator: ",").compactMap { Int($0) } } ?? [20, 40, 60, 100, 150]
    for line in WindowProbe.lines(problem, objective: objective, solver: solver, sizes: sizes, count: 5, limit: limit) { print(line) }
default:
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}
