import Foundation
import PipeSched

/// The greedy engine's speed on the problems of the search issue, against Zero Bubble's schedulers
/// measured in the same run: their faithful Swift ports (`zb-greedy`: `zb.py`'s 8 flag combinations;
/// `zbv-greedy`: `zbv.py`'s sweep with its bubble-approval re-run) and, on the V problem, zbv.py
/// itself in CPython (`ZeroBubbleCPython`, the copy ColossalAI ships on PyPI). `zb.py` ships in no
/// package we found: the CPython times of the sequential rows are quoted from the issue, for
/// reference only.
enum GreedySpeedBenchmark {
    struct Case {
        var label: String
        var problem: Problem
        /// CPython `create_schedule` time of Zero Bubble's script on this machine kind (the issue's
        /// figure), where the run does not measure it (`ZeroBubbleCPython`).
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

    /// Rounds that alternate the V row's own measurements with zbv.py's in CPython: this machine's
    /// speed drifts by a fifth within minutes, and alternating moves both sides alike. Each time is
    /// the median over the rounds, each ratio the median of the rounds' own ratios.
    static let cpythonRounds = 5

    /// One case's times in seconds, medians of `runs` runs each: one pass of the default policy,
    /// the grid on one thread (CPU time) and on every core (wall time), and the Zero Bubble port.
    struct Times {
        var onePass: Double, grid: Double, wall: Double, port: Double

        init(_ c: Case, runs: Int) {
            let problem = c.problem
            onePass = SearchBenchmark.time(runs: runs) { _ = ListScheduler(problem: problem, policy: GreedyPolicy()).schedule() }
            grid = SearchBenchmark.time(runs: runs) { _ = GreedySearch.best(problem, objective: .stageSpan, threads: 1) }
            wall = SearchBenchmark.wallTime(runs: runs) { _ = GreedySearch.best(problem, objective: .stageSpan) }
            port = SearchBenchmark.time(runs: runs) { _ = c.isV ? ZBVGreedy.schedule(problem) : ZBGreedy.schedule(problem) }
        }

        init(medianOf rounds: [Times]) {
            onePass = SearchBenchmark.median(rounds.map(\.onePass))
            grid = SearchBenchmark.median(rounds.map(\.grid))
            wall = SearchBenchmark.median(rounds.map(\.wall))
            port = SearchBenchmark.median(rounds.map(\.port))
        }
    }

    /// CPython's side of a row, in milliseconds: its whole search, one of its passes, and the
    /// speed-ups over it of our grid (one thread; every core) and our one pass.
    struct CPythonSide {
        var search: Double, pass: Double
        var label: String
        var gridSpeedUp: Double, wallSpeedUp: Double, passSpeedUp: Double
        /// "≤ " where the pass speed-up is an upper bound (the issue's figure), else "".
        var passBound: String
    }

    /// The table; with `zeroBubbleCPython` (the path of `scripts/zero-bubble-cpython`) zbv.py's
    /// CPython times on the V row are measured in this run (`cpythonRounds` rounds) instead of quoted.
    static func table(zeroBubbleCPython script: String? = nil) -> String {
        let cores = GreedySearch.defaultThreads
        var lines = ["| problem | passes | one greedy pass (ms) | greedy grid, 1 thread: policies run of grid, ms | grid on \(cores) cores: wall ms | Zero Bubble port, Swift (ms) | grid / port (1 thread) | Zero Bubble, CPython (ms) | grid vs CPython (1 thread; \(cores) cores) | one pass vs CPython's one pass |",
                     "|---|---|---|---|---|---|---|---|---|---|"]
        var notes: [String] = []
        for c in cases {
            let problem = c.problem
            let policies = GreedyPolicy.grid(for: problem)
            let best = GreedySearch.best(problem, objective: .stageSpan, threads: 1)
            let ran = best?.policiesRun ?? 0
            let runs = problem.devices * problem.microbatches <= 2048 ? 21 : 3
            var times: Times?
            var cpython: CPythonSide?
            if c.isV, let script {
                switch measureAgainstCPython(c, script: script, runs: runs, gridValue: best?.value) {
                case .success(let (ours, theirs, note)):
                    times = ours
                    cpython = theirs
                    notes.append(note)
                case .failure(let failure):
                    notes.append("\(c.label): zbv.py not measured (\(failure)), so the issue's figure stands.")
                }
            }
            let t = times ?? Times(c, runs: runs)
            // The issue's figure: one of CPython's passes takes at most an eighth of the whole (zb.py
            // runs 8 flag combinations besides its set-up; zbv.py 4, each possibly again with an
            // approved bubble: a quarter), so the speed-up over it is at most the ratio shown.
            cpython = cpython ?? c.cpythonMilliseconds.map { whole in
                let pass = whole / (c.isV ? 4 : 8)
                return CPythonSide(search: whole, pass: pass, label: String(format: "%.0f (issue)", whole), gridSpeedUp: whole / 1000 / t.grid,
                                   wallSpeedUp: whole / 1000 / t.wall, passSpeedUp: pass / 1000 / t.onePass, passBound: "≤ ")
            }
            let versusGrid = cpython.map { String(format: "%.0f×; %.0f×", $0.gridSpeedUp, $0.wallSpeedUp) } ?? "-"
            let versusPass = cpython.map { $0.passBound + String(format: "%.0f×", $0.passSpeedUp) } ?? "-"
            lines.append("| \(c.label) | \(3 * problem.stageCount * problem.microbatches * problem.sequenceSlices) | \(String(format: "%.3f", t.onePass * 1000)) | \(ran) of \(policies.count), \(String(format: "%.2f", t.grid * 1000)) | \(String(format: "%.2f", t.wall * 1000)) | "
                         + "\(String(format: "%.2f", t.port * 1000)) | \(String(format: "%.2f×", t.grid / t.port)) | \(cpython?.label ?? "-") | \(versusGrid) | \(versusPass) |")
        }
        lines.append("")
        lines += notes.map { $0 + "\n" }
        lines.append(String(format: "Max RSS of the run: %.0f MiB.", SearchBenchmark.maxResidentMegabytes()))
        return lines.joined(separator: "\n")
    }

    /// The V row's times and zbv.py's in CPython, alternating over `cpythonRounds` rounds (each of
    /// our times a median of `runs` runs, after an untimed grid search; CPython's of 5 searches and 11
    /// passes), with the note under the table, which gives the greedy grid's value (`gridValue`)
    /// beside zbv.py's: the speed-ups compare searches that need not find the same schedule. A
    /// failure where the script fails or zbv.py's stage span is not the port's (then the two did not
    /// solve the same problem).
    static func measureAgainstCPython(_ c: Case, script: String, runs: Int,
                                      gridValue: Double?) -> Result<(Times, CPythonSide, String), ZeroBubbleCPython.Failure> {
        guard let portValue = ZBVGreedy.schedule(c.problem).flatMap({ ScheduleScore(c.problem, $0, objective: .stageSpan)?.value }) else {
            return .failure(ZeroBubbleCPython.Failure("the Swift port yields no schedule here"))
        }
        var ours: [Times] = [], theirs: [ZeroBubbleCPython] = []
        for _ in 0..<cpythonRounds {
            // Untimed, after CPython's process has had the caches: each round starts warm, as one
            // row of its own does after its first runs.
            _ = GreedySearch.best(c.problem, objective: .stageSpan, threads: 1)
            ours.append(Times(c, runs: runs))
            switch ZeroBubbleCPython.measure(c.problem, script: script, repeats: 5) {
            case .success(let measured): theirs.append(measured)
            case .failure(let failure): return .failure(failure)
            }
            // The same stage span up to the rounding of sums of durations (relative 1e-9): else zbv.py's
            // one number per pass kind does not state the problem exactly, or the port is not faithful.
            guard abs(theirs.last!.value - portValue) <= 1e-9 * max(1, abs(portValue)) else {
                return .failure(ZeroBubbleCPython.Failure("it found \(theirs.last!.value.readable) where the Swift port found "
                                                          + "\(portValue.readable): not the same problem or not the same algorithm"))
            }
        }
        let rounds = zip(ours, theirs)
        let grid = rounds.map { $1.searchMilliseconds / 1000 / $0.grid }
        let wall = rounds.map { $1.searchMilliseconds / 1000 / $0.wall }
        let pass = rounds.map { $1.passMilliseconds / 1000 / $0.onePass }
        // The port runs zbv.py's own algorithm: its speed-up is the translation's alone.
        let port = rounds.map { $1.searchMilliseconds / 1000 / $0.port }
        let search = SearchBenchmark.median(theirs.map(\.searchMilliseconds)), onePass = SearchBenchmark.median(theirs.map(\.passMilliseconds))
        let side = CPythonSide(search: search, pass: onePass, label: String(format: "%.1f (this run)", search), gridSpeedUp: SearchBenchmark.median(grid),
                               wallSpeedUp: SearchBenchmark.median(wall), passSpeedUp: SearchBenchmark.median(pass), passBound: "")
        func range(_ values: [Double]) -> String { String(format: "%.1f–%.1f×", values.min()!, values.max()!) }
        let note = "\(c.label): zbv.py in \(theirs[0].python) (\(theirs[0].source), by `scripts/zero-bubble-cpython`) found "
            + "\(theirs[0].value.readable), as the Swift port did (the greedy grid: \(gridValue?.readable ?? "nothing")). Over \(cpythonRounds) rounds alternating with ours, its search took "
            + String(format: "%.1f–%.1f ms and one of its passes %.2f–%.2f ms", theirs.map(\.searchMilliseconds).min()!, theirs.map(\.searchMilliseconds).max()!,
                     theirs.map(\.passMilliseconds).min()!, theirs.map(\.passMilliseconds).max()!)
            + "; the rounds' speed-ups: grid \(range(grid)) on one thread and \(range(wall)) on \(GreedySearch.defaultThreads) cores, one pass \(range(pass)). "
            + "The table gives the medians. The Swift port, the same algorithm as zbv.py, ran its search \(range(port)) faster than CPython (median "
            + String(format: "%.1f×).", SearchBenchmark.median(port))
        return .success((Times(medianOf: ours), side, note))
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
    /// (sequential, uniform costs, cap 2p, as the speed table's sequential rows; with `v` the V
    /// placement, capped at 2p chunk activations, as its V row): the unit
    /// `valgrind --tool=callgrind` counts for one pass, start-up amortized over the repeats.
    static func passProfile(devices: Int, microbatches: Int, v: Bool, repeats: Int) {
        let problem = v ? BenchProblems.makeV(devices: devices, microbatches: microbatches, heterogeneous: false, capChunks: 2 * Double(devices))
            : BenchProblems.make(devices: devices, microbatches: microbatches, heterogeneous: false, capMicrobatches: 2 * Double(devices))
        var orders = 0
        for _ in 0..<max(1, repeats) { orders += ListScheduler(problem: problem, policy: GreedyPolicy()).schedule()?.orders.count ?? 0 }
        print("\(repeats) passes, \(orders) device orders")
    }
}
