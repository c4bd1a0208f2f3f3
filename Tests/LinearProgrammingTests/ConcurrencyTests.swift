import Foundation
import LinearProgramming
import Testing

/// Many solves at once in one process. CBC is not thread-safe (wrong answers were
/// measured without the process-wide lock); GLPK keeps its state per thread.
@Suite struct ConcurrencyTests {
    /// `solve` on a thread of its own. A solve blocks its thread, for as long as another CBC solve
    /// holds the library (CBCRootLPTests leaves one running in the background for seconds): on one
    /// of Swift concurrency's cooperative threads (as many as cores) a few such solves would stall
    /// every other test of the process, which a CI run saw as the server tests' read timeouts.
    static func onItsOwnThread(_ solve: @escaping @Sendable () throws -> MILPResult) async throws -> MILPResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try solve() }) }
        }
    }

    /// With a time limit each solve runs on a thread of its own (`DetachedSolve`; GLPK in a fresh
    /// environment there, freed when the thread ends), without one (or with an infinite one) on the
    /// caller's thread for GLPK.
    @Test(arguments: [(SolverKind.glpk, nil), (.glpk, 600), (.glpk, .infinity), (.cbc, nil), (.cbc, 600), (.cbc, .infinity)]
          as [(SolverKind, Double?)])
    func eightConcurrentSolvesAgreeWithDynamicProgramming(_ kind: SolverKind, timeLimit: Double?) async throws {
        let cases = (0..<8).map { TestModels.randomKnapsack(count: 25, seed: UInt64(100 + $0)) }
        let solver = kind.makeSolver()
        let results = try await withThrowingTaskGroup(of: (Int, MILPResult).self) { group in
            for (index, instance) in cases.enumerated() {
                group.addTask {
                    (index, try await Self.onItsOwnThread { try solver.solve(instance.model, options: MILPOptions(timeLimit: timeLimit, relativeGap: 0)) })
                }
            }
            var collected: [Int: MILPResult] = [:]
            for try await (index, result) in group {
                collected[index] = result
            }
            return collected
        }
        #expect(results.count == cases.count)
        for (index, instance) in cases.enumerated() {
            let result = try #require(results[index])
            #expect(result.status == .optimal, "instance \(index)")
            #expect(result.objective == instance.optimum, "instance \(index)")
        }
    }

    /// Both backends at the same time, mixed with cancelled and time-limited solves.
    @Test func mixedBackendsConcurrently() async throws {
        let instance = TestModels.randomKnapsack(count: 25, seed: 77)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for round in 0..<6 {
                let kind: SolverKind = round.isMultiple(of: 2) ? .glpk : .cbc
                group.addTask {
                    let result = try await Self.onItsOwnThread { try kind.makeSolver().solve(instance.model, options: MILPOptions(relativeGap: 0)) }
                    #expect(result.objective == instance.optimum)
                }
                group.addTask {
                    let result = try await Self.onItsOwnThread { try kind.makeSolver().solve(instance.model, options: MILPOptions(shouldStop: { true })) }
                    #expect(result.status == .noSolution)
                }
            }
            try await group.waitForAll()
        }
    }
}
