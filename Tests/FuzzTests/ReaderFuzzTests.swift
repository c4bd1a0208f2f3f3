import Foundation
import PipeSched
import PipeSchedFuzz
import PipeSchedProfile
import PipeSchedSweep
import Testing

/// Issue 15 fuzz suite, library readers: every reader gets `FuzzBudget.count` seeded hostile inputs
/// (`make fuzz`: 10,000 each) and must answer each with a value or a field-naming error, never a
/// trap; whatever it accepts must also solve, encode and decode again.
@Suite(.serialized) struct ReaderFuzzTests {
    /// Small limits, so an accepted input solves in milliseconds.
    static let limits = ProblemLimits(maxPasses: 3_000, maxStages: 48)

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func file(_ path: String) -> String { (try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)) ?? "" }

    static let problemSeeds = [
        #"{"name": "p", "microbatches": 4, "devices": 2, "stages": [{"forward": 1, "backwardInput": 1.5, "backwardWeight": 0.5, "memory": {"forward": 2, "backwardInput": -1, "backwardWeight": -1}, "staticMemory": 3}, {"forward": 2, "backwardInput": 1, "backwardWeight": 1}], "memoryLimit": 20, "communication": 0.1}"#,
        #"{"microbatches": 3, "devices": 2, "placement": "interleaved", "sequenceSlices": 2, "stages": [{"forward": [1, 2], "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}]}"#,
        #"{"microbatches": 2, "devices": 2, "placement": "v", "stages": [{"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}], "partition": [1, 2, 3, 4]}"#,
        #"{"microbatches": 2, "devices": 2, "placement": [0, 1, 1], "stages": [{"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}], "memoryLimit": [10, 10]}"#,
    ]

    /// Solves an accepted problem with a cheap method and round-trips the schedule.
    static func exercise(_ problem: Problem) {
        for method in ["greedy", "1f1b"] {
            guard let solution = try? Methods.solve(problem, method: method) else { continue }
            let document = solution.document(for: problem)
            guard let json = try? document.json() else {
                Issue.record("an accepted problem's schedule does not encode: \(problem)")
                return
            }
            guard let decoded = try? ScheduleDocument.decode(json: json) else {
                Issue.record("a written schedule does not decode")
                return
            }
            #expect(ScheduleShapeCheck.issues(problem, decoded.timedTimeline).isEmpty)
        }
    }

    @Test func problems() {
        var mutator = Mutator(seed: FuzzBudget.seed)
        var accepted = 0
        for _ in 0..<FuzzBudget.count {
            let text = mutator.mutateJSON(mutator.pick(Self.problemSeeds))
            guard let problem = try? Problem.decode(json: Data(text.utf8), limits: Self.limits) else { continue }
            accepted += 1
            Self.exercise(problem)
        }
        #expect(accepted > 0)
    }

    @Test func schedulesAgainstProblems() throws {
        var mutator = Mutator(seed: FuzzBudget.seed &+ 1)
        let problems = try Self.problemSeeds.map { try Problem.decode(json: Data($0.utf8)) }
        let documents = try problems.map { try String(decoding: Methods.solve($0, method: "greedy").document(for: $0).json(), as: UTF8.self) }
        for _ in 0..<FuzzBudget.count {
            let text = mutator.mutateJSON(mutator.pick(documents))
            guard let document = try? ScheduleDocument.decode(json: Data(text.utf8)) else { continue }
            let problem = mutator.pick(problems)  // often not the one it was made for
            let timeline = document.timedTimeline
            guard ScheduleShapeCheck.issues(problem, timeline).isEmpty else { continue }
            _ = Evaluation(problem, timeline, objective: document.objective)
        }
    }

    @Test func modelsAndHardware() throws {
        var mutator = Mutator(seed: FuzzBudget.seed &+ 2)
        let model = Self.file("Models/models/llama3-8b.json"), hardware = Self.file("Models/hardware/h100-80gb.json")
        let yamlModel = "layers: 4\nhiddenSize: 256\nattentionHeads: 4\nffnSize: 1024\nvocabularySize: 32000\nsequenceLength: 512\nlayerTypes:\n  - dense\n  - {type: dense, count: 3}\n"
        try #require(!model.isEmpty && !hardware.isEmpty)
        let goodHardware = try ConfigDecoding.decode(HardwareConfig.self, from: Data(hardware.utf8))
        let goodModel = try ConfigDecoding.decode(ModelConfig.self, from: Data(model.utf8))
        for round in 0..<FuzzBudget.count {
            let which = round % 3
            let text = which == 0 ? mutator.mutateJSON(model) : which == 1 ? mutator.mutateYAML(yamlModel) : mutator.mutateJSON(hardware)
            let m: ModelConfig?, h: HardwareConfig?
            if which == 2 {
                m = goodModel
                h = try? ConfigDecoding.decode(HardwareConfig.self, from: Data(text.utf8))
            } else {
                m = try? ConfigDecoding.decode(ModelConfig.self, from: Data(text.utf8))
                h = goodHardware
            }
            guard let m, let h else { continue }
            var options = ProfileOptions(devices: mutator.pick([1, 2, 4, 1 << 40]), microbatches: mutator.pick([1, 4, 1_000_000_000]))
            options.slices = mutator.pick([1, 2, 1 << 30])
            options.chunks = mutator.pick([1, 2, 1 << 40])
            options.placement = mutator.pick([.sequential, .interleaved, .v])
            options.limits = Self.limits
            guard let built = try? ProblemBuilder(model: m, hardware: h, options: options).build() else { continue }
            Self.exercise(built)
        }
    }

    @Test func measuredCSVs() {
        var mutator = Mutator(seed: FuzzBudget.seed &+ 3)
        let csv = "stage,slice,device,forward,backwardInput,backwardWeight,memoryForward,memoryBackwardInput,memoryBackwardWeight,staticMemory\n0,0,0,1.5,1.2,0.8,2,-1,-1,4\n1,0,1,1.4,1.1,0.9,2,-1,-1,4\n"
        for _ in 0..<FuzzBudget.count {
            let text = mutator.mutateCSV(csv)
            guard let profile = try? MeasuredCSV.parse(text),
                  let problem = try? profile.problem(name: "fuzz", microbatches: mutator.pick([nil, 4, 1 << 62]), limits: Self.limits) else { continue }
            Self.exercise(problem)
        }
    }

    @Test func traces() {
        var mutator = Mutator(seed: FuzzBudget.seed &+ 4)
        let trace = #"{"distributedInfo": {"rank": 0}, "traceEvents": [{"ph": "X", "cat": "user_annotation", "name": "PP:0F0", "ts": 0, "dur": 1000}, {"ph": "X", "cat": "user_annotation", "name": "PP:0I0", "ts": 1000, "dur": 900}, {"ph": "X", "cat": "user_annotation", "name": "PP:0W0", "ts": 1900, "dur": 800}, {"ph": "X", "cat": "user_annotation", "name": "PP:1F0@1", "ts": 0, "dur": 10}, {"ph": "i", "name": "[memory]", "ts": 0, "args": {"Total Allocated": 1073741824, "Device Id": 0}}, {"ph": "B", "name": "Forward 1", "pid": 1, "tid": 1, "ts": 5}, {"ph": "E", "pid": 1, "tid": 1, "ts": 9}]}"#
        for _ in 0..<FuzzBudget.count {
            let text = mutator.mutateJSON(trace)
            guard let profile = try? TraceIngest.profile(traces: [Data(text.utf8)], names: ["fuzz.json"]),
                  let problem = try? profile.problem(name: "fuzz", limits: Self.limits) else { continue }
            Self.exercise(problem)
        }
    }

    @Test func sweepGrids() throws {
        var mutator = Mutator(seed: FuzzBudget.seed &+ 5)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipesched-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Self.problemSeeds[0].utf8).write(to: folder.appendingPathComponent("base.json"))
        let grid = """
        problem: base.json
        timeLimit: 0.1
        axes:
          devices: [2, 4]
          microbatches: [4, 8]
          memoryCap: [none, 1.5x, 30]
          sequenceSlices: [1, 2]
          placement: [sequential, v, "interleaved:2"]
          methods: [1f1b, greedy]
        """
        let known = Set(Methods.all.map(\.name))
        for _ in 0..<FuzzBudget.count {
            let text = mutator.mutateYAML(grid)
            guard let parsed = try? SweepGrid.parse(yaml: text, folder: folder, knownMethods: known) else { continue }
            for point in parsed.points.prefix(4) {
                _ = try? PointProblem.build(point, source: parsed.source, limits: Self.limits)
            }
        }
    }
}
