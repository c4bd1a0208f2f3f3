import Foundation
import PipeSched

/// The greedy engine's speed on the problems of the search issue, against Zero Bubble's schedulers
/// measured in the same run: their faithful Swift ports (`zb-greedy`: `zb.py`'s 8 flag combinations;
/// `zbv-greedy`: `zbv.py`'s sweep with its bubble-approval re-run). The CPython times of the original
/// scripts on this machine kind are quoted from the issue, for reference only (the scripts are not
/// part of the repository).
enum GreedySpeedBenchmark {
    struct Case {
        var label: String
        var problem: Problem
        /// CPython `create_schedule` time of Zero Bubble's script on this machine kind (the issue's figure).
        var cpythonMilliseconds: Double?
        var isV: Bool
    }

    static let cases: [Case] = [
        Case(label: "sequential p=8 m=32", problem: BenchProblems.make(devices: 8, microbatches: 32, heterogeneous: false, capMicrobatches: 16),
             cpythonMilliseconds: 14, isV: false),
        Case(label: "heterogeneous p=16 m=64", problem: BenchProblems.make(devices: 16, microbatches: 64, heterogeneous: true, capMicrobatches: 32),
             cpythonMilliseconds: 62, isV: false),
        Case(label: "sequential p=24 m=72", problem: BenchProblems.make(devices: 24, microbatches: 72, heterogeneous: false, capMicrobatches: 48),
             cpythonMilliseconds: 113, isV: false),
        Case(label: "V p=16 m=48", problem: BenchProblems.makeV(devices: 16, microbatches: 48, heterogeneous: false, capChunks: 32),
             cpythonMilliseconds: 83, isV: true),
        Case(label: "heterogeneous p=64 m=512", problem: BenchProblems.make(devices: 64, microbatches: 512, heterogeneous: true, capMicrobatches: 128),
             cpythonMilliseconds: nil, isV: false),
    ]

    static func table() -> String {
        let cores = GreedySearch.defaultThreads
        var lines = ["| problem | passes | one greedy pass (ms) | greedy grid, 1 thread: policies run of grid, ms | grid on \(cores) cores: wall ms | Zero Bubble port, Swift (ms) | grid / port (1 thread) | Zero Bubble, CPython (ms, issue) | grid vs CPython (1 thread; \(cores) cores) | one pass vs CPython's one pass (at most: an eighth of its whole, V a quarter) |",
                     "|---|---|---|---|---|---|---|---|---|---|"]
        for c in cases {
            let problem = c.problem
            let policies = GreedyPolicy.grid(for: problem)
            let ran = GreedySearch.best(problem, objective: .stageSpan, threads: 1)?.policiesRun ?? 0
            let runs = problem.devices * problem.microbatches <= 2048 ? 21 : 3
            let onePass = SearchBenchmark.time(runs: runs) { _ = ListScheduler(problem: problem, policy: GreedyPolicy()).schedule() }
            let grid = SearchBenchmark.time(runs: runs) { _ = GreedySearch.best(problem, objective: .stageSpan, threads: 1) }
            let wall = SearchBenchmark.wallTime(runs: runs) { _ = GreedySearch.best(problem, objective: .stageSpan) }
            let port = SearchBenchmark.time(runs: runs) { _ = c.isV ? ZBVGreedy.schedule(problem) : ZBGreedy.schedule(problem) }
            let cpython = c.cpythonMilliseconds.map { String(format: "%.0f", $0) } ?? "-"
            let versusGrid = c.cpythonMilliseconds.map { String(format: "%.0f×; %.0f×", $0 / 1000 / grid, $0 / 1000 / wall) } ?? "-"
            // zb.py runs 8 flag combinations, zbv.py 4 (each possibly again with an approved bubble),
            // besides its set-up: one of CPython's passes takes at most an eighth (a quarter) of the
            // whole, so the speed-up over it is at most this.
            let versusPass = c.cpythonMilliseconds.map { String(format: "≤ %.0f×", $0 / (c.isV ? 4 : 8) / 1000 / onePass) } ?? "-"
            lines.append("| \(c.label) | \(3 * problem.stageCount * problem.microbatches * problem.sequenceSlices) | \(String(format: "%.3f", onePass * 1000)) | \(ran) of \(policies.count), \(String(format: "%.2f", grid * 1000)) | \(String(format: "%.2f", wall * 1000)) | "
                         + "\(String(format: "%.2f", port * 1000)) | \(String(format: "%.2f×", grid / port)) | \(cpython) | \(versusGrid) | \(versusPass) |")
        }
        lines.append("")
        lines.append(String(format: "Max RSS of the run: %.0f MiB.", SearchBenchmark.maxResidentMegabytes()))
        return lines.joined(separator: "\n")
    }

    /// One grid search on `(p, m)` (sequential, heterogeneous, cap 2p; or with `v` the V placement,
    /// uniform, cap 2p chunk activations): the unit `valgrind --tool=callgrind` counts.
    static func profile(devices: Int, microbatches: Int, v: Bool, threads: Int? = nil, path: String? = nil) throws {
        let problem = try path.map { try Problem.decode(json: Data(contentsOf: URL(fileURLWithPath: $0))) }
            ?? (v ? BenchProblems.makeV(devices: devices, microbatches: microbatches, heterogeneous: false, capChunks: 2 * Double(devices))
                : BenchProblems.make(devices: devices, microbatches: microbatches, heterogeneous: true, capMicrobatches: 2 * Double(devices)))
        let best = GreedySearch.best(problem, objective: .stageSpan, threads: threads ?? GreedySearch.defaultThreads)
        let policies = GreedyPolicy.grid(for: problem).count
        print(best.map { "greedy \($0.value.readable) by \($0.policy), \($0.policiesRun) of \(policies) policies run, \($0.passesRun) passes placed" } ?? "no schedule")
    }

    /// `repeats` single passes of the list scheduler under the default policy on `(p, m)`
    /// (sequential, uniform costs, cap 2p, as the speed table's sequential rows): the unit
    /// `valgrind --tool=callgrind` counts for one pass, start-up amortized over the repeats.
    static func passProfile(devices: Int, microbatches: Int, repeats: Int) {
        let problem = BenchProblems.make(devices: devices, microbatches: microbatches, heterogeneous: false, capMicrobatches: 2 * Double(devices))
        var orders = 0
        for _ in 0..<max(1, repeats) { orders += ListScheduler(problem: problem, policy: GreedyPolicy()).schedule()?.orders.count ?? 0 }
        print("\(repeats) passes, \(orders) device orders")
    }
}
