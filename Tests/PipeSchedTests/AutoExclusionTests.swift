import CLITestSupport
import Foundation
import Testing
@testable import PipeSched

/// `solve --exclude`: the candidates named are not run and get no row in the table or the schedule
/// file, and a name `auto` does not run is refused naming the option and listing those it does.
@Suite struct AutoExclusionTests {
    /// A candidate that counts its runs.
    final class Spy: SchedulingMethod, @unchecked Sendable {
        let name = "spy"
        let summary = "test double"
        private let lock = NSLock()
        private var count = 0
        var runs: Int { lock.withLock { count } }

        func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
            lock.withLock { count += 1 }
            do { return try GPipe().build(problem) } catch { throw .doesNotFit(error) }
        }
    }

    static let problem = TestProblems.random(devices: 4, microbatches: 8, seed: 5)

    @Test func excludedCandidatesAreNotRunAndHaveNoRow() throws {
        let spy = Spy()
        let registry = Methods.standard.adding([], autoCandidates: [spy])
        let excluded: Set<String> = ["spy", "zb-h2", "greedy", AutoSearch.localSearchName]
        let (solution, report) = try registry.solveAuto(Self.problem, options: SolveOptions(timeLimit: 0.2, excludedCandidates: excluded))
        #expect(spy.runs == 0)
        let rows = report.candidates.map(\.method)
        #expect(rows.allSatisfy { !excluded.contains($0) && !$0.hasPrefix("local(") }, "\(rows)")
        #expect(rows.contains("zb-h1") && rows.contains("interleaved-zb"), "the others still run: \(rows)")
        let written = try ScheduleDocument.decode(json: solution.document(for: Self.problem).json())
        #expect(written.candidates?.map(\.method) == rows)

        _ = try registry.solveAuto(Self.problem, options: SolveOptions(timeLimit: 0.2))
        #expect(spy.runs == 1, "without --exclude the candidate runs")
    }

    @Test func unknownNamesAreRefusedListingTheCandidates() throws {
        let auto = try #require(Methods.named("auto"))
        #expect(auto.excludableCandidates == Methods.standard.autoCandidates.map(\.name) + [AutoSearch.localSearchName, AutoSearch.pairingName])
        #expect(try auto.exclusion(["zb-greedy", "zbv-greedy"]) == ["zb-greedy", "zbv-greedy"])
        do {
            _ = try auto.exclusion(["zb-v", "pipedream"], field: "exclude")
            Issue.record("an unknown name was accepted")
        } catch {
            #expect(error.field == "exclude" && error.message.contains("\"pipedream\""), "\(error)")
            #expect(error.fix.contains("interleaved-zb, bfs") && error.fix.contains("local"), "\(error)")
        }
        #expect(throws: ProblemError.self) { try Methods.named("greedy")!.exclusion(["1f1b"]) }
    }

    @Test func theCLILeavesThemOutAndRefusesAnUnknownName() throws {
        let folder = try CLIRunner.temporaryFolder()
        let file = folder.appendingPathComponent("problem.json")
        // 24 microbatches on 4 devices: more than auto proves exactly, so it stays quick.
        try JSONEncoder().encode(TestProblems.random(devices: 4, microbatches: 24, seed: 5)).write(to: file)
        let output = folder.appendingPathComponent("out.json")
        let solved = try CLIRunner.run(["solve", file.path, "--time-limit", "0.5", "--exclude", "zb-h1,zb-h2", "--exclude", "greedy",
                                        "--quiet", "--output", output.path])
        #expect(solved.status == 0, "\(solved.stderr)")
        let methods = try #require(try ScheduleDocument.decode(json: Data(contentsOf: output)).candidates).map(\.method)
        #expect(!methods.contains("zb-h1") && !methods.contains("zb-h2") && !methods.contains("greedy") && methods.contains("1f1b"), "\(methods)")

        let unknown = try CLIRunner.run(["solve", file.path, "--exclude", "zb-h1,nope", "--output", folder.appendingPathComponent("no.json").path])
        #expect(unknown.status == 2 && unknown.stderr.contains("--exclude") && unknown.stderr.contains("\"nope\""), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("zb-greedy, zbv-greedy, greedy"), "lists the candidates: \(unknown.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("no.json").path))
        let notAuto = try CLIRunner.run(["solve", file.path, "--method", "greedy", "--exclude", "1f1b"])
        #expect(notAuto.status == 2 && notAuto.stderr.contains("--exclude goes with --method auto"), "\(notAuto.stderr)")
    }
}
