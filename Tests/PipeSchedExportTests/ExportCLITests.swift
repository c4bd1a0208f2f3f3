import CLITestSupport
import Foundation
import Testing
@testable import PipeSched
@testable import PipeSchedExport

/// `pipesched export`, `solve --export` and `evaluate --torch-csv`: outputs, file names, exit codes.
@Suite struct ExportCLITests {
    let folder: URL

    init() throws { folder = try CLIRunner.temporaryFolder() }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func write(_ problem: Problem, _ name: String = "problem.json") throws -> String {
        try JSONEncoder().encode(problem).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    func solved(_ problem: Problem, method: String) throws -> (problem: String, schedule: String) {
        let file = try write(problem)
        let result = try CLIRunner.run(["solve", file, "--method", method, "--output", path("s.json")])
        #expect(result.status == 0, "\(result.stderr)")
        return (file, path("s.json"))
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

    @Test func exportWritesTheSameCSVAsTheLibraryAndNoBlankRowOnStandardOutput() throws {
        let problem = ExportFixtures.problem(devices: 4, microbatches: 8)
        let files = try solved(problem, method: "zb-h1")
        let expected = try TorchCSVWriter().write(ExportFixtures.document(problem, method: "zb-h1")).text
        let toFile = try CLIRunner.run(["export", files.schedule, "--to", "torch-csv", "--output", path("s.csv")])
        #expect(toFile.status == 0)
        #expect(toFile.stderr.contains("\"loop\" placement"))
        #expect(try read("s.csv") == expected)
        let toStdout = try CLIRunner.run(["export", files.schedule, "--to", "torch-csv"])
        #expect(toStdout.stdout == expected)
    }

    @Test func solveExportDerivesTheFileNameFromTheOutput() throws {
        let file = try write(ExportFixtures.problem(devices: 4, microbatches: 8, memoryLimit: 40))
        for (format, ending) in [("svg", ".svg"), ("html", ".html"), ("chrome-trace", ".trace.json"), ("torch-csv", ".csv")] {
            let result = try CLIRunner.run(["solve", file, "--method", "1f1b", "--output", path("run.json"), "--export", format])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: path("run" + ending)), "\(format)")
        }
        let named = try CLIRunner.run(["solve", file, "--method", "1f1b", "--export", "svg"], in: folder)
        #expect(named.status == 0)
        #expect(FileManager.default.fileExists(atPath: path("problem.1f1b.svg")))
        #expect(try read("run.svg").hasPrefix("<svg"))
    }

    @Test func aRefusedExportWritesNothingAndExitsTwo() throws {
        let problem = try Problem(name: "custom", microbatches: 4, devices: 2, placement: .explicit([0, 0, 1, 1]),
                                  stages: ExportFixtures.problem(devices: 4, microbatches: 4).stages)
        let file = try write(problem)
        let result = try CLIRunner.run(["solve", file, "--method", "bfs", "--output", path("s.json"), "--export", "torch-csv"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--allow-custom-placement"))
        #expect(!FileManager.default.fileExists(atPath: path("s.json")) && !FileManager.default.fileExists(atPath: path("s.csv")))
        let allowed = try CLIRunner.run(["solve", file, "--method", "bfs", "--output", path("s.json"), "--export", "torch-csv", "--allow-custom-placement"])
        #expect(allowed.status == 0)
        #expect(try read("s.csv").split(separator: "\n").count == 2)
    }

    @Test func evaluateReadsATorchCSVAndReportsTheSameMetricsAsTheScheduleFile() throws {
        let problem = ExportFixtures.problem(devices: 4, microbatches: 8, placement: .v, chunks: 2)
        let files = try solved(problem, method: "bfs")
        #expect(try CLIRunner.run(["export", files.schedule, "--to", "torch-csv", "-o", path("s.csv")]).status == 0)
        let fromJSON = try CLIRunner.run(["evaluate", files.problem, files.schedule])
        let fromCSV = try CLIRunner.run(["evaluate", files.problem, "--torch-csv", path("s.csv"), "--output", path("imported.json")])
        #expect(fromCSV.status == 0, "\(fromCSV.stderr)")
        let metrics = { (text: String) in text.split(separator: "\n").dropFirst().joined(separator: "\n") }
        #expect(metrics(fromCSV.stdout) == metrics(fromJSON.stdout))
        #expect(fromCSV.stdout.contains("valid schedule: torch-csv:s.csv"))
        let imported = try ScheduleDocument.decode(json: Data(contentsOf: URL(fileURLWithPath: path("imported.json"))))
        #expect(imported.timeline.map(\.count) == [32, 32, 32, 32])
    }

    @Test func evaluateReadsPyTorchsDualPipeVDump() throws {
        let file = try write(ExportFixtures.problem(devices: 4, microbatches: 8, placement: .v, chunks: 2))
        try ExportFixtures.fixture("dualpipev_4rank_8mb.csv").write(toFile: path("dpv.csv"), atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["evaluate", file, "--torch-csv", path("dpv.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("stageSpan:"))
    }

    @Test func evaluateRejectsABadCSVWithExitOneAndTheReason() throws {
        let file = try write(ExportFixtures.problem(devices: 2, microbatches: 2))
        try "0F0,0F1,0I0,0I1,0W1,0W0\n1F0,1W0,1I0,1F1,1I1,1W1\n".write(toFile: path("bad.csv"), atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["evaluate", file, "--torch-csv", path("bad.csv")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("1W0 runs before its input backward 1I0"))
        let legacy = try CLIRunner.run(["evaluate", file, "--torch-csv", path("bad.csv"), "--torch-version", "2.5"])
        #expect(legacy.status == 1)
        #expect(legacy.stderr.contains("not a compute action of PyTorch 2.5"))
    }

    @Test func evaluateNeedsExactlyOneScheduleSource() throws {
        let files = try solved(ExportFixtures.problem(devices: 2, microbatches: 2), method: "1f1b")
        let neither = try CLIRunner.run(["evaluate", files.problem])
        #expect(neither.status == 2)
        #expect(neither.stderr.contains("give exactly one schedule"))
        let both = try CLIRunner.run(["evaluate", files.problem, files.schedule, "--torch-csv", path("x.csv")])
        #expect(both.status == 2)
    }

    @Test func exportChecksTheScheduleAgainstTheProblem() throws {
        let files = try solved(ExportFixtures.problem(devices: 4, microbatches: 8), method: "1f1b")
        let other = try write(ExportFixtures.problem(devices: 2, microbatches: 8), "other.json")
        let result = try CLIRunner.run(["export", files.schedule, "--to", "svg", "--problem", other, "-o", path("x.svg")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("4 devices") && result.stderr.contains("not for problem"))
        #expect(!FileManager.default.fileExists(atPath: path("x.svg")))
        let capped = try write(ExportFixtures.problem(devices: 4, microbatches: 8, memoryLimit: 6), "capped.json")
        let invalid = try CLIRunner.run(["export", files.schedule, "--to", "svg", "--problem", capped])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("[memory]"))
    }

    @Test func exportHelpListsTheFormatsAndOptions() throws {
        let help = try CLIRunner.run(["export", "--help"])
        #expect(help.status == 0)
        for word in ["--to", "--problem", "--torch-version", "--allow-custom-placement", "--time-unit"] {
            #expect(help.stdout.contains(word))
        }
        #expect(try CLIRunner.run(["evaluate", "--help"]).stdout.contains("--torch-csv"))
        #expect(try CLIRunner.run(["solve", "--help"]).stdout.contains("--export-output"))
    }

    @Test func torchtitanExportWritesTheSnippetAndTheCSVItNames() throws {
        let files = try solved(ExportFixtures.problem(devices: 4, microbatches: 8, placement: .v, chunks: 2), method: "zb-v")
        let result = try CLIRunner.run(["export", files.schedule, "--to", "torchtitan", "--problem", files.problem, "-o", path("run.toml")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try read("run.toml").contains("pipeline_parallel_schedule_csv = \"\(path("run.csv"))\""))
        #expect(try read("run.toml").contains("pipeline_parallel_schedule = \"ZBVZeroBubble\""))
        let csv = try CLIRunner.run(["export", files.schedule, "--to", "torch-csv", "--problem", files.problem])
        #expect(try read("run.csv") == csv.stdout)
        let noOutput = try CLIRunner.run(["export", files.schedule, "--to", "torchtitan"])
        #expect(noOutput.status == 2 && noOutput.stderr.contains("--output"))
        let megatron = try CLIRunner.run(["export", files.schedule, "--to", "megatron", "--problem", files.problem])
        #expect(megatron.status == 2 && megatron.stderr.contains("partition"), "\(megatron.stderr)")
    }
}
