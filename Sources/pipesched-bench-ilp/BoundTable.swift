import Foundation
import LinearProgramming
import PipeSched
import PipeSchedILP

/// How many benchmark problems the reported bound proves optimal, before and after the bottleneck
/// and memory bounds joined the core: the exact-search table's problems plus the window-search ones,
/// each solved by the core's `auto` (no exact method) and by the ILP (CBC) for the optimum.
enum BoundTable {
    static func markdown(autoSeconds: Double, ilpSeconds: Double, log: (String) -> Void) -> String {
        var lines = ["| problem | auto | optimum (CBC) | start-up bound (before, core) | + memory bound (before, ILP) | bound now | auto proven before | auto proven now |",
                     "|---|---|---|---|---|---|---|---|"]
        var cases: [Problem] = []
        for (p, m) in [(2, 4), (4, 4), (4, 8), (4, 12), (8, 8), (8, 32), (16, 64)] {
            for profile in BenchProblems.Profile.allCases {
                for capped in [false, true] { cases.append(BenchProblems.make(profile, devices: p, microbatches: m, capped: capped)) }
            }
        }
        var provenBefore = 0, provenNow = 0, optimalKnown = 0, boundAtOptimumBefore = 0, boundAtOptimumNow = 0
        for problem in cases {
            let parts = LowerBound.parts(problem, objective: .stageSpan)
            let before = parts.startup, beforeILP = max(parts.startup, parts.memory), now = parts.value
            let auto = (try? Methods.solve(problem, method: "auto", options: SolveOptions(timeLimit: autoSeconds)))?.evaluation.metrics.stageSpan
            var optimum: Double?
            if problem.devices * problem.microbatches <= 64,
               let outcome = try? ILPSearch.solve(problem, objective: .stageSpan, settings: ILPSettings(solver: .cbc), timeLimit: ilpSeconds),
               outcome.report.status == "optimal" {
                optimum = outcome.report.objective
            }
            func closes(_ bound: Double, _ value: Double?) -> Bool { value.map { LowerBound.isMet(by: $0, bound: bound) } ?? false }
            if closes(before, auto) { provenBefore += 1 }
            if closes(now, auto) { provenNow += 1 }
            if optimum != nil {
                optimalKnown += 1
                if closes(beforeILP, optimum) { boundAtOptimumBefore += 1 }
                if closes(now, optimum) { boundAtOptimumNow += 1 }
            }
            let line = "| \(problem.name) | \(auto?.readable ?? "-") | \(optimum?.readable ?? "-") | \(before.readable) | \(beforeILP.readable) | \(now.readable) | "
                + "\(closes(before, auto) ? "yes" : "no") | \(closes(now, auto) ? "yes" : "no") |"
            log(line)
            lines.append(line)
        }
        lines.append("")
        lines.append("auto's schedule proven optimal by the bound it reports: \(provenBefore) of \(cases.count) problems with the start-up bound (before), "
                     + "\(provenNow) of \(cases.count) now. Of the \(optimalKnown) problems whose optimum CBC proved, the bound alone (no solver) equals "
                     + "the optimum on \(boundAtOptimumBefore) with the start-up and memory bounds (before) and on \(boundAtOptimumNow) now.")
        return lines.joined(separator: "\n")
    }
}
