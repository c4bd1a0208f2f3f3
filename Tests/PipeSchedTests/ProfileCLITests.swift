import CLITestSupport
import Foundation
import Testing
@testable import PipeSched

/// `pipesched profile`: bundled model and hardware files in, problems that every solver accepts out.
@Suite struct ProfileCLITests {
    let folder: URL

    init() throws { folder = try CLIRunner.temporaryFolder() }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
    static func models(_ name: String) -> String { root.appendingPathComponent("Models/\(name)").path }

    func problem(at name: String) throws -> Problem { try Problem.decode(json: Data(contentsOf: URL(fileURLWithPath: path(name)))) }

    @Test func profileWritesAProblemThatSolves() throws {
        let result = try CLIRunner.run(["profile", "--model", Self.models("models/llama3-8b.json"), "--hardware", Self.models("hardware/h100-80gb.json"),
                                        "--devices", "4", "--microbatches", "8", "--output", path("p.json")])
        #expect(result.status == 0, "\(result.stderr)")
        let problem = try problem(at: "p.json")
        #expect(problem.devices == 4 && problem.microbatches == 8 && problem.partition?.reduce(0, +) == 32)
        #expect(problem.memoryLimit == [80, 80, 80, 80])
        let solved = try CLIRunner.run(["solve", path("p.json"), "--method", "zb-h1", "--output", path("s.json")])
        #expect(solved.status == 0, "\(solved.stderr)")
    }

    /// `--memory-limit-activations K`: Zero Bubble's unit, K·p microbatches' activations on top of
    /// static memory, per device (the V placement gives each device two stages), never above the
    /// hardware; contradicting options and non-positive K exit 2.
    @Test func activationCapsFollowZeroBubblesUnit() throws {
        let base = ["profile", "--model", Self.models("models/llama3-8b.json"), "--hardware", Self.models("hardware/h100-80gb.json"),
                    "--devices", "8", "--microbatches", "24", "--placement", "v"]
        #expect(try CLIRunner.run(base + ["--output", path("free.json")]).status == 0)
        let capped = try CLIRunner.run(base + ["--memory-limit-activations", "1", "--output", path("capped.json")])
        #expect(capped.status == 0, "\(capped.stderr)")
        let free = try problem(at: "free.json"), problem = try problem(at: "capped.json")
        for device in 0..<8 {
            let own = free.deviceStages[device]
            let expected = own.reduce(0) { $0 + free.stages[$1].staticMemory + 8 * free.stages[$1].slices[0].memory.forward }
            #expect(abs(problem.cap(device: device) - min(80, expected)) < 1e-9, "device \(device)")
        }
        #expect(problem.cap(device: 0) == 80, "the embedding and head stages' device stays at the hardware's memory")
        #expect(problem.cap(device: 7) < 80)
        #expect(try CLIRunner.run(["solve", path("capped.json"), "--method", "greedy", "--output", path("cs.json")]).status == 0)
        for bad in [["--memory-limit-activations", "0"], ["--memory-limit-activations", "1", "--no-memory-limit"]] {
            let refused = try CLIRunner.run(base + bad + ["--output", path("bad.json")])
            #expect(refused.status == 2 && refused.stderr.contains("--memory-limit-activations"), "\(bad): \(refused.stderr)")
        }
    }

    @Test func slicesAndPlacementsReachTheProblem() throws {
        let sliced = try CLIRunner.run(["profile", "--model", Self.models("models/llama3-8b-32k.json"), "--hardware", Self.models("hardware/h100-80gb.json"),
                                        "--devices", "8", "--microbatches", "8", "--slices", "4", "--tensor-parallel", "4", "--output", path("k.json")])
        #expect(sliced.status == 0, "\(sliced.stderr)")
        #expect(try problem(at: "k.json").sequenceSlices == 4)
        #expect(try CLIRunner.run(["solve", path("k.json"), "--method", "seq1f1b", "--output", path("ks.json")]).status == 0)
        let v = try CLIRunner.run(["profile", "--model", Self.models("models/zb-gpt-1.5b.json"), "--hardware", Self.models("hardware/a100-80gb.json"),
                                   "--microbatches", "16", "--placement", "v", "--partition", "uniform", "--output", path("v.json")])
        #expect(v.status == 0, "\(v.stderr)")
        let problem = try problem(at: "v.json")
        #expect(problem.devices == 8 && problem.stageCount == 16, "the model file's pipelineDevices is the default")
        #expect(try CLIRunner.run(["solve", path("v.json"), "--method", "zb-v", "--output", path("vs.json")]).status == 0)
    }

    /// `--placement wave` gives two waves (4 stages per device) unless `--chunks` says otherwise, and
    /// refuses fewer than 2 chunks naming the option.
    @Test func waveGetsFourChunksByDefaultAndRefusesOne() throws {
        let model = Self.models("models/llama3-8b.json"), hardware = Self.models("hardware/h100-80gb.json")
        let wave = try CLIRunner.run(["profile", "--model", model, "--hardware", hardware, "--devices", "4", "--microbatches", "8",
                                      "--placement", "wave", "--output", path("w.json")])
        #expect(wave.status == 0, "\(wave.stderr)")
        let problem = try problem(at: "w.json")
        #expect(problem.placement == .wave && problem.stageCount == 16 && problem.stageDevice == [0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0])
        let one = try CLIRunner.run(["profile", "--model", model, "--hardware", hardware, "--devices", "4", "--microbatches", "8",
                                     "--placement", "wave", "--chunks", "1", "--output", path("w1.json")])
        #expect(one.status == 2 && one.stderr.contains("chunks") && !FileManager.default.fileExists(atPath: path("w1.json")), "\(one.stderr)")
    }

    @Test func measuredCSVBecomesAProblem() throws {
        let csv = "stage,forward,backwardInput,backwardWeight,memoryForward,memoryBackwardInput\n0,1,1,1,2,-1\n1,1.5,1.5,1,2,-1\n"
        try csv.write(toFile: path("m.csv"), atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["profile", "--from-csv", path("m.csv"), "--microbatches", "6", "--output", path("m.json")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try problem(at: "m.json").duration(.forward, stage: 1, slice: 0) == 1.5)
        // Measured profiles take the activation caps too: 1.5 · 2 devices · 2 per microbatch.
        let capped = try CLIRunner.run(["profile", "--from-csv", path("m.csv"), "--microbatches", "6", "--memory-limit-activations", "1.5",
                                        "--output", path("mc.json")])
        #expect(capped.status == 0, "\(capped.stderr)")
        #expect(try problem(at: "mc.json").memoryLimit == [6, 6])
    }

    @Test func tracesBecomeAProblemAndACSV() throws {
        for rank in 0..<2 {
            var events: [[String: Any]] = []
            var clock = 0.0
            for mb in 0..<3 {
                for (kind, ms) in [("F", 2.0), ("I", 3.0), ("W", 1.0)] {
                    events.append(["ph": "X", "name": "PP:\(rank)\(kind)\(mb)", "cat": "user_annotation", "ts": clock, "dur": ms * 1000])
                    clock += ms * 1000 + 50
                }
            }
            let root: [String: Any] = ["traceEvents": events, "distributedInfo": ["rank": rank]]
            try JSONSerialization.data(withJSONObject: root).write(to: URL(fileURLWithPath: path("rank\(rank).json")))
        }
        let result = try CLIRunner.run(["profile", "--from-trace", path("rank0.json"), path("rank1.json"), "--csv-output", path("t.csv"), "--output", path("t.json")])
        #expect(result.status == 0, "\(result.stderr)")
        let problem = try problem(at: "t.json")
        #expect(problem.microbatches == 3 && problem.devices == 2)
        #expect(problem.duration(.backwardInput, stage: 1, slice: 0) == 3)
        #expect(try String(contentsOfFile: path("t.csv"), encoding: .utf8).hasPrefix("stage,slice,device"))
    }

    @Test func badInputExitsTwoAndNamesTheField() throws {
        try "{\"layers\": 4}".write(toFile: path("bad.json"), atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["profile", "--model", path("bad.json"), "--hardware", Self.models("hardware/h100-80gb.json"),
                                        "--devices", "2", "--microbatches", "4", "--output", path("x.json")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("hiddenSize: is missing"))
        #expect(!FileManager.default.fileExists(atPath: path("x.json")))
        let both = try CLIRunner.run(["profile", "--from-csv", path("bad.json"), "--from-trace", path("bad.json")])
        #expect(both.status == 2)
    }

    @Test func everyBundledModelAndHardwareFileNamesItsSourceAndProfiles() throws {
        let models = try FileManager.default.contentsOfDirectory(atPath: Self.models("models")).filter { $0.hasSuffix(".json") }.sorted()
        #expect(models.count >= 11)
        for hardware in ["a100-80gb.json", "h100-80gb.json"] {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.models("hardware/\(hardware)")))) as! [String: Any]
            #expect((object["source"] as? String)?.isEmpty == false)
        }
        for model in models {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.models("models/\(model)")))) as! [String: Any]
            #expect((object["source"] as? String)?.isEmpty == false, "\(model)")
            let result = try CLIRunner.run(["profile", "--model", Self.models("models/\(model)"), "--hardware", Self.models("hardware/h100-80gb.json"),
                                            "--devices", "\(object["pipelineDevices"] as? Int ?? 8)", "--microbatches", "16", "--no-memory-limit",
                                            "--output", path("\(model)")])
            #expect(result.status == 0, "\(model): \(result.stderr)")
        }
    }
}

/// `profile --partition search`: the problem of the best partition, its schedule, the table and the hand-offs.
@Suite struct PartitionSearchCLITests {
    let folder: URL

    init() throws { folder = try CLIRunner.temporaryFolder() }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    @Test func partitionSearchWritesTheBestProblemAndItsSchedule() throws {
        let result = try CLIRunner.run(["profile", "--model", ProfileCLITests.models("models/llama3-8b.json"),
                                        "--hardware", ProfileCLITests.models("hardware/h100-80gb.json"), "--devices", "4", "--microbatches", "8",
                                        "--partition", "search", "--method", "greedy", "--explore-evaluations", "6",
                                        "--output", path("p.json"), "--schedule-output", path("s.json")])
        #expect(result.status == 0, "\(result.stderr)")
        let problem = try Problem.decode(json: Data(contentsOf: URL(fileURLWithPath: path("p.json"))))
        #expect(problem.partition?.reduce(0, +) == 32)
        #expect(result.stderr.contains("uniform") && result.stderr.contains("balanced") && result.stderr.contains("best"))
        #expect(result.stderr.contains("--pipeline-model-parallel-layout \"E,"), "\(result.stderr)")
        #expect(result.stderr.contains("module_fqns_per_model_part"))
        let megatron = try CLIRunner.run(["export", path("s.json"), "--problem", path("p.json"), "--to", "megatron"])
        #expect(megatron.status == 0, "\(megatron.stderr)")
        // Under PyTorch's split the summary says what its runtime keeps at the best partition's boundaries.
        #expect(!result.stdout.contains("PyTorch's runtime keeps"), "\(result.stdout)")
        let torch = try CLIRunner.run(["profile", "--model", ProfileCLITests.models("models/llama3-8b.json"),
                                       "--hardware", ProfileCLITests.models("hardware/h100-80gb.json"), "--devices", "4", "--microbatches", "8",
                                       "--partition", "search", "--method", "greedy", "--explore-evaluations", "2", "--backward-split", "torch",
                                       "--output", path("torch.json")])
        #expect(torch.status == 0 && torch.stdout.contains("PyTorch's runtime keeps"), "\(torch.stdout) \(torch.stderr)")
        #expect(try Problem.decode(json: Data(contentsOf: URL(fileURLWithPath: path("torch.json")))).backwardSplit == .torch)
    }

    /// `--vocabulary-parallel`: the partition search prints no runtime hand-off (no runtime chains
    /// the shards), and the schedule it writes refuses PyTorch's CSV, naming the graph.
    @Test func vocabularyParallelSearchHandsNothingToAChainingRuntime() throws {
        let result = try CLIRunner.run(["profile", "--model", ProfileCLITests.models("models/llama3-8b.json"),
                                        "--hardware", ProfileCLITests.models("hardware/h100-80gb.json"), "--devices", "4", "--microbatches", "8",
                                        "--vocabulary-parallel", "--partition", "search", "--method", "greedy", "--explore-evaluations", "4",
                                        "--output", path("p.json"), "--schedule-output", path("s.json")])
        #expect(result.status == 0, "\(result.stderr)")
        let problem = try Problem.decode(json: Data(contentsOf: URL(fileURLWithPath: path("p.json"))))
        #expect(problem.stageCount == 8 && !problem.graph.isChain && problem.partition?.reduce(0, +) == 32)
        #expect(result.stderr.contains("no hand-off") && !result.stderr.contains("module_fqns_per_model_part"), "\(result.stderr)")
        let torch = try CLIRunner.run(["export", path("s.json"), "--problem", path("p.json"), "--to", "torch-csv"])
        #expect(torch.status != 0 && torch.stderr.contains("graph"), "\(torch.stderr)")
        let measured = try CLIRunner.run(["profile", "--from-csv", ProfileCLITests.models("hardware/h100-80gb.json"), "--microbatches", "8",
                                          "--vocabulary-parallel"])
        #expect(measured.status != 0 && measured.stderr.contains("--vocabulary-parallel goes with --model"), "\(measured.stderr)")
    }

    /// `--backward-split torch` from the command line: stage 0's B lasts nothing, the other stages' B
    /// allocates, and the summary says what PyTorch's runtime keeps at stage boundaries (a middle stage
    /// of Llama 3 8B at m = 8: 8 receive buffers of 64 MiB for each of its two tensors, 1 GiB of
    /// static memory, and as much held by the step's end; nothing with the stored split); refused with a measured profile
    /// (exit 2), with full recomputation and with slices (exit 2, naming the field). The problem
    /// records its split, and a PyTorch CSV of a schedule of the stored split's problem comes with a
    /// warning that its peaks do not hold in PyTorch's runtime (none for the torch split's).
    @Test func backwardSplitFromTheCommandLine() throws {
        let model = ["profile", "--model", ProfileCLITests.models("models/llama3-8b.json"),
                     "--hardware", ProfileCLITests.models("hardware/h100-80gb.json"), "--devices", "4", "--microbatches", "8"]
        let result = try CLIRunner.run(model + ["--backward-split", "torch", "--output", path("torch.json")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("PyTorch's runtime keeps 1 GiB of device 1's") && result.stdout.contains("holds up to 1 GiB more by the step's end"),
                "\(result.stdout)")
        let stored = try CLIRunner.run(model + ["--output", path("stored.json")])
        #expect(stored.status == 0 && !stored.stdout.contains("PyTorch's runtime keeps"), "\(stored.stdout)")
        let sliced = try CLIRunner.run(model + ["--backward-split", "torch", "--slices", "2"])
        #expect(sliced.status == 2 && sliced.stderr.contains("slices"), "\(sliced.stderr)")
        let problem = try Problem.decode(json: Data(contentsOf: URL(fileURLWithPath: path("torch.json"))))
        #expect(problem.stages[0].slices[0].backwardInput == 0 && problem.backwardAllocates(stage: 1))
        #expect(problem.backwardSplit == .torch)
        #expect(try Problem.decode(json: Data(contentsOf: URL(fileURLWithPath: path("stored.json")))).backwardSplit == .stored)
        for (split, warned) in [("stored", true), ("torch", false)] {
            let solved = try CLIRunner.run(["solve", path("\(split).json"), "--method", "1f1b", "-o", path("\(split).schedule.json"),
                                            "--export", "torch-csv"])
            #expect(solved.status == 0 && solved.stderr.contains("warning: the problem was profiled with --backward-split stored") == warned,
                    "\(split): \(solved.stderr)")
        }
        let full = try CLIRunner.run(model + ["--backward-split", "torch", "--recompute", "full"])
        #expect(full.status == 2 && full.stderr.contains("backwardSplit"), "\(full.stderr)")
        let measured = try CLIRunner.run(["profile", "--from-csv", ProfileCLITests.models("hardware/h100-80gb.json"), "--microbatches", "8",
                                          "--backward-split", "torch"])
        #expect(measured.status != 0 && measured.stderr.contains("--backward-split goes with --model"), "\(measured.stderr)")
    }

    @Test func searchOptionsWithoutTheSearchAreRefused() throws {
        let result = try CLIRunner.run(["profile", "--model", ProfileCLITests.models("models/llama3-8b.json"),
                                        "--hardware", ProfileCLITests.models("hardware/h100-80gb.json"), "--devices", "4", "--microbatches", "8",
                                        "--schedule-output", path("s.json")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--partition search"))
        let unknown = try CLIRunner.run(["profile", "--model", ProfileCLITests.models("models/llama3-8b.json"),
                                         "--hardware", ProfileCLITests.models("hardware/h100-80gb.json"), "--devices", "4", "--microbatches", "8",
                                         "--partition", "search", "--method", "nope"])
        #expect(unknown.status != 0 && unknown.stderr.contains("pipesched methods"))
    }
}
