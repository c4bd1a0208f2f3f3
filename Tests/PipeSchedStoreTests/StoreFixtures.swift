import Foundation
import PipeSched
@testable import PipeSchedStore

/// Problems and temporary stores for the store tests.
enum StoreFixtures {
    static func problem(devices: Int = 4, microbatches: Int = 8, name: String = "fixture") -> Problem {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1,
                                 memory: MemoryDeltas(forward: 1, backwardInput: -0.5, backwardWeight: -0.5))
        return try! Problem(name: name, microbatches: microbatches, devices: devices, stages: Array(repeating: stage, count: devices))
    }

    /// A store in a fresh temporary folder; the path lets a test open it again.
    static func temporaryStore() throws -> (SQLiteResultStore, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipesched-store-\(UUID().uuidString)")
        let path = folder.appendingPathComponent("results.sqlite").path
        return (try SQLiteResultStore(path: path), path)
    }
}
