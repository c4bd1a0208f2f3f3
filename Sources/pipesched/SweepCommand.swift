import ArgumentParser
import Foundation
import PipeSched
import PipeSchedILP
import PipeSchedCPSAT
import PipeSchedStore
import PipeSchedSweep

/// `pipesched sweep`: run a grid of problems and methods, or merge shard outputs (docs/sweep.md).
struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Solve every point of a grid with every method and write results.csv, results.json and SVG plots.",
        discussion: """
        Runs reuse the result store: a re-run computes only new points, and an interrupted sweep \
        resumes. --shard K/N runs one deterministic share of the points (for a Slurm array, say); \
        `pipesched sweep --merge DIR... --output DIR` combines the shares' outputs.
        """
    )

    @Argument(help: "The grid file (YAML, see docs/sweep.md; - reads standard input, relative paths from the current folder); with --merge, the shard output folders.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Folder for results.csv, results.json, bubble-rate.svg and pareto.svg.")
    var output: String

    @Option(help: "Run share K of N (1 ≤ K ≤ N) of the points.")
    var shard: String?

    @Flag(help: "Merge the results of shard output folders instead of running a grid.")
    var merge = false

    @Option(help: "The result store (SQLite file; created if missing).")
    var database = "pipesched.sqlite"

    @Option(help: "Points solved at once (default: the number of cores).")
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        if merge {
            guard !inputs.isEmpty else { throw ValidationError("--merge needs the shard output folders") }
            guard shard == nil else { throw ValidationError("--shard does not go with --merge") }
        } else {
            guard inputs.count == 1 else { throw ValidationError("give exactly one grid file (or --merge with folders)") }
        }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    @OptionGroup var limits: LimitOptions

    func run() async throws {
        merge ? try mergeShards() : try await runGrid()
    }

    private func runGrid() async throws {
        let methods = MethodRegistry.withExactMethods().methods
        let grid: SweepGrid
        let share: Shard?
        do {
            if inputs[0] == Input.standardInput {
                let text = String(decoding: try Input.data(at: inputs[0]), as: UTF8.self)
                let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
                grid = try SweepGrid.parse(yaml: text, folder: folder, knownMethods: Set(methods.map(\.name)))
            } else {
                grid = try SweepGrid.load(path: inputs[0], knownMethods: Set(methods.map(\.name)))
            }
            share = try shard.map { text throws(GridError) in try Shard(parsing: text) }
        } catch {
            throw Failure("\(inputs[0]): \(error)", code: .badInput)
        }
        let store: SQLiteResultStore
        do {
            store = try SQLiteResultStore(path: database)
        } catch {
            throw Failure("cannot open the result store \(database): \(error)", code: .badInput)
        }
        let runner = SweepRunner(grid: grid, store: store, methods: methods, jobs: jobs, shard: share, limits: limits.problemLimits)
        let display = ProgressDisplay()
        let summary = try await runner.run { display.update($0) }
        try await store.close()
        let results = SweepResults(grid: grid, shard: share, rows: summary.rows)
        try write(results)
        let failed = summary.rows.filter { $0.status == .noSchedule }.count
        note("\(summary.rows.count) runs over \(runner.points.count) points: \(summary.computed) computed, \(summary.reused) from the store, "
             + "\(summary.invalid) on invalid points, \(failed) without a schedule; \(String(format: "%.1f", summary.seconds)) s; "
             + "wrote \(SweepOutput.files.joined(separator: ", ")) to \(output)")
        if summary.rows.contains(where: { $0.status == .error }) {
            throw Failure("some runs hit an internal error (status \"error\" in results.csv)", code: .internalError)
        }
    }

    private func mergeShards() throws {
        let merged: SweepResults
        do {
            let parts = try inputs.map { folder throws(GridError) in
                try SweepResults.read(URL(fileURLWithPath: folder).appendingPathComponent("results.json"))
            }
            merged = try SweepResults.merge(parts)
        } catch {
            throw Failure(error.description, code: .badInput)
        }
        try write(merged)
        note("merged \(inputs.count) outputs: \(merged.rows.count) runs; wrote \(SweepOutput.files.joined(separator: ", ")) to \(output)")
        if merged.missingRuns > 0 {
            note("warning: \(merged.missingRuns) runs of the grid are missing: were all shards given?")
        }
    }

    private func write(_ results: SweepResults) throws {
        do {
            try SweepOutput.write(results, to: URL(fileURLWithPath: output))
        } catch {
            throw Failure("cannot write to \(output): \((error as NSError).localizedDescription)", code: .badInput)
        }
    }

    private func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
