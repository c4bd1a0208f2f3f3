import CLITestSupport
import PipeSched
import PipeSchedCPSAT
import Testing
@testable import PipeSchedILP

/// Exact methods refuse problems whose models would exceed their memory budget, before building
/// anything, with an error naming the size and the fix.
@Suite struct ExactSizeGuardTests {
    /// The largest problem the server admits by default (128 devices, 512 microbatches).
    static let huge = ILPTestProblems.unit(devices: 128, microbatches: 512)

    @Test(arguments: ["ilp", "cpsat"])
    func wholeProblemMethodsRefuseTheLargestAdmittedProblem(method: String) throws {
        let registry = MethodRegistry.withExactMethods()
        #expect {
            _ = try registry.solve(Self.huge, method: method, options: SolveOptions(timeLimit: 5))
        } throws: { error in
            guard case .tooLarge(let name, let reason, let fix)? = error as? SolveError else { return false }
            return name == method && reason.contains("GiB") && !fix.isEmpty
        }
        #expect(reason(registry.named(method), Self.huge)?.contains("GiB") == true)
    }

    /// The window searches' models hold one window each (the MILP's ordering graph keeps its closure
    /// per device): they take problems of any admitted size.
    @Test func theWindowSearchesAcceptTheLargestAdmittedProblem() {
        #expect(reason(MethodRegistry.withExactMethods().named("cpsat-window"), Self.huge) == nil)
        #expect(reason(MethodRegistry.withExactMethods().named("ilp-window"), Self.huge) == nil)
        #expect(ExactSizeGuard.estimate(Self.huge, model: .cpsatWindow(passes: 4000, workers: 2)) < ExactSizeGuard.defaultBudget)
    }

    @Test func estimatesGrowWithTheProblemAndSmallProblemsPass() throws {
        let small = ILPTestProblems.hetero(devices: 4, microbatches: 8, seed: 1)
        for model in [ExactSizeGuard.Model.ilp, .ilpWindow, .cpsat(workers: 2)] {
            #expect(ExactSizeGuard.estimate(small, model: model) < ExactSizeGuard.estimate(Self.huge, model: model))
            try ExactSizeGuard().check(small, model: model, method: "test")
        }
        // The ILP's closure alone: one bit per pair of passes on one device (3 · 512 per device).
        let passes = Double(3 * 128 * 512), perDevice = Double(3 * 512)
        #expect(ExactSizeGuard.estimate(Self.huge, model: .ilpWindow) >= passes * perDevice / 8)
    }

    @Test func autoNamesWhyAnExactCandidateWasSkipped() throws {
        let problem = ILPTestProblems.hetero(devices: 16, microbatches: 32, seed: 2)
        let (_, report) = try MethodRegistry.withExactMethods().solveAuto(problem, options: SolveOptions(timeLimit: 1))
        let skipped = report.candidates.compactMap { candidate -> String? in
            if case .doesNotFit(let reason) = candidate.outcome { return "\(candidate.method): \(reason)" }
            return nil
        }
        #expect(skipped.contains { $0.contains("larger than auto proves in seconds") }, "\(skipped)")
        #expect(!skipped.contains { $0.hasPrefix("cpsat") && $0.contains("placement") }, "\(skipped)")
    }

    @Test func theCLIRefusesWithExitCode2() throws {
        let path = try CLIRunner.writeJSON(Self.huge)
        let result = try CLIRunner.run(["solve", path, "--method", "ilp", "--time-limit", "5"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("GiB an exact solve may use") && result.stderr.contains("-window"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// Why a method does not take a problem (`checkFits`), `nil` when it does.
    func reason(_ method: (any SchedulingMethod)?, _ problem: Problem) -> String? {
        guard let method else { return "no such method" }
        do { try method.checkFits(problem) } catch { return error.message }
        return nil
    }
}
