import Foundation
import PipeSched
import Testing
@testable import PipeSchedSweep

/// Reading grid files: axes, defaults, and field-level errors.
@Suite struct SweepGridTests {
    @Test func axesAreReadAndExpandedInOrder() throws {
        let grid = try SweepFixtures.grid()
        #expect(grid.devices == [2, 4])
        #expect(grid.microbatches == [4, 8])
        #expect(grid.memoryCaps == [.none, .multipleOfOneFOneBPeak(1)])
        #expect(grid.methods == ["1f1b", "zb-h1", "greedy"])
        #expect(grid.timeLimit == 0.2)
        let points = grid.points
        #expect(points.count == 8)
        #expect(points.map(\.index) == Array(0..<8))
        #expect(points.first?.label == "d2-m4-capnone-s1-base")
        #expect(points.last?.label == "d4-m8-cap1x-s1-base")
    }

    @Test func missingAxesTakeTheBaseProblemsValues() throws {
        let grid = try SweepFixtures.grid("problem: base.json\naxes:\n  methods: 1f1b\n")
        #expect(grid.points.count == 1)
        let point = try #require(grid.points.first)
        #expect(point.devices == 4)
        #expect(point.microbatches == 8)
        #expect(try PointProblem.build(point, source: grid.source) == (try SweepFixtures.base.withMemoryLimit(nil)).renamed("base \(point.label)"))
    }

    @Test func capAndPlacementSpellings() throws {
        let grid = try SweepFixtures.grid("""
        problem: base.json
        axes:
          memoryCap: [none, ~, base, 30, 12.5, 0.8x, 2X, 1.5p]
          placement: [sequential, v, interleaved, "interleaved:3", base]
          methods: [greedy]
        """)
        #expect(grid.memoryCaps == [.none, .none, .base, .absolute(30), .absolute(12.5), .multipleOfOneFOneBPeak(0.8), .multipleOfOneFOneBPeak(2), .activations(1.5)])
        #expect(grid.placements == [.sequential, .v, .interleaved(chunks: 2), .interleaved(chunks: 3), .base])
    }

    @Test func inlineProblemsAreAccepted() throws {
        let grid = try SweepFixtures.grid("""
        problem:
          devices: 2
          microbatches: 4
          stages:
            - {forward: 1, backwardInput: 1, backwardWeight: 1}
            - {forward: 1, backwardInput: 1, backwardWeight: 1}
        axes:
          methods: [gpipe]
        """)
        #expect(grid.base?.devices == 2)
    }

    @Test(arguments: [
        ("problem: base.json\naxes:\n  methods: [1f1b]\n  devicez: [2]\n", "axes.devicez"),
        ("problem: base.json\naxes:\n  methods: [warp-speed]\n", "axes.methods[0]"),
        ("problem: base.json\naxes:\n  devices: [0]\n  methods: [1f1b]\n", "axes.devices[0]"),
        ("problem: base.json\naxes:\n  memoryCap: [lots]\n  methods: [1f1b]\n", "axes.memoryCap[0]"),
        ("problem: base.json\naxes:\n  placement: [diagonal]\n  methods: [1f1b]\n", "axes.placement[0]"),
        ("problem: base.json\naxes:\n  devices: [2]\n", "axes.methods"),
        ("problem: missing.json\naxes:\n  methods: [1f1b]\n", "problem"),
        ("problem: {devices: 2}\naxes:\n  methods: [1f1b]\n", "problem"),
        ("problem: base.json\nobjective: speed\naxes:\n  methods: [1f1b]\n", "objective"),
        ("model: gpt.yaml\nhardware: a100.yaml\naxes:\n  methods: [1f1b]\n", "model"),
        ("model: gpt.yaml\naxes:\n  methods: [1f1b]\n", "hardware"),
        ("problem: base.json\nmodel: gpt.yaml\nhardware: a100.yaml\naxes:\n  methods: [1f1b]\n", "problem"),
        ("problem: base.json\nextra: 1\naxes:\n  methods: [1f1b]\n", "extra"),
        ("problem: base.json\nbackwardSplit: torch\naxes:\n  methods: [1f1b]\n", "backwardSplit"),
        ("[1, 2]", "(file)"),
    ])
    func mistakesNameTheField(yaml: String, field: String) throws {
        do {
            _ = try SweepFixtures.grid(yaml)
            Issue.record("\(field) should be rejected")
        } catch let error as GridError {
            #expect(error.field == field, "\(error)")
        }
    }

    @Test func fingerprintFollowsTheGrid() throws {
        let a = try SweepFixtures.grid(), b = try SweepFixtures.grid()
        #expect(a.fingerprint == b.fingerprint)
        var c = a
        c.microbatches = [4]
        #expect(c.fingerprint != a.fingerprint)
    }
}

extension Problem {
    func renamed(_ name: String) throws -> Problem {
        try Problem(name: name, microbatches: microbatches, devices: devices, placement: placement, stages: stages,
                    communication: communication, memoryLimit: memoryLimit, sequenceSlices: sequenceSlices)
    }
}
