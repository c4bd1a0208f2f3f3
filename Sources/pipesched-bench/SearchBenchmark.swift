import Foundation
import PipeSched

/// Quality and speed of the heuristic search against the classic schedules and Zero Bubble's greedy,
/// all measured in one run. Prints Markdown.
enum SearchBenchmark {
    static let quality: [String] = ["1f1b", "zb-h1", "zb-h2", "zb-greedy", "greedy", "auto"]

    static func qualityTable(autoSeconds: Double) -> String {
        var lines = ["| profile | p | m | cap | " + quality.joined(separator: " | ") + " | lower bound | auto vs zb-greedy |",
                     "|" + String(repeating: "---|", count: quality.count + 6)]
        var autoWins = 0, rows = 0, nearBound = 0
        for heterogeneous in [false, true] {
            for p in [4, 8, 16] {
                for m in [p, 2 * p, 4 * p] {
                    for capFactor in [1.0, 2.0] {
                        let problem = BenchProblems.make(devices: p, microbatches: m, heterogeneous: heterogeneous, capMicrobatches: capFactor * Double(p))
                        var cells: [String] = []
                        var values: [String: Double] = [:]
                        for method in quality {
                            let options = SolveOptions(timeLimit: autoSeconds)
                            if let solution = try? Methods.solve(problem, method: method, options: options) {
                                let metrics = solution.evaluation.metrics
                                values[method] = metrics.stageSpan
                                cells.append("\(metrics.stageSpan.readable) (\(String(format: "%.1f", metrics.bubbleRate * 100))%)")
                            } else {
                                cells.append("over cap")
                            }
                        }
                        let bound = LowerBound.value(problem, objective: .stageSpan)
                        let verdict: String
                        if let auto = values["auto"], let zb = values["zb-greedy"] {
                            verdict = auto <= zb + 1e-9 ? String(format: "%.3f×", auto / zb) : "WORSE \(String(format: "%.3f×", auto / zb))"
                            if auto <= zb + 1e-9 { autoWins += 1 }
                        } else if values["auto"] != nil {
                            verdict = "zb-greedy fails"
                            autoWins += 1
                        } else {
                            verdict = "-"
                        }
                        if let auto = values["auto"], auto <= bound * 1.02 { nearBound += 1 }
                        rows += 1
                        lines.append("| \(heterogeneous ? "hetero" : "uniform") | \(p) | \(m) | \(Int(capFactor))p | " + cells.joined(separator: " | ") + " | \(bound.readable) | \(verdict) |")
                    }
                }
            }
        }
        lines.append("")
        lines.append("auto ≤ zb-greedy on \(autoWins) of \(rows) rows; auto within 2% of the lower bound on \(nearBound) of \(rows) rows.")
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
        return samples.sorted()[samples.count / 2]
    }

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
