import Foundation

/// `auto`: every method that fits the problem, then local search from the best, keeping the best
/// valid schedule. The report lists every candidate, for `solve --all`.
public enum AutoSearch {
    /// One candidate's outcome.
    public struct Candidate: Sendable {
        public enum Outcome: Sendable {
            case scheduled(value: Double, peakMemory: Double)
            case doesNotFit(String)
            case overCapOrStuck
        }

        public var method: String
        public var outcome: Outcome
        public var seconds: Double
    }

    /// All candidates and the winner.
    public struct Report: Sendable {
        public var candidates: [Candidate]
        public var best: Schedule?
        public var bestMethod: String?
        /// The best lower bound an exact candidate (the ILP) proved, if any ran.
        public var provenBound: Double?
    }

    /// Runs the candidates; `options.timeLimit` (default 10 s) bounds the local search phase. Once
    /// `options.shouldStop` says so, the remaining candidates are skipped and the local search ends
    /// early; the best schedule found so far is kept.
    public static func run(_ problem: Problem, options: SolveOptions, methods: [any SchedulingMethod]) -> Report {
        let start = Date()
        var report = Report(candidates: [], best: nil, bestMethod: nil)
        var bestScore: ScheduleScore?
        func consider(_ name: String, _ schedule: Schedule?, since: Date, reason: String? = nil) {
            let seconds = Date().timeIntervalSince(since)
            guard let schedule else {
                report.candidates.append(Candidate(method: name, outcome: .doesNotFit(reason ?? "no schedule"), seconds: seconds))
                return
            }
            guard let score = ScheduleScore(problem, schedule, objective: options.objective) else {
                report.candidates.append(Candidate(method: name, outcome: .overCapOrStuck, seconds: seconds))
                return
            }
            report.candidates.append(Candidate(method: name, outcome: .scheduled(value: score.value, peakMemory: score.peak), seconds: seconds))
            if bestScore == nil || score.isBetter(than: bestScore!) {
                bestScore = score
                report.best = schedule
                report.bestMethod = name
                options.onIncumbent?(score.value)
            }
        }
        for method in methods {
            let began = Date()
            if options.stopRequested && report.best != nil {
                consider(method.name, nil, since: began, reason: "skipped: stopped early")
                continue
            }
            if let reason = method.whyNotFit(problem) {
                consider(method.name, nil, since: began, reason: reason)
                continue
            }
            do {
                let output = try method.run(problem, options: options)
                if let bound = output.provenBound { report.provenBound = max(report.provenBound ?? bound, bound) }
                consider(method.name, output.schedule, since: began)
            } catch {
                consider(method.name, nil, since: began, reason: error.description)
            }
        }
        if let best = report.best, let name = report.bestMethod, !options.stopRequested {
            let began = Date()
            let budget = max(0.05, (options.timeLimit ?? 10) - Date().timeIntervalSince(start))
            let search = LocalSearch(problem: problem, objective: options.objective, timeLimit: budget, seed: options.seed,
                                     shouldStop: options.shouldStop, onIncumbent: options.onIncumbent)
            consider("local(\(name))", search.improve(best).schedule, since: began)
        }
        return report
    }
}
