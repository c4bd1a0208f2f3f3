import Foundation
import PipeSched
import Testing
@testable import PipeSchedSweep

/// Grids that name a model and hardware: the cost model builds every point's problem.
@Suite struct CostModelGridTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Models").standardized

    func grid(_ axes: String, top: String = "") throws -> SweepGrid {
        let yaml = """
        model: \(Self.models.path)/models/zb-gpt-1.5b.json
        hardware: \(Self.models.path)/hardware/a100-80gb.json
        \(top)
        axes:
        \(axes)
        """
        return try SweepGrid.parse(yaml: yaml, folder: Self.models, knownMethods: SweepFixtures.knownMethods)
    }

    @Test func pointsAreBuiltByTheCostModel() async throws {
        let grid = try grid("""
          devices: [2, 4]
          microbatches: [8]
          memoryCap: [base, none, 1.0x]
          placement: [sequential, v]
          methods: [zb-h1, greedy]
        """)
        #expect(grid.base == nil)
        #expect(grid.points.count == 2 * 3 * 2)
        for point in grid.points {
            let problem = try PointProblem.build(point, source: grid.source)
            #expect(problem.devices == point.devices)
            #expect(problem.stageCount == (point.placement == .v ? 2 : 1) * point.devices)
            #expect(problem.name == "zb-gpt-1.5b \(point.label)")
            #expect(problem.partition?.reduce(0, +) ?? 0 > 0)
            switch point.memoryCap {
            case .base: #expect(problem.memoryLimit == Array(repeating: 80, count: point.devices))
            case .none: #expect(problem.memoryLimit == nil)
            default: #expect(problem.memoryLimit != nil)
            }
        }
        let summary = try await SweepRunner(grid: grid, store: try SweepFixtures.store()).run()
        #expect(summary.rows.count == 24)
        let sequentialGreedy = summary.rows.filter { $0.placement == "sequential" && $0.method == "greedy" }
        #expect(sequentialGreedy.allSatisfy { $0.status == .ok }, "\(sequentialGreedy.map { $0.message ?? "" })")
        #expect(summary.rows.filter { $0.placement == "v" && $0.method == "zb-h1" }.allSatisfy { $0.status == .noSchedule })
    }

    /// `backwardSplit: torch` profiles every point for PyTorch's runtime, as `profile --backward-split
    /// torch` does: the problems record it and hold more memory; the grid's fingerprint differs from
    /// the default's; a point PyTorch's runtime cannot run (slices) fails alone, naming the field; a
    /// value that is not a split is refused.
    @Test func backwardSplitProfilesEveryPointForItsRuntime() async throws {
        let axes = "  devices: [4]\n  microbatches: [8]\n  sequenceSlices: [1, 2]\n  methods: [1f1b]"
        let stored = try grid(axes), torch = try grid(axes, top: "backwardSplit: torch")
        #expect(stored.fingerprint != torch.fingerprint)
        let point = try #require(torch.points.first { $0.sequenceSlices == 1 })
        let torchProblem = try PointProblem.build(point, source: torch.source)
        let storedProblem = try PointProblem.build(point, source: stored.source)
        #expect(torchProblem.backwardSplit == .torch && storedProblem.backwardSplit == .stored)
        #expect(torchProblem.staticMemory(device: 1) > storedProblem.staticMemory(device: 1), "the receive buffers")
        let summary = try await SweepRunner(grid: torch, store: try SweepFixtures.store()).run()
        #expect(summary.rows.first { $0.sequenceSlices == 1 }?.status == .ok)
        let sliced = try #require(summary.rows.first { $0.sequenceSlices == 2 })
        #expect(sliced.status != .ok && (sliced.message ?? "").contains("slices"), "\(sliced.message ?? "")")
        #expect(throws: GridError.self) { try grid(axes, top: "backwardSplit: megatron") }
    }

    @Test func devicesDefaultToTheModelsAndMicrobatchesAreRequired() throws {
        #expect(try grid("  microbatches: [8]\n  methods: [1f1b]").devices == [8])
        #expect(throws: GridError.self) { try grid("  methods: [1f1b]") }
    }
}
