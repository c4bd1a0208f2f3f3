import ArgumentParser
import Foundation

/// `pipesched-bench`: the project's benchmarks, printed as Markdown for docs/benchmarks.md.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipesched-bench",
        abstract: "Run PipeSched's benchmarks and print Markdown tables (build with -c release)."
    )

    @Argument(help: "Which benchmark: search-quality, search-v, search-speed, greedy-speed, greedy-profile (one grid search, for callgrind), pass-profile (one greedy pass repeated, for callgrind) or score-profile (one V schedule scored repeatedly: the cost of a local search move).")
    var name: String

    @Option(help: "Seconds for auto's search per quality row.")
    var autoSeconds: Double = 5

    @Option(help: "Devices for greedy-profile.")
    var devices: Int = 8

    @Option(help: "Microbatches for greedy-profile.")
    var microbatches: Int = 32

    @Flag(help: "greedy-profile and pass-profile on a V placement (uniform costs, capped at 2p chunk activations, as the speed table's V row).")
    var v = false

    @Option(help: "Repetitions for pass-profile and score-profile.")
    var repeats: Int = 100

    @Option(help: "Threads for greedy-profile's grid (default: every core); 1 makes its instruction count independent of how threads interleave.")
    var threads: Int?

    @Option(help: "A problem file for score-profile and greedy-profile (instead of the problem of --devices and --microbatches).")
    var problem: String?

    @Option(name: .customLong("zero-bubble-cpython"), help: "scripts/zero-bubble-cpython, for greedy-speed: times Zero Bubble's own V greedy (zbv.py) in CPython in the same run, instead of quoting the issue's figure.")
    var zeroBubbleCPython: String?

    func run() throws {
        switch name {
        case "search-quality": print(SearchBenchmark.qualityTable(autoSeconds: autoSeconds))
        case "search-speed": print(SearchBenchmark.speedTable())
        case "search-v": print(SearchBenchmark.vTable(autoSeconds: autoSeconds))
        case "greedy-speed": print(GreedySpeedBenchmark.table(zeroBubbleCPython: zeroBubbleCPython))
        case "greedy-profile": try GreedySpeedBenchmark.profile(devices: devices, microbatches: microbatches, v: v, threads: threads, path: problem)
        case "pass-profile": GreedySpeedBenchmark.passProfile(devices: devices, microbatches: microbatches, v: v, repeats: repeats)
        case "score-profile": try ScoreProfile.run(devices: devices, microbatches: microbatches, repeats: repeats, path: problem)
        default: throw ValidationError("unknown benchmark \(name); use search-quality, search-v, search-speed, greedy-speed, greedy-profile, pass-profile or score-profile")
        }
    }
}
