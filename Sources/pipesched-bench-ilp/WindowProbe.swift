import Foundation
import LinearProgramming
import PipeSched
import PipeSchedILP

/// Measures single window sub-problems from the best heuristic schedule: for each window size,
/// `count` windows spread evenly over the schedule, each solved once with `limit` seconds.
enum WindowProbe {
    static func lines(_ problem: Problem, objective: Objective, solver: SolverKind, sizes: [Int], count: Int, limit: Double) -> [String] {
        guard let start = WarmStart.best(problem, objective: objective, localSearchSeconds: 1)?.start else { return ["no warm start"] }
        let frame = ProblemFrame(problem, objective: objective)
        let builder = SubproblemBuilder(frame: frame)
        let incumbent = Incumbent(problem, start, objective: objective)
        let backend = solver.makeSolver()
        var lines: [String] = []
        for size in sizes {
            var times: [Double] = [], binaries: [Int] = [], optimal = 0, improved = 0
            for k in 0..<count {
                let position = (frame.table.count - size) * k / max(1, count - 1)
                let blocks = incumbent.blocks(from: position, passes: size)
                let began = Date()
                guard let formulation = builder.formulation(orders: incumbent.orders, blocks: blocks, horizon: incumbent.value,
                                                            lowerBound: frame.lowerBound, tieBreak: true) else { continue }
                let start = formulation.values(for: incumbent.timeline)
                guard let result = try? backend.solve(formulation.model, options: MILPOptions(timeLimit: limit, relativeGap: 1e-9, start: start, preprocess: false)) else { continue }
                times.append(Date().timeIntervalSince(began))
                binaries.append(formulation.pairs.count)
                if result.status == .optimal { optimal += 1 }
                if result.hasSolution, incumbent.improved(by: formulation.schedule(from: result.values), problem: problem, objective: objective) != nil {
                    improved += 1
                }
            }
            let mean = times.reduce(0, +) / Double(max(1, times.count))
            lines.append("| \(problem.name) | \(solver) | \(size) | \(binaries.reduce(0, +) / max(1, binaries.count)) | \(String(format: "%.2f", mean)) | \(String(format: "%.2f", times.max() ?? 0)) | \(optimal)/\(times.count) | \(improved) |")
        }
        return lines
    }
}
