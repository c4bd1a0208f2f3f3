import Foundation
import PipeSched
import PipeSchedCPSAT

/// One line about a CP-SAT method on a problem: start, result, bound, gap, time, peak RSS.
enum CPSATProbe {
    static func line(_ problem: Problem, method: String, objective: Objective, workers: Int, timeLimit: Double, verbose: Bool = false) -> String {
        let settings = CPSATSettings(workers: workers, verbose: verbose)
        let options = SolveOptions(objective: objective, timeLimit: timeLimit)
        let began = Date()
        let text: String
        do {
            let output = method == "cpsat" ? try CPSATMethod(settings: settings).run(problem, options: options)
                                           : try CPSATWindowMethod(settings: settings).run(problem, options: options)
            let r = output.solver!
            let start = r.startObjective ?? 0
            let improvement = start > 0 ? (start - (r.objective ?? start)) / start : 0
            text = "\(r.status) start \(start.readable) -> \(r.objective.map(\.readable) ?? "-") (\(String(format: "%.2f%%", improvement * 100)) better) bound \(r.bestBound.map(\.readable) ?? "-") gap \(r.gap.map { String(format: "%.2f%%", $0 * 100) } ?? "-")" + (r.subproblems.map { " windows \($0)" } ?? "")
        } catch {
            text = "error: \(error)"
        }
        return "\(problem.name) \(objective.rawValue) \(method) workers \(workers) limit \(timeLimit.readable) s: \(text) | \(String(format: "%.1f", Date().timeIntervalSince(began))) s, peak RSS \(peakRSS()) MiB"
    }

    /// VmHWM of this process (Linux), in MiB.
    static func peakRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return -1 }
        return kib / 1024
    }
}
