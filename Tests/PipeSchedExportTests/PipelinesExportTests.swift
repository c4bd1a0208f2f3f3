import Foundation
import Testing
@testable import PipeSched
@testable import PipeSchedExport

/// Schedules of two pipelines (`Problem.pipelines`) record them, and the runtime files that describe
/// one pipeline (PyTorch's CSV, torchtitan's config, Megatron's layout) refuse them rather than hand
/// a runtime another model; the trace and the pictures draw them.
@Suite struct PipelinesExportTests {
    static func problem(pipelines: Int = 2) throws -> Problem {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1, memory: MemoryDeltas(forward: 1, backwardInput: -0.5, backwardWeight: -0.5))
        return try Problem(name: "bidirectional", microbatches: 4, devices: 2, placement: .interleaved, stages: Array(repeating: stage, count: 4),
                           partition: [2, 2, 2, 2], pipelines: pipelines)
    }

    @Test func oneRuntimePipelineFilesRefuseTwoPipelinesAndTheOthersDrawThem() throws {
        let problem = try Self.problem()
        let document = try Methods.solve(problem, method: "greedy").document(for: problem)
        #expect(document.pipelines == 2)
        let decoded = try ScheduleDocument.decode(json: try document.json())
        #expect(decoded.pipelines == 2)
        let error = #expect(throws: TorchScheduleError.self) { try TorchCSVWriter().write(document) }
        #expect(error?.rule == .pipelines)
        for format in [ExportFormat.torchCSV, .torchtitan, .megatron] {
            #expect(throws: ExportError.self) { try Exporter.export(document, problem: problem, format: format) }
        }
        for format in [ExportFormat.chromeTrace, .svg, .html] {
            #expect(!(try Exporter.export(document, problem: problem, format: format).text.isEmpty))
        }
        // The same stages as one pipeline are another problem: the file says which it was made for.
        let single = try problem.with { $0.pipelines = 1 }
        #expect(document.mismatch(with: single)?.contains("2 pipelines") == true)
        #expect(document.mismatch(with: problem) == nil)
        #expect(throws: TorchScheduleError.self) { try TorchCSVReader().schedule("0F0,1F0\n0F0\n", for: problem) }
    }
}
