import Foundation
import PipeSched
import PipeSchedStore
@testable import PipeSchedSweep

/// Base problems, grids and stores for the sweep tests.
enum SweepFixtures {
    /// Four stages with different costs, memory that a cap can bind.
    static let base: Problem = {
        let stages = (0..<4).map { s in
            StageProfile(forward: 1 + 0.1 * Double(s), backwardInput: 1.2, backwardWeight: 0.8,
                         memory: MemoryDeltas(forward: 2, backwardInput: -1.2, backwardWeight: -0.8), staticMemory: 1)
        }
        return try! Problem(name: "base", microbatches: 8, devices: 4, stages: stages)
    }()

    static var baseJSON: String { String(decoding: base.canonicalJSON(), as: UTF8.self) }

    /// 2 devices values × 2 microbatches × 2 caps = 8 points, 3 methods.
    static let gridYAML = """
    problem: base.json
    timeLimit: 0.2
    axes:
      devices: [2, 4]
      microbatches: [4, 8]
      memoryCap: [none, 1.0x]
      methods: [1f1b, zb-h1, greedy]
    """

    static var knownMethods: Set<String> { Set(Methods.all.map(\.name)) }

    /// A folder holding base.json and grid.yaml.
    static func folder(grid: String = gridYAML) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipesched-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(baseJSON.utf8).write(to: folder.appendingPathComponent("base.json"))
        try Data(grid.utf8).write(to: folder.appendingPathComponent("grid.yaml"))
        return folder
    }

    static func grid(_ yaml: String = gridYAML) throws -> SweepGrid {
        try SweepGrid.load(path: folder(grid: yaml).appendingPathComponent("grid.yaml").path, knownMethods: knownMethods)
    }

    static func store() throws -> SQLiteResultStore {
        try SQLiteResultStore(path: FileManager.default.temporaryDirectory
            .appendingPathComponent("pipesched-sweep-\(UUID().uuidString)/store.sqlite").path)
    }
}
