import Foundation
import Synchronization
@testable import LinearProgramming
import Testing

/// The optional HiGHS backend. Skipped when `libhighs.so` is not installed (`scripts/install-highs`).
@Suite(.enabled(if: HiGHSSolver.isAvailable, "HiGHS is not installed (scripts/install-highs)"))
struct HiGHSSolverTests {
    let solver = HiGHSSolver()

    /// Without a limit, with a finite one and with an infinite one (the three ways the wait for
    /// HiGHS's thread is bounded or not, `DetachedSolve`).
    @Test(arguments: [nil, 600, .infinity] as [Double?])
    func knapsackMatchesDynamicProgramming(timeLimit: Double?) throws {
        let (model, _, optimum) = TestModels.randomKnapsack(count: 20, seed: 42)
        let result = try solver.solve(model, options: MILPOptions(timeLimit: timeLimit, relativeGap: 0))
        #expect(result.status == .optimal)
        #expect(result.objective == optimum)
        #expect(result.bestBound.map { abs($0 - optimum) < 1e-6 } == true)
        #expect(model.maximumViolation(at: result.values) <= 1e-9)
        #expect(result.solverName.hasPrefix("HiGHS 1."))
    }

    @Test func infeasibleMILPAndLP() throws {
        var model = MILPModel()
        let x = model.addVariable("x", kind: .integer, upper: 10)
        let y = model.addVariable("y", kind: .integer, upper: 10)
        model.add(2 * x + 2 * y == 3)
        model.minimize(x + y)
        #expect(try solver.solve(model).status == .infeasible)
        var lp = MILPModel()
        let u = lp.addVariable("u", upper: 10)
        lp.add(u >= 5)
        lp.add(u <= 3)
        lp.minimize(LinearExpression(u))
        #expect(try solver.solve(lp).status == .infeasible)
    }

    @Test func pureLPIsOptimalWithItsObjectiveAsBound() throws {
        var model = MILPModel()
        let x = model.addVariable("x", upper: 4)
        let y = model.addVariable("y", upper: 3)
        model.add(x + y <= 5)
        model.maximize(2 * x + y + 1)
        let result = try solver.solve(model)
        #expect(result.status == .optimal)
        #expect(abs(result.objective! - 10) < 1e-9)
        #expect(result.bestBound == result.objective)
    }

    @Test func startAndTimeLimitKeepResultsConsistent() throws {
        let model = TestModels.hardMultiKnapsack()
        let zero = [Double](repeating: 0, count: model.variableCount)
        let result = try solver.solve(model, options: MILPOptions(timeLimit: 0.5, relativeGap: 0, start: zero))
        #expect([.optimal, .feasible].contains(result.status))
        #expect(model.maximumViolation(at: result.values) <= 1e-6)
        #expect(result.seconds < 10)
        if let bound = result.bestBound, let objective = result.objective { #expect(bound >= objective - 1e-6) }
    }

    /// `solve`, tried again while it stopped waiting for the library that another test's solve
    /// holds (solves run one at a time, `LibraryGate`), for up to five minutes.
    static func onceTheLibraryIsFree(_ solve: () throws -> MILPResult) throws -> MILPResult {
        let firstTry = Date()
        var result: MILPResult
        repeat {
            result = try solve()
        } while result.message?.contains("waiting for the HiGHS lock") == true && Date().timeIntervalSince(firstTry) < 300
        return result
    }

    /// Cancellation reaches HiGHS's interrupt callback: the stop request is false when the solve
    /// starts (so HiGHS really runs) and true from the third poll on, made by the callback or by the
    /// wait for HiGHS's thread, which then gives the callback a second to end the search.
    /// Other tests may hold the library meanwhile: the solve is tried again (`onceTheLibraryIsFree`).
    @Test func shouldStopDuringTheSearchEndsIt() throws {
        let model = TestModels.hardMultiKnapsack(seed: 9)
        let polls = Atomic<Int>(0)
        let result = try Self.onceTheLibraryIsFree {
            polls.store(0, ordering: .relaxed)
            let options = MILPOptions(timeLimit: 30, relativeGap: 0, shouldStop: { polls.add(1, ordering: .relaxed).newValue > 2 })
            return try solver.solve(model, options: options)
        }
        #expect(polls.load(ordering: .relaxed) > 2)
        #expect([.feasible, .noSolution].contains(result.status))
        #expect(result.message == "stopped by shouldStop")
    }

    /// A solve with a short limit returns by shortly after it, whether HiGHS ended it or the wait for
    /// HiGHS's thread gave up (HiGHS then finishes in the background); the next solve waits for the
    /// library and solves correctly. `DetachedSolveTests` checks the giving up itself.
    @Test func aShortLimitReturnsAndTheNextSolveStillRuns() throws {
        let model = TestModels.hardMultiKnapsack(seed: 9)
        let limit = 0.05
        let result = try Self.onceTheLibraryIsFree { try solver.solve(model, options: MILPOptions(timeLimit: limit, relativeGap: 0)) }
        // Ended by HiGHS's own limit, or abandoned shortly after it.
        #expect(result.seconds <= DetachedSolve.abandonAfter(limit) + 0.5, "\(result)")
        #expect([.feasible, .noSolution, .optimal].contains(result.status), "\(result)")
        let (knapsack, _, optimum) = TestModels.randomKnapsack(count: 20, seed: 7)
        let next = try solver.solve(knapsack, options: MILPOptions(relativeGap: 0))
        #expect(next.status == .optimal && next.objective == optimum, "\(next)")
    }

    @Test func kindParsesAndReportsAvailability() {
        #expect(SolverKind(argument: "HiGHS") == .highs)
        #expect(SolverKind.highs.isAvailable)
    }
}
