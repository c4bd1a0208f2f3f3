import CLITestSupport
import Foundation
import Testing
@testable import PipeSched

/// `--memory-headroom`: the search keeps every device the margin below its cap, the result is
/// measured against the real caps and records the margin, and a margin no schedule can meet is
/// refused naming the flag.
@Suite struct MemoryHeadroomTests {
    static let problem = try! TestProblems.random(devices: 4, microbatches: 8, seed: 3).withMemoryLimit(nil)

    /// Capped at what the unlimited greedy schedule peaks at, so a 10% margin binds.
    static func capped() throws -> Problem {
        let peak = try Methods.solve(problem, method: "greedy").evaluation.metrics.peakMemory
        return try problem.withMemoryLimit(peak)
    }

    @Test func everyDeviceStaysTheMarginBelowItsCap() throws {
        let problem = try Self.capped()
        let headroom = try MemoryHeadroom(percent: 10)
        let solution = try Methods.solve(try headroom.apply(to: problem), method: "auto", options: SolveOptions(timeLimit: 0.5))
            .remeasured(on: problem, headroom: headroom)
        for (device, peak) in solution.evaluation.metrics.peakMemory.enumerated() {
            #expect(peak <= problem.cap(device: device) * 0.9 + 1e-9)
        }
        #expect(solution.evaluation.metrics.lowerBound <= LowerBound.value(problem, objective: .stageSpan) + 1e-9,
                "the bound is the real problem's, not the tighter one's")
    }

    @Test func theScheduleFileRecordsTheMarginAndOnlyThen() throws {
        let problem = try Self.capped()
        let plain = try Methods.solve(problem, method: "greedy")
        let kept = try Methods.solve(try MemoryHeadroom(percent: 12.5).apply(to: problem), method: "greedy")
            .remeasured(on: problem, headroom: try MemoryHeadroom(percent: 12.5))
        #expect(kept.memoryHeadroom == 12.5)
        let document = try ScheduleDocument.decode(json: kept.document(for: problem).json())
        #expect(document.memoryHeadroom == 12.5)
        #expect(try plain.remeasured(on: problem, headroom: MemoryHeadroom(percent: 0)).memoryHeadroom == nil, "no margin: nothing recorded")
        let json = String(decoding: try plain.document(for: problem).json(), as: UTF8.self)
        #expect(!json.contains("memoryHeadroom"), "files without a margin are unchanged")
    }

    @Test func aProofUnderTheLoweredCapsIsNotReportedAsOne() throws {
        let problem = try TestProblems.unit(devices: 2, microbatches: 2).withMemoryLimit([4, 4])
        let report = SolverReport(name: "test", status: "optimal", objective: 1, bestBound: 1, gap: 0)
        let schedule = Schedule(try Methods.solve(problem, method: "1f1b").evaluation.timeline)
        let solution = try Solution(problem, method: "ilp", objective: .stageSpan, schedule: schedule, solver: report)
        let restated = try solution.remeasured(on: problem, headroom: MemoryHeadroom(percent: 10))
        #expect(restated.solver?.status == "feasible")
        #expect(restated.solver?.bestBound == nil && restated.solver?.gap == nil)
    }

    @Test func aMarginBelowOneMicrobatchIsRefusedWithTheLargestThatFits() throws {
        let problem = try Self.capped()
        #expect(throws: ProblemError.self) { try MemoryHeadroom(percent: 100) }
        #expect(throws: ProblemError.self) { try MemoryHeadroom(percent: -1) }
        do {
            _ = try MemoryHeadroom(percent: 99).apply(to: problem)
            Issue.record("99% headroom accepted")
        } catch {
            #expect(error.field == "--memory-headroom" && error.fix.contains("at most"), "\(error)")
        }
        #expect(try MemoryHeadroom(percent: 5).apply(to: Self.problem) == Self.problem, "no caps: nothing to lower")
    }

    @Test func theCLIKeepsTheMarginAndRefusesABadOne() throws {
        let folder = try CLIRunner.temporaryFolder()
        let file = folder.appendingPathComponent("capped.json")
        let problem = try Self.capped()
        try JSONEncoder().encode(problem).write(to: file)
        let output = folder.appendingPathComponent("out.json")
        let result = try CLIRunner.run(["solve", file.path, "--memory-headroom", "10", "--quiet", "--output", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try ScheduleDocument.decode(json: Data(contentsOf: output))
        #expect(document.memoryHeadroom == 10)
        for (device, peak) in document.metrics.peakMemory.enumerated() {
            #expect(peak <= problem.cap(device: device) * 0.9 + 1e-9)
        }
        let refused = try CLIRunner.run(["solve", file.path, "--memory-headroom", "99", "--output", folder.appendingPathComponent("no.json").path])
        #expect(refused.status == 2 && refused.stderr.contains("--memory-headroom"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("no.json").path))
    }
}
