import Foundation
import PipeSched

/// How fast a schedule is scored: the evaluation every local search move pays (`ScheduleScore`:
/// build the dependency graph, simulate, walk each device's memory).
enum ScoreProfile {
    /// Scores the greedy schedule of a V problem (`p`, `m`, uniform costs, capped at 2p chunk
    /// activations), or of the problem in the file `path`, `repeats` times and prints the time per
    /// evaluation: run under `valgrind --tool=callgrind` for instruction counts, start-up amortized
    /// over the repeats.
    static func run(devices: Int, microbatches: Int, repeats: Int, path: String?) throws {
        let problem = try path.map { try Problem.decode(json: Data(contentsOf: URL(fileURLWithPath: $0))) }
            ?? BenchProblems.makeV(devices: devices, microbatches: microbatches, heterogeneous: false, capChunks: 2 * Double(devices))
        guard let schedule = ListScheduler(problem: problem, policy: GreedyPolicy()).schedule() else {
            print("the greedy found no schedule")
            return
        }
        let clock = ContinuousClock()
        var total = 0.0
        let elapsed = clock.measure {
            for _ in 0..<max(1, repeats) { total += ScheduleScore(problem, schedule, objective: .stageSpan)?.value ?? .nan }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let perEvaluation = seconds / Double(max(1, repeats)) * 1e6
        print("\(repeats) evaluations of \(schedule.opCount) passes (value \((total / Double(max(1, repeats))).readable)): \(String(format: "%.1f", perEvaluation)) µs each")
    }
}
