import CLITestSupport
import Foundation
import Testing

/// `pipesched sweep` end to end: a run, a re-run from the store, shards and --merge.
@Suite struct SweepCommandTests {
    func pipesched(_ arguments: [String], in folder: URL) throws -> (status: Int32, errors: String) {
        let result = try CLIRunner.run(arguments, in: folder)
        return (result.status, result.stderr)
    }

    func csvLines(_ folder: URL) throws -> [Substring] {
        try String(contentsOf: folder.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
    }

    @Test func runRerunShardsAndMerge() throws {
        let folder = try SweepFixtures.folder()
        let first = try pipesched(["sweep", "grid.yaml", "--output", "whole"], in: folder)
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.errors.contains("24 computed, 0 from the store"), "\(first.errors)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("pipesched.sqlite").path))
        let again = try pipesched(["sweep", "grid.yaml", "--output", "again"], in: folder)
        #expect(again.errors.contains("0 computed, 24 from the store"), "\(again.errors)")

        for index in 1...2 {
            let shard = try pipesched(["sweep", "grid.yaml", "--output", "shard\(index)", "--shard", "\(index)/2", "--database", "shard\(index).sqlite"], in: folder)
            #expect(shard.status == 0, "\(shard.errors)")
            #expect(try csvLines(folder.appendingPathComponent("shard\(index)")).count == 1 + 12)
        }
        let merged = try pipesched(["sweep", "--merge", "shard1", "shard2", "--output", "merged"], in: folder)
        #expect(merged.status == 0, "\(merged.errors)")
        #expect(!merged.errors.contains("missing"))
        let mergedLines = try csvLines(folder.appendingPathComponent("merged"))
        let wholeLines = try csvLines(folder.appendingPathComponent("whole"))
        #expect(mergedLines.count == wholeLines.count)
        // Same points and methods in the same order.
        #expect(mergedLines.map { $0.split(separator: ",").prefix(9) } == wholeLines.map { $0.split(separator: ",").prefix(9) })

        let partial = try pipesched(["sweep", "--merge", "shard1", "--output", "partial"], in: folder)
        #expect(partial.errors.contains("12 runs of the grid are missing"), "\(partial.errors)")
    }

    @Test func badGridAndShardAreUsageErrors() throws {
        let folder = try SweepFixtures.folder()
        #expect(try pipesched(["sweep", "grid.yaml", "--output", "o", "--shard", "3/2"], in: folder).status == 2)
        try Data("problem: base.json\naxes:\n  methods: [nope]\n".utf8).write(to: folder.appendingPathComponent("bad.yaml"))
        let bad = try pipesched(["sweep", "bad.yaml", "--output", "o"], in: folder)
        #expect(bad.status == 2)
        #expect(bad.errors.contains("axes.methods[0]: unknown method \"nope\""), "\(bad.errors)")
    }
}
