import CLITestSupport
import Foundation
import Testing
@testable import PipeSched

/// Issue 15, command line: hostile or careless inputs end with exit 2 (or 1 for a schedule that is
/// not valid) and a message naming the field, never a trap, an abort or a runaway allocation. The
/// CLI runs as a subprocess, so a crash is a failed expectation, not a dead test runner.
@Suite struct HardeningCLITests {
    let folder: URL

    init() throws { folder = try CLIRunner.temporaryFolder() }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func write(_ text: String, _ name: String) throws -> String {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        return path(name)
    }

    static let stage = #"{"forward": 1, "backwardInput": 1, "backwardWeight": 1}"#

    static func problem(microbatches: String = "4", devices: Int = 2, stages: Int = 2, extra: String = "", stage: String = stage) -> String {
        #"{"microbatches": \#(microbatches), "devices": \#(devices), "stages": [\#(Array(repeating: stage, count: stages).joined(separator: ","))]\#(extra)}"#
    }

    /// Exit 2 with `field` in the message; no signal, no abort.
    func expectRefused(_ arguments: [String], field: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(field), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    // Case 6: solve has a size guard counting every dimension, with overflow-checked arithmetic.
    @Test(arguments: ["1000000000", "9223372036854775807", "4611686018427387904"])
    func hugeMicrobatchesAreRefused(_ microbatches: String) throws {
        let file = try write(Self.problem(microbatches: microbatches), "p.json")
        try expectRefused(["solve", file, "--method", "zb-h1"], field: "microbatches")
    }

    @Test(arguments: ["1000000000", "9223372036854775807"])
    func hugeSequenceSlicesAreRefused(_ slices: String) throws {
        let file = try write(Self.problem(extra: #", "sequenceSlices": \#(slices)"#), "p.json")
        try expectRefused(["solve", file, "--method", "seq1f1b"], field: "sequenceSlices")
    }

    @Test func hugeDevicesWithOneCapAreRefusedBeforeTheCapsAreBuilt() throws {
        let file = try write(Self.problem(devices: 1 << 62, extra: #", "memoryLimit": 10"#), "p.json")
        try expectRefused(["solve", file], field: "devices")
    }

    @Test func theLimitCanBeRaised() throws {
        let file = try write(Self.problem(microbatches: "400"), "p.json")
        try expectRefused(["solve", file, "--method", "1f1b", "--max-passes", "1000"], field: "--max-passes")
        let raised = try CLIRunner.run(["solve", file, "--method", "1f1b", "--max-passes", "10000", "-o", path("s.json")])
        #expect(raised.status == 0, "\(raised.stderr)")
    }

    /// The exact methods' memory guard (`ExactSizeGuard`), set lower than the default 2 GiB, refuses a
    /// problem the default admits, naming the window methods; nothing is written.
    @Test func theExactMethodsHaveAMemoryBudget() throws {
        let file = try write(Self.problem(microbatches: "64"), "p.json")
        let refused = try CLIRunner.run(["solve", file, "--method", "ilp", "--max-exact-memory", "0.1", "-o", path("s.json")])
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("0.1 GiB an exact solve may use") && refused.stderr.contains("--max-exact-memory"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path("s.json")))
    }

    // Case 7: finite but huge numbers are refused at validation.
    @Test(arguments: [
        (#"{"forward": 1e308, "backwardInput": 1, "backwardWeight": 1}"#, "", "stages[0].forward"),
        (stage, #", "communication": 1e308"#, "communication"),
        (stage, #", "memoryLimit": 1e308"#, "memoryLimit"),
        (#"{"forward": 1, "backwardInput": 1, "backwardWeight": 1, "memory": {"forward": 1e300, "backwardInput": 0, "backwardWeight": -1e300}}"#, "", "stages[0].memory.forward"),
        (#"{"forward": 1, "backwardInput": 1, "backwardWeight": 1, "staticMemory": 1e300}"#, "", "stages[0].staticMemory"),
    ])
    func hugeFiniteNumbersAreRefused(_ stage: String, _ extra: String, _ field: String) throws {
        let file = try write(Self.problem(extra: extra, stage: stage), "p.json")
        try expectRefused(["solve", file, "--method", "1f1b"], field: field)
    }

    // Case 14: duplicate keys, a fractional count and a huge file.
    @Test func duplicateKeysAreRefused() throws {
        let file = try write(#"{"microbatches": 4, "microbatches": 8, "devices": 1, "stages": [\#(Self.stage)]}"#, "p.json")
        try expectRefused(["solve", file], field: "microbatches: appears twice")
    }

    @Test func aFractionalMicrobatchCountNamesTheField() throws {
        let file = try write(Self.problem(microbatches: "8.5"), "p.json")
        try expectRefused(["solve", file], field: "microbatches: is 8.5")
    }

    @Test func deepNestingIsRefused() throws {
        let file = try write(#"{"microbatches": 4, "devices": 1, "name": "#, "p.json")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(String(repeating: "[", count: 50_000).utf8))
        try handle.close()
        try expectRefused(["solve", file], field: "deeper than")
    }

    @Test func aFileOverTheInputLimitIsRefusedBeforeItIsRead() throws {
        let file = try write(Self.problem(extra: #", "name": "\#(String(repeating: "x", count: 4096))""#), "p.json")
        try expectRefused(["solve", file, "--max-input-bytes", "2048"], field: "--max-input-bytes")
    }

    // Case 5: evaluate of a schedule made for another problem (exit 2, naming the difference), or of
    // one whose passes lie outside the problem it claims (exit 1, listing them): never a crash.
    @Test func evaluateOfAScheduleForAnotherProblemExitsTwo() throws {
        let big = try write(Self.problem(microbatches: "8", devices: 4, stages: 4), "big.json")
        let small = try write(Self.problem(microbatches: "2", devices: 1, stages: 1), "small.json")
        let sameDevices = try write(Self.problem(microbatches: "2", devices: 4, stages: 4), "same.json")
        #expect(try CLIRunner.run(["solve", big, "--method", "1f1b", "-o", path("s.json")]).status == 0)
        for problem in [small, sameDevices] {
            let result = try CLIRunner.run(["evaluate", problem, path("s.json")])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("the schedule was made for problem"))
        }
    }

    @Test func evaluateOfAScheduleWithPassesOutsideItsProblemExitsOne() throws {
        let problem = try write(Self.problem(microbatches: "8", devices: 4, stages: 4), "p.json")
        #expect(try CLIRunner.run(["solve", problem, "--method", "1f1b", "-o", path("s.json")]).status == 0)
        var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("s.json")))) as? [String: Any])
        var timeline = try #require(document["timeline"] as? [[[String: Any]]])
        timeline[0][0]["stage"] = 9  // a stage the problem does not have, on a device it has
        document["timeline"] = timeline
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: path("bad.json")))
        let result = try CLIRunner.run(["evaluate", problem, path("bad.json")])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("does not belong to this problem"))
    }

    // Case 10: a failed command writes nothing.
    @Test func aFailedExportLeavesNoScheduleBehind() throws {
        let file = try write(Self.problem(), "p.json")
        try FileManager.default.createDirectory(atPath: path("out"), withIntermediateDirectories: true)
        let result = try CLIRunner.run(["solve", file, "--method", "1f1b", "-o", path("out/s.json"), "--export", "svg",
                                        "--export-output", "/nonexistent/s.svg"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: path("out")).isEmpty)
    }

    // Case 9: profile inputs.
    @Test(arguments: [
        ("stage,forward,backwardInput,backwardWeight\n9223372036854775807,1,1,1\n", "stage"),
        ("stage,device,forward,backwardInput,backwardWeight\n0,1000000000,1,1,1\n", "device"),
        ("stage,slice,forward,backwardInput,backwardWeight\n0,1000000000,1,1,1\n", "slice"),
        ("stage,forward,backwardInput,backwardWeight\n5000,1,1,1\n", "stage"),
    ])
    func csvIndicesAreBounded(_ csv: String, _ field: String) throws {
        let file = try write(csv, "m.csv")
        try expectRefused(["profile", "--from-csv", file, "--microbatches", "4"], field: field)
    }

    @Test func aTraceOfRankMinusOneIsRefused() throws {
        let trace = #"{"distributedInfo": {"rank": -1}, "traceEvents": [{"ph": "X", "name": "PP:0F0", "ts": 0, "dur": 10}, {"ph": "X", "name": "PP:0B0", "ts": 20, "dur": 10}]}"#
        let file = try write(trace, "t.json")
        try expectRefused(["profile", "--from-trace", file], field: "rank")
    }

    @Test func aHugeLayerRunIsRefused() throws {
        let model = #"{"layers": 4, "hiddenSize": 64, "attentionHeads": 4, "ffnSize": 256, "vocabularySize": 1000, "sequenceLength": 128, "layerTypes": [{"type": "dense", "count": 4611686018427387904}]}"#
        let file = try write(model, "m.json")
        try expectRefused(["profile", "--model", file, "--hardware", ProfileCLITests.models("hardware/h100-80gb.json"),
                           "--devices", "2", "--microbatches", "4"], field: "layerTypes[0].count")
        let many = model.replacingOccurrences(of: #", "layerTypes": [{"type": "dense", "count": 4611686018427387904}]"#, with: "")
            .replacingOccurrences(of: #""layers": 4"#, with: #""layers": 1000000000"#)
        try expectRefused(["profile", "--model", try write(many, "m2.json"), "--hardware", ProfileCLITests.models("hardware/h100-80gb.json"),
                           "--devices", "2", "--microbatches", "4"], field: "layers")
    }

    // Case 8: YAML alias bombs and deep nesting.
    @Test func aYAMLAliasBombIsRefused() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        let file = try write(yaml, "model.yaml")
        try expectRefused(["profile", "--model", file, "--hardware", ProfileCLITests.models("hardware/h100-80gb.json"),
                           "--devices", "2", "--microbatches", "4"], field: "expands to more than")
    }

    @Test func deepYAMLIsRefused() throws {
        let file = try write("layers: " + String(repeating: "[", count: 50_000), "model.yaml")
        try expectRefused(["profile", "--model", file, "--hardware", ProfileCLITests.models("hardware/h100-80gb.json"),
                           "--devices", "2", "--microbatches", "4"], field: "deeper than")
    }

    // Case 8: one bad sweep point is reported and the others still run.
    @Test func aSweepWithHugePointsStillWritesTheGoodOnes() throws {
        let base = try write(Self.problem(), "base.json")
        _ = base
        let grid = """
        problem: base.json
        axes:
          devices: [2, 1000000, 4611686018427387904]
          microbatches: [4, 1000000000]
          placement: [sequential, "interleaved:1000000000"]
          sequenceSlices: [1, 1000000000]
          methods: [1f1b]
        """
        let file = try write(grid, "grid.yaml")
        let result = try CLIRunner.run(["sweep", file, "--output", path("out"), "--database", path("store.sqlite"), "--jobs", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let csv = try String(contentsOfFile: path("out/results.csv"), encoding: .utf8)
        #expect(csv.contains("ok"), "\(csv)")
        #expect(csv.contains("invalidPoint"), "\(csv)")
    }
}

/// Issue 15, case 14: `serve` on a port in use or an address it cannot bind exits 2 with a message.
@Suite struct ServeBindTests {
    @Test func aPortInUseOrABadHostExitsTwo() throws {
        let folder = try CLIRunner.temporaryFolder()
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let database = folder.appendingPathComponent("s.sqlite").path
        let taken = try CLIRunner.run(["serve", "--port", String(port), "--database", database])
        #expect(taken.status == 2, "\(taken.stderr)")
        #expect(taken.stderr.contains("cannot listen"))
        let badHost = try CLIRunner.run(["serve", "--host", "203.0.113.77", "--port", "0", "--database", database])
        #expect(badHost.status == 2, "\(badHost.stderr)")
    }
}
