import CLITestSupport
import Foundation
import PostgresTestSupport
import Testing

/// Issue 16: a sweep sharded over two processes (as two Slurm array tasks and two Kubernetes
/// Indexed Job pods would run it) writes into one PostgreSQL database, and `--merge` reads the
/// full grid back from it.
@Suite(.enabled(if: ScratchPostgres.enabled, "needs PIPESCHED_TEST_POSTGRES_URL (make test starts PostgreSQL)"))
struct ShardedPostgresSweepTests {
    /// Starts `pipesched` with extra environment variables; returns it running with its standard error collected.
    func start(_ arguments: [String], environment: [String: String], in folder: URL) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var inherited = ProcessInfo.processInfo.environment
        for name in ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "JOB_COMPLETION_INDEX"] { inherited[name] = nil }
        process.environment = inherited.merging(environment) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return (process, errors)
    }

    func finish(_ started: (Process, Pipe)) -> (status: Int32, errors: String) {
        let text = String(decoding: started.1.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        started.0.waitUntilExit()
        return (started.0.terminationStatus, text)
    }

    @Test func twoShardProcessesWriteOneStoreThatMergesToTheFullGrid() async throws {
        let url = try await ScratchPostgres.makeDatabase()
        let folder = try SweepFixtures.folder()
        // Shard 1 as Slurm task 0 of --array=0-1, shard 2 as Kubernetes pod index 1 of 2: at the same time.
        let slurm = try start(["sweep", "grid.yaml", "--shard", "auto", "--database", url, "--output", "one", "--jobs", "1"],
                              environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_ARRAY_TASK_MIN": "0"], in: folder)
        let kubernetes = try start(["sweep", "grid.yaml", "--shard", "auto/2", "--database", url, "--output", "two", "--jobs", "1"],
                                   environment: ["JOB_COMPLETION_INDEX": "1"], in: folder)
        let (first, second) = (finish(slurm), finish(kubernetes))
        #expect(first.status == 0, "\(first.errors)")
        #expect(second.status == 0, "\(second.errors)")
        #expect(first.errors.contains("12 computed"), "\(first.errors)")
        #expect(second.errors.contains("12 computed"), "\(second.errors)")

        let merged = finish(try start(["sweep", "grid.yaml", "--merge", "--database", url, "--output", "merged"], environment: [:], in: folder))
        #expect(merged.status == 0, "\(merged.errors)")
        #expect(merged.errors.contains("read 24 runs of 8 points"), "\(merged.errors)")
        #expect(!merged.errors.contains("not in the store"), "\(merged.errors)")
        // The same rows as one process computing the whole grid.
        let whole = finish(try start(["sweep", "grid.yaml", "--output", "whole", "--database", "whole.sqlite"], environment: [:], in: folder))
        #expect(whole.status == 0, "\(whole.errors)")
        let lines = { (name: String) throws -> [[Substring]] in
            try String(contentsOf: folder.appendingPathComponent(name).appendingPathComponent("results.csv"), encoding: .utf8)
                .split(separator: "\n").map { Array($0.split(separator: ",").prefix(9)) }
        }
        #expect(try lines("merged") == lines("whole"))
    }

    @Test func aMergeBeforeEveryShardFinishedNamesTheMissingRuns() async throws {
        let url = try await ScratchPostgres.makeDatabase()
        let folder = try SweepFixtures.folder()
        let one = finish(try start(["sweep", "grid.yaml", "--shard", "1/2", "--database", url, "--output", "one"], environment: [:], in: folder))
        #expect(one.status == 0, "\(one.errors)")
        let merged = finish(try start(["sweep", "grid.yaml", "--merge", "--database", url, "--output", "merged"], environment: [:], in: folder))
        #expect(merged.errors.contains("12 runs of the grid are not in the store"), "\(merged.errors)")
    }
}
