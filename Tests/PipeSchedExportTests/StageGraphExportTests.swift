import Foundation
import Testing
@testable import PipeSched
@testable import PipeSchedExport

/// Schedules of a graph of stages (`StageGraph`, such as Vocabulary Parallelism's output shards)
/// record the graph, and the runtime files that chain their stages (PyTorch's CSV, torchtitan's
/// config, Megatron's layout) refuse them rather than hand a runtime another model; the trace and
/// the pictures draw them.
@Suite struct StageGraphExportTests {
    @Test func chainingRuntimeFilesRefuseAGraphAndTheOthersDrawIt() throws {
        let layer = StageProfile(forward: 2, backwardInput: 2, backwardWeight: 1, memory: MemoryDeltas(forward: 1, backwardInput: -0.5, backwardWeight: -0.5))
        var shard = StageProfile(forward: 0.5, backwardInput: 0.5, backwardWeight: 0.5)
        shard.inputs = [1]
        let problem = try Problem(name: "vocabulary-shards", microbatches: 4, devices: 2, placement: .interleaved,
                                  stages: [layer, layer, shard, shard], communication: Communication(latency: 0.1), partition: [2, 2, 0, 0])
        let document = try Methods.solve(problem, method: "greedy").document(for: problem)
        #expect(try ScheduleDocument.decode(json: try document.json()).stageInputs == [[], [0], [1], [1]])
        let error = #expect(throws: TorchScheduleError.self) { try TorchCSVWriter().write(document) }
        #expect(error?.rule == .stageGraph)
        for format in [ExportFormat.torchCSV, .torchtitan, .megatron] {
            #expect(throws: ExportError.self, "\(format)") { try Exporter.export(document, problem: problem, format: format) }
        }
        for format in [ExportFormat.chromeTrace, .svg, .html] {
            #expect(!(try Exporter.export(document, problem: problem, format: format).text.isEmpty))
        }
        #expect(throws: TorchScheduleError.self) { try TorchCSVReader().schedule("0F0,1F0\n0F0\n", for: problem) }
    }
}
