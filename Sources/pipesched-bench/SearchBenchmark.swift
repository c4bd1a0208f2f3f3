import Foundation
import PipeSched

/// Quality and speed of the heuristic search against the classic schedules and Zero Bubble's greedy,
/// all measured in one run. Prints Markdown.
enum SearchBenchmark {
    static let quality: [String] = ["1f1b", "zb-h1", "zb-h2", "zb-greedy", "greedy", "auto"]

    /// `auto` without Zero Bubble's greedy among its candidates: compared with `zb-greedy`, a claim
    /// that can fail (auto with it could never lose to it).
    static let autoWithoutPeer: MethodRegistry = {
        let core = Methods.standard.methods.filter { $0.name != "auto" }
        return MethodRegistry(methods: core, autoCandidates: core.filter { $0.name != "local" && $0.name != "zb-greedy" })
    }()

    static func qualityTable(autoSeconds: Double) -> String {
        var lines = ["| profile | p | m | cap | " + quality.joined(separator: " | ")
                     + " | auto w/o zb-greedy | start-up bound | bound | greedy / zb-greedy | auto w/o zb-greedy / zb-greedy |",
                     "|" + String(repeating: "---|", count: quality.count + 9)]
        var rows = 0, greedyWins = 0, autoWins = 0, nearBound = 0, provenBefore = 0, provenAfter = 0, compared = 0
        for heterogeneous in [false, true] {
            for p in [4, 8, 16] {
                for m in [p, 2 * p, 4 * p] {
                    for capFactor in [1.0, 2.0] {
                        let problem = BenchProblems.make(devices: p, microbatches: m, heterogeneous: heterogeneous, capMicrobatches: capFactor * Double(p))
                        var cells: [String] = []
                        var values: [String: Double] = [:]
                        let options = SolveOptions(timeLimit: autoSeconds)
                        for method in quality {
                            if let solution = try? Methods.solve(problem, method: method, options: options) {
                                let metrics = solution.evaluation.metrics
                                values[method] = metrics.stageSpan
                                cells.append("\(metrics.stageSpan.readable) (\(String(format: "%.1f", metrics.bubbleRate * 100))%)")
                            } else {
                                cells.append("over cap")
                            }
                        }
                        if let solution = try? autoWithoutPeer.solve(problem, method: "auto", options: options) {
                            values["auto-peer"] = solution.evaluation.metrics.stageSpan
                            cells.append(solution.evaluation.metrics.stageSpan.readable)
                        } else {
                            cells.append("over cap")
                        }
                        let parts = LowerBound.parts(problem, objective: .stageSpan)
                        func ratio(_ method: String) -> String {
                            guard let mine = values[method], let peer = values["zb-greedy"] else { return "-" }
                            return String(format: mine > peer + 1e-9 ? "**%.3f×**" : "%.3f×", mine / peer)
                        }
                        if let peer = values["zb-greedy"] {
                            compared += 1
                            if let greedy = values["greedy"], greedy <= peer + 1e-9 { greedyWins += 1 }
                            if let auto = values["auto-peer"], auto <= peer + 1e-9 { autoWins += 1 }
                        }
                        if let auto = values["auto"] {
                            if auto <= parts.value * 1.02 { nearBound += 1 }
                            if LowerBound.isMet(by: auto, bound: parts.startup) { provenBefore += 1 }
                            if LowerBound.isMet(by: auto, bound: parts.value) { provenAfter += 1 }
                        }
                        rows += 1
                        lines.append("| \(heterogeneous ? "hetero" : "uniform") | \(p) | \(m) | \(Int(capFactor))p | " + cells.joined(separator: " | ")
                                     + " | \(parts.startup.readable) | \(parts.value.readable) | \(ratio("greedy")) | \(ratio("auto-peer")) |")
                    }
                }
            }
        }
        lines.append("")
        lines.append("Against Zero Bubble's greedy (rows where it finds a schedule: \(compared)): the project's greedy is as good or better on \(greedyWins), "
                     + "auto without zb-greedy among its candidates on \(autoWins); losses in bold. auto within 2% of the lower bound on \(nearBound) of \(rows) rows.")
        lines.append("")
        lines.append("Proven optimal (auto's value equals the bound): \(provenBefore) of \(rows) rows with the start-up bound alone (the bound reported before the "
                     + "bottleneck and memory bounds joined the core), \(provenAfter) of \(rows) with the full bound.")
        return lines.joined(separator: "\n")
    }

    /// `auto` without Zero Bubble's V greedy among its candidates, to compare with `zbv-greedy`.
    static let autoWithoutVPeer: MethodRegistry = {
        let core = Methods.standard.methods.filter { $0.name != "auto" }
        return MethodRegistry(methods: core, autoCandidates: core.filter { $0.name != "local" && $0.name != "zbv-greedy" })
    }()

    /// V placement (2 stages per device): Zero Bubble's V greedy against the project's greedy, `auto`
    /// without it, and `auto`.
    static func vTable(autoSeconds: Double) -> String {
        let methods = ["zb-v", "v-half", "zbv-greedy", "greedy", "auto"]
        var lines = ["| profile | p | m | cap | " + methods.joined(separator: " | ") + " | auto w/o zbv-greedy | bound | greedy / zbv-greedy | auto w/o zbv-greedy / zbv-greedy |",
                     "|" + String(repeating: "---|", count: methods.count + 8)]
        var compared = 0, greedyWins = 0, autoWins = 0
        for heterogeneous in [false, true] {
            for p in [4, 8, 16] {
                for m in [2 * p, 3 * p] {
                    for capFactor in [1.5, 2.0] {
                        let problem = BenchProblems.makeV(devices: p, microbatches: m, heterogeneous: heterogeneous, capChunks: capFactor * Double(p))
                        var values: [String: Double] = [:]
                        var cells: [String] = []
                        let options = SolveOptions(timeLimit: autoSeconds)
                        for method in methods {
                            let value = (try? Methods.solve(problem, method: method, options: options))?.evaluation.metrics.stageSpan
                            values[method] = value
                            cells.append(value?.readable ?? "over cap")
                        }
                        let withoutPeer = (try? autoWithoutVPeer.solve(problem, method: "auto", options: options))?.evaluation.metrics.stageSpan
                        func ratio(_ mine: Double?) -> String {
                            guard let mine, let peer = values["zbv-greedy"] else { return "-" }
                            return String(format: mine > peer + 1e-9 ? "**%.4f×**" : "%.4f×", mine / peer)
                        }
                        if let peer = values["zbv-greedy"] {
                            compared += 1
                            if let greedy = values["greedy"], greedy <= peer + 1e-9 { greedyWins += 1 }
                            if let withoutPeer, withoutPeer <= peer + 1e-9 { autoWins += 1 }
                        }
                        lines.append("| \(heterogeneous ? "hetero" : "uniform") | \(p) | \(m) | \(capFactor.readable)p | " + cells.joined(separator: " | ")
                                     + " | \(withoutPeer?.readable ?? "over cap") | \(LowerBound.value(problem, objective: .stageSpan).readable) | \(ratio(values["greedy"])) | \(ratio(withoutPeer)) |")
                    }
                }
            }
        }
        lines.append("")
        lines.append("Against Zero Bubble's V greedy (rows where it finds a schedule: \(compared)): the project's greedy is as good or better on \(greedyWins), "
                     + "auto without zbv-greedy among its candidates on \(autoWins); losses in bold. auto contains zbv-greedy, so it is never worse than it.")
        return lines.joined(separator: "\n")
    }

    /// Median CPU time (user + system of this process) of `runs` calls: steadier than wall time when
    /// other work shares the machine; the search is single-threaded, so it is also its wall time on
    /// an idle machine.
    static func time(runs: Int, _ body: () -> Void) -> Double {
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = cpuSeconds()
            body()
            samples.append(cpuSeconds() - start)
        }
        return median(samples)
    }

    /// Median wall-clock seconds of `body` over `runs` runs (for work spread over several threads,
    /// whose CPU time is the sum of theirs).
    static func wallTime(runs: Int, _ body: () -> Void) -> Double {
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            body()
            let elapsed = ContinuousClock.now - start
            samples.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        return median(samples)
    }

    /// The median of `values` (the upper one of an even count).
    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func maxResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    static func speedTable() -> String {
        var lines = ["| p | m | ops | greedy (CPU s) | auto (CPU s) | max RSS so far (MiB) |", "|---|---|---|---|---|---|"]
        var greedyTimes: [(p: Int, m: Int, seconds: Double)] = []
        for (p, m) in [(8, 32), (16, 128), (64, 512), (8, 128), (8, 512), (16, 512), (32, 512)] {
            let problem = BenchProblems.make(devices: p, microbatches: m, heterogeneous: true, capMicrobatches: 2 * Double(p))
            let runs = p * m <= 1024 ? 11 : 3
            let greedy = time(runs: runs) { _ = try? Methods.solve(problem, method: "greedy") }
            let auto = (p, m) == (8, 32) || (p, m) == (16, 128) || (p, m) == (64, 512)
                ? time(runs: runs) { _ = try? Methods.solve(problem, method: "auto", options: SolveOptions(timeLimit: 2)) } : .nan
            greedyTimes.append((p, m, greedy))
            lines.append("| \(p) | \(m) | \(3 * p * m) | \(String(format: "%.4f", greedy)) | \(auto.isNaN ? "-" : String(format: "%.3f", auto)) | \(String(format: "%.0f", maxResidentMegabytes())) |")
        }
        func exponent(_ a: (Int, Double), _ b: (Int, Double)) -> Double { log(b.1 / a.1) / log(Double(b.0) / Double(a.0)) }
        let inM = exponent((32, greedyTimes[0].seconds), (512, greedyTimes[4].seconds))
        let inP = exponent((16, greedyTimes[5].seconds), (64, greedyTimes[2].seconds))
        lines.append("")
        lines.append(String(format: "Greedy scaling: time ∝ m^%.2f at p = 8 (m 32 → 512), ∝ p^%.2f at m = 512 (p 16 → 64).", inM, inP))
        return lines.joined(separator: "\n")
    }
}
