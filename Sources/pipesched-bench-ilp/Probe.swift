import Foundation
import LinearProgramming
import PipeSched
import PipeSchedILP

/// One line about the full ILP of a problem: model size, warm start, bound and how the solve ended.
enum Probe {
    static func line(_ problem: Problem, objective: Objective, settings: ILPSettings, timeLimit: Double) -> String {
        let frame = ProblemFrame(problem, objective: objective)
        let warm = WarmStart.best(problem, objective: objective, localSearchSeconds: min(1, 0.05 * timeLimit))
        let horizon = warm?.start?.metrics.value(of: objective) ?? frame.trivialHorizon
        var graph = frame.baseGraph
        var size = "no model"
        if let windows = TimeWindows.tighten(&graph, release: frame.release, latest: frame.latest(horizon: horizon), loads: frame.deviceLoads, tolerance: 1e-6 * horizon) {
            let formulation = ScheduleFormulation(problem: problem, objective: objective, graph: graph, anchors: frame.anchors, loads: frame.deviceLoads,
                                                  windows: windows, horizon: horizon, lowerBound: frame.lowerBound)
            size = "vars \(formulation.model.variableCount) binaries \(formulation.pairs.count) rows \(formulation.model.constraintCount) windowOrdered \(windows.orderedPairs)"
        }
        let began = Date()
        let text: String
        do {
            let outcome = try ILPSearch.solve(problem, objective: objective, settings: settings, timeLimit: timeLimit)
            let r = outcome.report
            text = "\(r.status) obj \(r.objective.map(\.readable) ?? "-") bound \(r.bestBound.map(\.readable) ?? "-") gap \(r.gap.map { String(format: "%.2f%%", $0 * 100) } ?? "-") nodes \(r.nodes)"
        } catch {
            text = "error: \(error)"
        }
        return "\(problem.name) \(objective.rawValue) \(settings.solver): \(size) | start \(horizon.readable) LB \(frame.lowerBound.readable) | \(text) | \(String(format: "%.2f", Date().timeIntervalSince(began))) s"
    }
}
