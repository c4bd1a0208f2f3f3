import Foundation
import PipeSched

extension StoredResult {
    /// A complete result for a solved request (`key` set) or a partial one (`key` nil: a new random id).
    public init(solution: Solution, problem: Problem, key: RequestKey?, solveSeconds: Double, createdAt: Date = Date()) throws {
        let document = solution.document(for: problem)
        self.init(id: key?.resultID ?? Self.newID(), key: key, method: solution.method, objective: solution.objective,
                  problem: problem.canonicalJSON(), outcome: .schedule(document: try document.compactJSON(), metrics: document.metrics),
                  solveSeconds: solveSeconds, createdAt: createdAt)
    }

    /// A stored failure for a request whose method found no schedule.
    public init(failure: StoredFailure, problem: Problem, method: String, objective: Objective, key: RequestKey,
                solveSeconds: Double, createdAt: Date = Date()) {
        self.init(id: key.resultID, key: key, method: method, objective: objective, problem: problem.canonicalJSON(),
                  outcome: .failure(failure), solveSeconds: solveSeconds, createdAt: createdAt)
    }

    /// The schedule document, decoded.
    public func scheduleDocument() throws -> ScheduleDocument? {
        guard let document else { return nil }
        return try ScheduleDocument.decode(json: document)
    }

    /// The problem, decoded.
    public func decodedProblem() throws -> Problem { try Problem.decode(json: problem) }

    /// A fresh random id of 32 hex digits, like the ids of complete results: for partial results
    /// and jobs.
    public static func newID() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}

extension StoredFailure {
    /// The failure for a method error, or `nil` for errors that are not an answer: an unknown method
    /// (a request error), an invalid schedule (a bug) or a failing solver library.
    public init?(_ error: SolveError) {
        switch error {
        case .unknownMethod, .invalid, .solverFailed: return nil
        case .doesNotFit: self.init(kind: "doesNotFit", message: error.description)
        case .memoryCapExceeded: self.init(kind: "memoryCapExceeded", message: error.description)
        case .noScheduleFitsCap: self.init(kind: "noScheduleFitsCap", message: error.description)
        case .noScheduleWithinTimeLimit: self.init(kind: "noScheduleWithinTimeLimit", message: error.description)
        case .tooLarge: self.init(kind: "tooLarge", message: error.description)
        }
    }

    /// Whether the same request fails the same way every time, so the failure may be stored under
    /// its key: not when a time limit cut the search short.
    public var isRepeatable: Bool { kind != "noScheduleWithinTimeLimit" }
}

extension Problem {
    /// The problem as JSON with sorted keys and explicit defaults: the form stored and hashed.
    public func canonicalJSON() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }
}

extension ScheduleDocument {
    /// The schedule file as compact JSON with sorted keys: the stored and served form (same schema
    /// as `json()`, without the indentation). Written by `ScheduleJSONWriter`.
    public func compactJSON() throws -> Data {
        try ScheduleJSONWriter.write(self)
    }
}
