import Foundation
import PipeSched

/// Problems, solved schedules and files the export tests share.
enum ExportFixtures {
    /// Uneven stage costs (heavier first and last stage), memory deltas that sum to zero, static
    /// memory and a link latency, deterministic in the stage index.
    static func problem(devices p: Int, microbatches m: Int, placement: Placement = .sequential, chunks: Int = 1,
                        slices: Int = 1, memoryLimit: Double? = nil) -> Problem {
        let count = p * chunks
        let stages = (0..<count).map { s -> StageProfile in
            let scale = s == 0 ? 1.2 : (s == count - 1 ? 1.5 : 1.0 + 0.1 * Double(s % 3))
            return StageProfile(forward: 1.0 * scale, backwardInput: 1.1 * scale, backwardWeight: 0.8 * scale,
                                memory: MemoryDeltas(forward: 2, backwardInput: -1.25, backwardWeight: -0.75),
                                staticMemory: 1)
        }
        return try! Problem(name: "export-\(p)x\(m)", microbatches: m, devices: p, placement: placement, stages: stages,
                            communication: Communication(latency: 0.1),
                            memoryLimit: memoryLimit.map { Array(repeating: $0, count: p) }, sequenceSlices: slices)
    }

    /// The problems every schedule family is tried on: one stage per device, interleaved and V.
    static var placements: [Problem] {
        [problem(devices: 4, microbatches: 8),
         problem(devices: 4, microbatches: 8, placement: .interleaved, chunks: 2),
         problem(devices: 4, microbatches: 8, placement: .v, chunks: 2),
         problem(devices: 2, microbatches: 3)]
    }

    /// 4 devices, 8 microbatches, every stage able to offload all of its activations (a copy lasting
    /// half a forward), under a cap of three microbatches' activations: `offload`'s schedule moves
    /// activations to the host.
    static func offloaded() throws -> (problem: Problem, document: ScheduleDocument) {
        let problem = try problem(devices: 4, microbatches: 8, memoryLimit: 7).with { fields in
            fields.stages = fields.stages.map { stage in
                StageProfile(slices: stage.slices.map { costs in
                    var costs = costs
                    costs.offload = OffloadCost(memory: costs.memory.forward, time: costs.forward / 2)
                    return costs
                }, staticMemory: stage.staticMemory)
            }
        }
        return (problem, try Methods.solve(problem, method: "offload").document(for: problem))
    }

    /// The schedule document a schedule family produces for a problem (throws when it does not fit).
    /// `problem` with half of every forward and input backward hideable by an overlapped F&B pass.
    static func overlapping(_ problem: Problem) throws -> Problem {
        try problem.with { fields in
            fields.stages = problem.stages.map { stage in
                StageProfile(slices: stage.slices.map { costs in
                    var costs = costs
                    costs.overlap = OverlapCost(forward: costs.forward / 2, backward: costs.backwardInput / 2)
                    return costs
                }, staticMemory: stage.staticMemory)
            }
        }
    }

    static func document(_ problem: Problem, method: String, objective: Objective = .stageSpan) throws -> ScheduleDocument {
        guard let family = ScheduleFamilies.named(method) else { throw FamilyError(method: method, message: "unknown") }
        let schedule = try family.build(problem)
        return try Solution(problem, method: method, objective: objective, schedule: schedule).document(for: problem)
    }

    /// The text of a file in `Tests/PipeSchedExportTests/Fixtures` (CSV dumps of PyTorch's own schedules).
    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent("Fixtures").appendingPathComponent(name), encoding: .utf8)
    }

    /// A file in `Tests/PipeSchedExportTests/Snapshots`.
    static func snapshot(_ name: String) -> URL {
        folder.appendingPathComponent("Snapshots").appendingPathComponent(name)
    }

    private static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    }
}
