import Foundation
import PipeSched

extension SolveRequest {
    /// The request as a solve body for the job's row: problem, method, objective, the time limit it
    /// runs to (`cap` applied), seed, exact-solver settings, memory headroom and excluded candidates; no
    /// `wait`. Parsing it on any server gives the same request key, so a server taking over a dead
    /// one's job runs the same solve.
    func storedBody(cap: Double) throws -> Data {
        struct Body: Encodable {
            var problem: Problem
            var method: String
            var objective: Objective
            var timeLimit: Double?
            var seed: UInt64
            var solver: String?
            var gap: Double?
            var threads: Int?
            var memoryHeadroom: Double?
            var exclude: [String]?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Body(problem: problem, method: method, objective: objective, timeLimit: options(cap: cap).timeLimit,
                                       seed: seed, solver: exact?.solver, gap: exact?.gap, threads: exact?.threads,
                                       memoryHeadroom: memoryHeadroom > 0 ? memoryHeadroom : nil,
                                       exclude: excludedCandidates.isEmpty ? nil : excludedCandidates.sorted()))
    }
}
