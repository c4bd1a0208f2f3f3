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
        resumes. --shard K/N runs one deterministic share of the points; --shard auto takes the share \
        from a Slurm array task (auto/N: from a Kubernetes Indexed Job of N completions). \
        `pipesched sweep --merge DIR... --output DIR` combines the shares' outputs; \
        `pipesched sweep GRID --merge --database URL --output DIR` reads the whole grid from a store \
        the shards shared (docs/sweep.md).
        """
    )

    @Argument(help: "The grid file (YAML, see docs/sweep.md; - reads standard input, relative paths from the current folder); with --merge, the shard output folders, or the grid file to read from the store.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Folder for results.csv, results.json, bubble-rate.svg and pareto.svg.")
    var output: String

    @Option(help: "Run share K of N (1 ≤ K ≤ N) of the points; auto: the Slurm array task's share; auto/N: the Kubernetes Indexed Job's (JOB_COMPLETION_INDEX of N).")
    var shard: String?

    @Flag(help: "Merge the results of shard output folders, or of a grid file from the store, instead of running a grid.")
    var merge = false

    @OptionGroup var store: StoreOption

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
        if merge {
            if inputs.count == 1, !Self.isFolder(inputs[0]) { try await mergeFromStore() } else { try mergeShards() }
        } else {
            try await runGrid()
        }
    }

    private static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    private func loadGrid(methods: [any SchedulingMethod]) throws -> SweepGrid {
        do {
            if inputs[0] == Input.standardInput {
                let text = String(decoding: try Input.data(at: inputs[0]), as: UTF8.self)
                let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
                return try SweepGrid.parse(yaml: text, folder: folder, knownMethods: Set(methods.map(\.name)))
            }
            return try SweepGrid.load(path: inputs[0], knownMethods: Set(methods.map(\.name)))
        } catch {
            throw Failure("\(inputs[0]): \(error)", code: .badInput)
        }
    }

    /// `--merge GRID`: every run of the grid that the store holds (the shards wrote into it), none solved.
    private func mergeFromStore() async throws {
        let methods = MethodRegistry.withExactMethods().methods
        let grid = try loadGrid(methods: methods)
        let store = try await self.store.open()
        let runner = SweepRunner(grid: grid, store: store, methods: methods, jobs: jobs, limits: limits.problemLimits, solvesMissing: false)
        let summary = try await runner.run()
        try await store.close()
        let results = SweepResults(grid: grid, shard: nil, rows: summary.rows)
        try write(results)
        note("read \(summary.rows.count) runs of \(runner.points.count) points from \(self.store.shown); "
             + "wrote \(SweepOutput.files.joined(separator: ", ")) to \(output)")
        if summary.missing > 0 {
            note("warning: \(summary.missing) runs of the grid are not in the store: have all shards finished?")
        }
    }

    private func runGrid() async throws {
        let methods = MethodRegistry.withExactMethods().methods
        let grid = try loadGrid(methods: methods)
        let share: Shard?
        do {
            share = try shard.map { text throws(GridError) in try Shard(option: text, environment: ProcessInfo.processInfo.environment) }
        } catch {
            throw Failure(error.description, code: .badInput)
        }
        let store = try await self.store.open()
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
