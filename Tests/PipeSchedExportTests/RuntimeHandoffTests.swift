import Foundation
import Testing
@testable import PipeSched
@testable import PipeSchedExport

/// The torchtitan and Megatron-LM hand-offs: the schedule name that gives torchtitan the right
/// stage placement, layers per stage from the partition, and Megatron's layout string.
@Suite struct RuntimeHandoffTests {
    func withPartition(_ problem: Problem, _ partition: [Int]) throws -> Problem {
        try Problem(name: problem.name, microbatches: problem.microbatches, devices: problem.devices, placement: problem.placement,
                    stages: problem.stages, communication: problem.communication, memoryLimit: problem.memoryLimit, partition: partition)
    }

    func torchtitan(_ problem: Problem, method: String) throws -> (config: String, csv: String) {
        let result = try Exporter.export(try ExportFixtures.document(problem, method: method), problem: problem, format: .torchtitan,
                                         options: ExportOptions(torchtitanCSVPath: "run.csv"))
        return (result.text, try #require(result.companion).text)
    }

    @Test func torchtitanScheduleNameFollowsThePlacement() throws {
        let cases: [(Problem, String, String)] = [
            (ExportFixtures.problem(devices: 4, microbatches: 8), "zb-h1", "1F1B"),
            (ExportFixtures.problem(devices: 4, microbatches: 8, placement: .interleaved, chunks: 2), "interleaved-1f1b", "Interleaved1F1B"),
            (ExportFixtures.problem(devices: 4, microbatches: 8, placement: .v, chunks: 2), "zb-v", "ZBVZeroBubble"),
        ]
        for (problem, method, name) in cases {
            let (config, csv) = try torchtitan(problem, method: method)
            #expect(config.contains("pipeline_parallel_schedule = \"\(name)\""), "\(method): \(config)")
            #expect(config.contains("pipeline_parallel_schedule_csv = \"run.csv\""))
            #expect(config.contains("pipeline_parallel_degree = 4"))
            #expect(config.contains("local_batch_size = 8"))
            let document = try ExportFixtures.document(problem, method: method)
            #expect(csv == (try TorchCSVWriter().write(document, microbatches: 8).text), "the companion is the torch-csv export")
        }
    }

    /// The PyTorch exports (CSV and torchtitan) of a problem profiled for the stored split warn that
    /// its peaks do not hold in PyTorch's runtime, in the result and in the snippet's comment; the
    /// torch split's and a problem that does not say are not warned about; other formats never are.
    /// Without the problem the export reads the split the schedule carries.
    @Test func pytorchExportsWarnWhereTheProblemWasProfiledForAnotherRuntime() throws {
        let base = ExportFixtures.problem(devices: 4, microbatches: 8)
        for split in [BackwardSplit.stored, .torch, nil] {
            let problem = try base.with { $0.backwardSplit = split }
            let document = try ExportFixtures.document(problem, method: "1f1b")
            for format in [ExportFormat.torchCSV, .torchtitan, .svg] {
                let warned = split == .stored && format != .svg
                #expect(document.backwardSplit == split)
                let alone = try Exporter.export(document, problem: nil, format: format)
                #expect((alone.warning?.contains("--backward-split torch") ?? false) == warned, "\(String(describing: split)) \(format) alone")
                let result = try Exporter.export(document, problem: problem, format: format)
                #expect((result.warning?.contains("--backward-split torch") ?? false) == warned, "\(String(describing: split)) \(format)")
                if format == .torchtitan {
                    #expect(result.text.contains("# Memory: WARNING, the problem was profiled with --backward-split stored") == warned)
                    #expect(result.text.contains("return_outputs=False") == !warned)
                }
            }
        }
    }

    @Test func torchtitanLayersPerStageComeFromThePartition() throws {
        #expect(TorchtitanConfig.moduleNames(partition: [2, 1, 2]) == [
            ["tok_embeddings", "layers.0", "layers.1"], ["layers.2"], ["layers.3", "layers.4", "norm", "output"],
        ])
        let problem = try withPartition(ExportFixtures.problem(devices: 4, microbatches: 8), [7, 9, 9, 7])
        let (config, _) = try torchtitan(problem, method: "1f1b")
        #expect(config.contains(#"module_fqns_per_model_part = [["tok_embeddings", "layers.0","#))
        #expect(config.contains(#""layers.31", "norm", "output"]]"#))
        let unpartitioned = try torchtitan(ExportFixtures.problem(devices: 4, microbatches: 8), method: "1f1b").config
        #expect(!unpartitioned.contains("module_fqns_per_model_part ="))
    }

    @Test func torchtitanRefusesPlacementsItCannotBuild() throws {
        let problem = try Problem(name: "custom", microbatches: 4, devices: 2, placement: .explicit([0, 0, 1, 1]),
                                  stages: ExportFixtures.problem(devices: 2, microbatches: 4, placement: .interleaved, chunks: 2).stages)
        let document = try Methods.solve(problem, method: "greedy").document(for: problem)
        #expect(throws: ExportError.self) { try Exporter.export(document, problem: problem, format: .torchtitan) }
    }

    @Test func megatronLayoutPutsEmbeddingAndLossOnTheEndStages() {
        #expect(MegatronLayout.layout(partition: [3, 4, 4, 3]) == "E,t*3|t*4|t*4|t*3,L")
        #expect(MegatronLayout.layout(partition: [1, 0, 2]) == "E,t||t*2,L")
        #expect(MegatronLayout.layout(partition: [5]) == "E,t*5,L")
    }

    @Test func megatronArgumentsNeedALoopPlacementAndAPartition() throws {
        let interleaved = try withPartition(ExportFixtures.problem(devices: 4, microbatches: 8, placement: .interleaved, chunks: 2),
                                            [3, 4, 4, 4, 4, 4, 4, 3])
        let text = try Exporter.export(try ExportFixtures.document(interleaved, method: "interleaved-1f1b"), problem: interleaved, format: .megatron).text
        #expect(text == "--pipeline-model-parallel-size 4 --pipeline-model-parallel-layout \"E,t*3|t*4|t*4|t*4|t*4|t*4|t*4|t*3,L\"\n")
        let v = try withPartition(ExportFixtures.problem(devices: 4, microbatches: 8, placement: .v, chunks: 2), Array(repeating: 4, count: 8))
        #expect(throws: ExportError.self) { try Exporter.export(try ExportFixtures.document(v, method: "zb-v"), problem: v, format: .megatron) }
        let plain = ExportFixtures.problem(devices: 4, microbatches: 8)
        #expect(throws: ExportError.self) { try Exporter.export(try ExportFixtures.document(plain, method: "1f1b"), problem: plain, format: .megatron) }
        #expect(throws: ExportError.self) { try Exporter.export(try ExportFixtures.document(plain, method: "1f1b"), problem: nil, format: .megatron) }
    }
}
