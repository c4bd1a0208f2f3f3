import CLITestSupport
import Foundation
import Testing
@testable import PipeSched

/// The `pipesched` command line: outputs, exit codes, and nothing written on failure.
@Suite struct CLITests {
    let folder: URL

    init() throws { folder = try CLIRunner.temporaryFolder() }

    func write(_ problem: Problem, _ name: String = "problem.json") throws -> String {
        let url = folder.appendingPathComponent(name)
        try JSONEncoder().encode(problem).write(to: url)
        return url.path
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    @Test func solveWritesAValidScheduleThatEvaluateAccepts() throws {
        let problem = try write(TestProblems.random(devices: 4, microbatches: 8, seed: 7))
        let solved = try CLIRunner.run(["solve", problem, "--method", "zb-h1", "--output", path("s.json")])
        #expect(solved.status == 0, "\(solved.stderr)")
        let document = try ScheduleDocument.decode(json: Data(contentsOf: URL(fileURLWithPath: path("s.json"))))
        #expect(document.format == "pipesched.schedule.v1")
        #expect(document.method == "zb-h1")
        #expect(document.timeline.count == 4)
        let evaluated = try CLIRunner.run(["evaluate", problem, path("s.json")])
        #expect(evaluated.status == 0)
        #expect(evaluated.stdout.contains("valid schedule: zb-h1"))
    }

    /// Under caps that differ per device, the summary line sets the tightest device's peak against
    /// its own cap (not the highest peak against the lowest cap, which reads as a breach).
    @Test func summaryLineSetsEachPeakAgainstItsOwnCap() throws {
        let base = TestProblems.unit(devices: 2, microbatches: 4)
        let problem = try write(try base.withMemoryLimit([100, 2.5]))
        let solved = try CLIRunner.run(["solve", problem, "--method", "1f1b", "--output", path("s.json")])
        #expect(solved.status == 0, "\(solved.stderr)")
        let document = try ScheduleDocument.decode(json: Data(contentsOf: URL(fileURLWithPath: path("s.json"))))
        let peak = document.metrics.peakMemory[1].readable
        #expect(solved.stderr.contains("peak memory \(peak) of 2.5 on device 1"), "\(solved.stderr)")
    }

    /// `auto`'s summary line sets its schedule against the best of PyTorch's built-in classes among
    /// its candidates, which the schedule file carries (`ScheduleDocument.torchBaseline`), in the
    /// objective and (under stageSpan) in makespan, that class's own schedule's; a single method's
    /// line and file do not.
    @Test func autoSummaryComparesWithPyTorchsBestClass() throws {
        let v = TestProblems.random(devices: 4, microbatches: 8, placement: .v, chunks: 2, seed: 3)
        let problem = try write(v)
        let solved = try CLIRunner.run(["solve", problem, "--method", "auto", "--output", path("s.json")])
        #expect(solved.status == 0, "\(solved.stderr)")
        let document = try ScheduleDocument.decode(json: Data(contentsOf: URL(fileURLWithPath: path("s.json"))))
        let candidates = try #require(document.candidates)
        let baseline = try #require(TorchBaseline.best(among: candidates, on: v))
        #expect(document.torchBaseline == baseline)
        let ratio = String(format: "%.4f", document.metrics.stageSpan / baseline.value)
        #expect(solved.stderr.contains("\(ratio)× PyTorch's best built-in here (\(baseline.torchClass), \(baseline.value.readable))"), "\(solved.stderr)")
        let single = try CLIRunner.run(["solve", problem, "--method", baseline.method, "--output", path("z.json")])
        #expect(single.status == 0 && !single.stderr.contains("PyTorch"), "\(single.stderr)")
        let alone = try ScheduleDocument.decode(json: Data(contentsOf: URL(fileURLWithPath: path("z.json"))))
        #expect(alone.torchBaseline == nil)
        let theirs = try #require(baseline.makespan)
        #expect(abs(theirs - alone.metrics.makespan) <= 1e-9 * theirs, "\(theirs) against \(alone.metrics.makespan)")
        // Each candidate row carries its bubble rate, as that method's own file measures it.
        let row = try #require(candidates.first { $0.method == baseline.method }?.bubbleRate)
        #expect(abs(row - alone.metrics.bubbleRate) <= 1e-9, "\(row) against \(alone.metrics.bubbleRate)")
        let makespans = "makespan \(document.metrics.makespan.readable) against its \(theirs.readable) (\(String(format: "%.4f", document.metrics.makespan / theirs))×)"
        #expect(solved.stderr.contains(makespans), "\(solved.stderr)")
    }

    @Test func solveWithoutOutputPrintsJSON() throws {
        let problem = try write(TestProblems.unit(devices: 2, microbatches: 2))
        let result = try CLIRunner.run(["solve", problem, "--method", "1f1b", "--objective", "makespan"])
        #expect(result.status == 0)
        let document = try ScheduleDocument.decode(json: Data(result.stdout.utf8))
        #expect(document.objective == .makespan)
    }

    @Test func badProblemExitsTwoNamingTheFieldAndWritesNothing() throws {
        let url = folder.appendingPathComponent("bad.json")
        try Data(#"{"microbatches": 4, "devices": 2, "stages": [{"forward": 1, "backwardInput": -1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}]}"#.utf8).write(to: url)
        let result = try CLIRunner.run(["solve", url.path, "--method", "1f1b", "--output", path("out.json")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("stages[0].backwardInput"))
        #expect(!FileManager.default.fileExists(atPath: path("out.json")))
    }

    @Test func methodThatDoesNotFitExitsTwo() throws {
        let problem = try write(TestProblems.unit(devices: 2, microbatches: 4, placement: .interleaved, chunks: 2))
        let result = try CLIRunner.run(["solve", problem, "--method", "1f1b"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("one stage per device"))
    }

    @Test func unknownMethodAndMissingOptionExitTwo() throws {
        let problem = try write(TestProblems.unit(devices: 2, microbatches: 4))
        #expect(try CLIRunner.run(["solve", problem, "--method", "nope"]).status == 2)
        #expect(try CLIRunner.run(["solve"]).status == 2)
    }

    @Test func memoryCapTooSmallForTheMethodExitsThreeAndWritesNothing() throws {
        let problem = try write(TestProblems.unit(devices: 4, microbatches: 8, memoryLimit: 2))
        let result = try CLIRunner.run(["solve", problem, "--method", "gpipe", "--output", path("out.json")])
        #expect(result.status == 3)
        #expect(result.stderr.contains("memory cap"))
        #expect(!FileManager.default.fileExists(atPath: path("out.json")))
    }

    @Test func evaluateRejectsATamperedScheduleWithExitOne() throws {
        let problem = try write(TestProblems.unit(devices: 2, microbatches: 2))
        #expect(try CLIRunner.run(["solve", problem, "--method", "1f1b", "--output", path("s.json")]).status == 0)
        var document = try ScheduleDocument.decode(json: Data(contentsOf: URL(fileURLWithPath: path("s.json"))))
        document.timeline[1].removeLast()
        try document.json().write(to: URL(fileURLWithPath: path("t.json")))
        let result = try CLIRunner.run(["evaluate", problem, path("t.json")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("[count]"))
    }

    @Test func methodsListsEveryFamily() throws {
        let result = try CLIRunner.run(["methods"])
        #expect(result.status == 0)
        for family in ScheduleFamilies.all { #expect(result.stdout.contains(family.name)) }
    }

    @Test func helpIsCompleteForEveryCommand() throws {
        for command in ["solve", "evaluate", "methods"] {
            let result = try CLIRunner.run([command, "--help"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("USAGE"))
        }
        #expect(try CLIRunner.run(["solve", "--help"]).stdout.contains("--objective"))
    }
}
