import Foundation
import PipeSched

/// The one line `solve` prints on standard error on success: method, objective, bubble, bound and
/// gap, peak memory against the cap, and where the schedule went.
enum SolveSummary {
    static func line(_ document: ScheduleDocument, problem: Problem, written path: String?) -> String {
        let m = document.metrics
        let value = m.value(of: document.objective)
        var parts = ["\(document.method): \(document.objective.rawValue) \(value.readable)",
                     "bubble \(String(format: "%.2f", m.bubbleRate * 100))%",
                     "lower bound \(m.lowerBound.readable) (gap \(String(format: "%.2f", m.gap * 100))%)"]
        let peak = m.peakMemory.max() ?? 0
        let cap = problem.memoryLimit.map { " of \(($0.min() ?? 0).readable)" } ?? ""
        parts.append("peak memory \(peak.readable)\(cap)")
        return (path.map { "wrote \($0): " } ?? "") + parts.joined(separator: ", ")
    }
}

/// Prints each better schedule a searching method finds, with the time since the start.
final class SolveProgress: Sendable {
    let objective: Objective
    let start = Date()

    init(objective: Objective) { self.objective = objective }

    @Sendable func report(_ value: Double) {
        let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
        FileHandle.standardError.write(Data("  \(seconds) s: best \(objective.rawValue) so far \(value.readable)\n".utf8))
    }
}
