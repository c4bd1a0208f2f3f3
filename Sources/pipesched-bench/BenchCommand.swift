import ArgumentParser
import Foundation

/// `pipesched-bench`: the project's benchmarks, printed as Markdown for docs/benchmarks.md.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipesched-bench",
        abstract: "Run PipeSched's benchmarks and print Markdown tables (build with -c release)."
    )

    @Argument(help: "Which benchmark: search-quality, search-v or search-speed.")
    var name: String

    @Option(help: "Seconds for auto's search per quality row.")
    var autoSeconds: Double = 5

    func run() throws {
        switch name {
        case "search-quality": print(SearchBenchmark.qualityTable(autoSeconds: autoSeconds))
        case "search-speed": print(SearchBenchmark.speedTable())
        case "search-v": print(SearchBenchmark.vTable(autoSeconds: autoSeconds))
        default: throw ValidationError("unknown benchmark \(name); use search-quality, search-v or search-speed")
        }
    }
}
