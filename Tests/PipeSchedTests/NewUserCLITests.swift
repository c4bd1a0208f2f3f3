import CLITestSupport
import Foundation
import Testing
@testable import PipeSched

/// The rough edges a new user hit (issue 17): mismatched schedules, true issue counts, stored
/// bounds, standard input, `solve --all` reasons, profile flags that were silently ignored, and
/// `solve`'s summary and progress.
@Suite struct NewUserCLITests {
    let folder: URL

    init() throws { folder = try CLIRunner.temporaryFolder() }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func write(_ problem: Problem, _ name: String) throws -> String {
        try JSONEncoder().encode(problem).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    func solved(_ problem: Problem, method: String = "1f1b", extra: [String] = []) throws -> (problem: String, schedule: String) {
        let file = try write(problem, "\(problem.name).json")
        let result = try CLIRunner.run(["solve", file, "--method", method, "--output", path("\(problem.name).\(method).json")] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return (file, path("\(problem.name).\(method).json"))
    }

    @Test func evaluateOfAScheduleForAnotherProblemNamesTheMismatchAndExitsTwo() throws {
        let files = try solved(TestProblems.unit(devices: 4, microbatches: 8))
        var other = try TestProblems.unit(devices: 2, microbatches: 8)
        other = try Problem(name: "other", microbatches: 8, devices: 2, stages: other.stages)
        let result = try CLIRunner.run(["evaluate", try write(other, "other.json"), files.schedule])
        #expect(result.status == 2)
        #expect(result.stderr.contains("4 devices") && result.stderr.contains("2 devices"), "\(result.stderr)")
        #expect(result.stderr.contains("\"other\"") && result.stderr.contains("4 stages") && result.stderr.contains("2 stages"))
        let fewer = try CLIRunner.run(["evaluate", try write(TestProblems.unit(devices: 4, microbatches: 6), "m6.json"), files.schedule])
        #expect(fewer.status == 2)
        #expect(fewer.stderr.contains("8 microbatches") && fewer.stderr.contains("6 microbatches"), "\(fewer.stderr)")
    }

    @Test func anInvalidScheduleReportsTheTrueIssueCount() throws {
        let files = try solved(TestProblems.unit(devices: 4, microbatches: 8))
        var document = try ScheduleDocument.decode(json: Data(contentsOf: URL(fileURLWithPath: files.schedule)))
        document.timeline = document.timeline.map { row in row.map { entry in var e = entry; e.end = e.start + 0.5; return e } }
        try document.json().write(to: URL(fileURLWithPath: path("broken.json")))
        let result = try CLIRunner.run(["evaluate", files.problem, path("broken.json")])
        #expect(result.status == 1)
        let header = try #require(result.stderr.split(separator: "\n").first)
        let count = try #require(Int(header.split(separator: "(")[1].split(separator: " ")[0]))
        #expect(count > 50)
        #expect(header.contains("\(count) issues, first 50 shown"), "\(header)")
        #expect(result.stderr.split(separator: "\n").count == 51)
    }

    @Test func evaluateReportsTheBoundASolverStored() throws {
        let files = try solved(TestProblems.unit(devices: 2, microbatches: 2), method: "ilp", extra: ["--time-limit", "20"])
        let document = try ScheduleDocument.decode(json: Data(contentsOf: URL(fileURLWithPath: files.schedule)))
        let bound = try #require(document.solver?.bestBound)
        let result = try CLIRunner.run(["evaluate", files.problem, files.schedule])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("lowerBound:  \(max(bound, document.metrics.lowerBound).readable)"), "\(result.stdout)")
        #expect(result.stdout.contains("proven by"))
    }

    /// `evaluate` names every part of the lower bound and marks the one that gives it.
    @Test func evaluateNamesTheBoundsParts() throws {
        let problem = try TestProblems.unit(devices: 4, microbatches: 8)
        let files = try solved(problem)
        let result = try CLIRunner.run(["evaluate", files.problem, files.schedule])
        #expect(result.status == 0, "\(result.stderr)")
        let parts = LowerBound.parts(problem, objective: .stageSpan)
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("boundParts:") })
        for (name, value) in parts.named {
            #expect(line.contains("\(name) \(value.readable)\(value == parts.value ? " (best)" : ",")") || line.hasSuffix("\(name) \(value.readable)"), "\(line)")
        }
        #expect(result.stdout.contains("lowerBound:  \(parts.value.readable)"), "\(result.stdout)")
    }

    @Test func everyCommandReadsStandardInput() throws {
        let problem = try JSONEncoder().encode(TestProblems.unit(devices: 2, microbatches: 4))
        let solved = try CLIRunner.run(["solve", "-", "--method", "1f1b"], input: problem)
        #expect(solved.status == 0, "\(solved.stderr)")
        let schedule = Data(solved.stdout.utf8)
        try problem.write(to: URL(fileURLWithPath: path("p.json")))
        #expect(try CLIRunner.run(["evaluate", "-", path("p.json")], input: problem).status == 2, "the problem file is not a schedule")
        let evaluated = try CLIRunner.run(["evaluate", path("p.json"), "-"], input: schedule)
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let exported = try CLIRunner.run(["export", "-", "--to", "torch-csv"], input: schedule)
        #expect(exported.status == 0 && exported.stdout.hasPrefix("0F0"), "\(exported.stderr)")
        let csv = "stage,forward,backwardInput,backwardWeight,memoryForward,memoryBackwardInput\n0,1,1,1,2,-1\n1,1.5,1.5,1,2,-1\n"
        let profiled = try CLIRunner.run(["profile", "--from-csv", "-", "--microbatches", "4"], input: Data(csv.utf8))
        #expect(profiled.status == 0, "\(profiled.stderr)")
        #expect(try CLIRunner.run(["solve", "-", "--method", "zb-h1", "--quiet"], input: Data(profiled.stdout.utf8)).status == 0)
        let twice = try CLIRunner.run(["evaluate", "-", "-"], input: problem)
        #expect(twice.status == 2 && twice.stderr.contains("only one input can be -"))
    }

    @Test func solveAllSaysWhyEachSkippedMethodWasSkipped() throws {
        let problem = try write(TestProblems.unit(devices: 2, microbatches: 4), "p.json")
        let result = try CLIRunner.run(["solve", problem, "--all", "--time-limit", "0.5", "--output", path("s.json")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("does not fit the placement"))
        let zbv = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("zb-v ") })
        #expect(zbv.contains("needs the V placement"), "\(zbv)")
        let interleaved = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("interleaved-1f1b ") })
        #expect(interleaved.count > "interleaved-1f1b".count + 30, "\(interleaved)")
    }

    @Test func solveSummarisesOnSuccessAndShowsProgressWhenAsked() throws {
        let problem = try write(TestProblems.unit(devices: 2, microbatches: 4), "p.json")
        let result = try CLIRunner.run(["solve", problem, "--method", "local", "--time-limit", "0.3", "--progress", "--output", path("s.json")])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.last?.hasPrefix("wrote \(path("s.json")): local: stageSpan") == true, "\(result.stderr)")
        #expect(lines.last?.contains("lower bound") == true && lines.last?.contains("peak memory") == true)
        #expect(lines.contains { $0.contains("best stageSpan so far") })
        let quiet = try CLIRunner.run(["solve", problem, "--method", "1f1b", "--quiet", "--output", path("q.json")])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty)
    }

    static var models: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Models").standardized }

    @Test func profileRefusesOrAppliesWhatItUsedToIgnore() throws {
        let csv = "stage,forward,backwardInput,backwardWeight,memoryForward,memoryBackwardInput\n0,1,1,1,2,-1\n1,1.5,1.5,1,2,-1\n"
        try csv.write(toFile: path("m.csv"), atomically: true, encoding: .utf8)
        let noMicrobatches = try CLIRunner.run(["profile", "--from-csv", path("m.csv"), "--output", path("m.json")])
        #expect(noMicrobatches.status == 2 && noMicrobatches.stderr.contains("--from-csv needs --microbatches"))
        #expect(!FileManager.default.fileExists(atPath: path("m.json")))
        let model = Self.models.appendingPathComponent("models/zb-gpt-1.5b.json").path
        let hardware = Self.models.appendingPathComponent("hardware/a100-80gb.json").path
        let capped = try CLIRunner.run(["profile", "--model", model, "--hardware", hardware, "--microbatches", "8", "--memory-limit", "40",
                                        "--output", path("c.json")])
        #expect(capped.status == 0, "\(capped.stderr)")
        let problem = try Problem.decode(json: Data(contentsOf: URL(fileURLWithPath: path("c.json"))))
        #expect(problem.memoryLimit?.allSatisfy { $0 == 40 } == true)
        let both = try CLIRunner.run(["profile", "--model", model, "--hardware", hardware, "--microbatches", "8", "--memory-limit", "40", "--no-memory-limit"])
        #expect(both.status == 2)
    }

    @Test func memoryHintsLeaveOutFlagsAlreadyGiven() throws {
        let model = Self.models.appendingPathComponent("models/llama3-70b.json").path
        let hardware = Self.models.appendingPathComponent("hardware/h100-80gb.json").path
        let result = try CLIRunner.run(["profile", "--model", model, "--hardware", hardware, "--devices", "2", "--microbatches", "8",
                                        "--recompute", "full", "--memory-limit", "10"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("memory"))
        #expect(!result.stderr.contains("--recompute full"), "\(result.stderr)")
        #expect(result.stderr.contains("--devices 3 or more"))
    }

    @Test func profileReadsPipeSchedsOwnChromeTraceBackToTheSameCosts() throws {
        let original = try TestProblems.random(devices: 4, microbatches: 6, seed: 3)
        let files = try solved(original, method: "zb-h1")
        let trace = try CLIRunner.run(["export", files.schedule, "--to", "chrome-trace", "-o", path("t.json")])
        #expect(trace.status == 0, "\(trace.stderr)")
        let profiled = try CLIRunner.run(["profile", "--from-trace", path("t.json"), "--output", path("back.json")])
        #expect(profiled.status == 0, "\(profiled.stderr)")
        let back = try Problem.decode(json: Data(contentsOf: URL(fileURLWithPath: path("back.json"))))
        #expect(back.devices == 4 && back.stageCount == 4 && back.microbatches == 6)
        for stage in 0..<4 {
            for kind in [OpKind.forward, .backwardInput, .backwardWeight] {
                #expect(abs(back.duration(kind, stage: stage, slice: 0) - original.duration(kind, stage: stage, slice: 0)) < 1e-6, "stage \(stage) \(kind)")
            }
        }
    }

    @Test func versionIsReportedByTheToolAndEverySchedule() throws {
        let version = try CLIRunner.run(["--version"])
        #expect(version.status == 0 && version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == PipeSchedVersion.current)
        let files = try solved(TestProblems.unit(devices: 2, microbatches: 2))
        let document = try ScheduleDocument.decode(json: Data(contentsOf: URL(fileURLWithPath: files.schedule)))
        #expect(document.version == PipeSchedVersion.current)
    }

    @Test func completionScriptsOfferTheMethodNames() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try CLIRunner.run(["--generate-completion-script", shell])
            #expect(script.status == 0)
            for method in ["zb-h1", "zb-v", "ilp-window", "auto"] { #expect(script.stdout.contains(method), "\(shell) \(method)") }
        }
    }

    @Test func theManPageDescribesEveryCommandAndTheNewOptions() throws {
        let page = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/man/pipesched.1").standardized, encoding: .utf8)
        let help = try CLIRunner.run(["--help"]).stdout
        let commands = help.components(separatedBy: "SUBCOMMANDS:")[1].split(separator: "\n")
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") && !$0.hasPrefix("  See ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(commands.count >= 7)
        for command in commands { #expect(page.contains(".It Em \(command)"), "run `make man`: \(command) is missing") }
        for option in ["progress", "quiet", "memory-limit", "to", "exclude"] { #expect(page.contains("Fl -\(option)"), "run `make man`: --\(option)") }
    }
}
