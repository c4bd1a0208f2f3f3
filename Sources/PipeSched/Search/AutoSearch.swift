import Foundation

/// `auto`: every method that fits the problem (in the other microbatch orders too, `MicrobatchOrder`,
/// and the greedy under tighter memory budgets, `ActivationBudget`), then local search from the best (under a caller's
/// time limit, on every core and until the phase's end, from the next best and with further seeds
/// too: `LocalSearchPhase`), then, where the
/// problem declares time an overlapped F&B pass hides, the pairs that help the best
/// (`OverlapPairing`), then (when the caller gave a time limit and at least
/// `improverMinimumSeconds` of it are left and the best has no overlapped pairs) each improver from
/// the best (`ScheduleImprover`: CP-SAT's whole model where it is small enough, then the CP-SAT
/// window search, in equal shares of the time left), keeping the best valid schedule. The report
/// lists every candidate, for `solve --all`.
public enum AutoSearch {
    /// One candidate's outcome.
    public struct Candidate: Sendable {
        public enum Outcome: Sendable {
            /// `makespan` beside the objective's `value`: under stageSpan, the step's wall time
            /// (`Metrics`), which the comparison with PyTorch's classes reports too (`TorchBaseline`).
            case scheduled(value: Double, peakMemory: Double, bubbleRate: Double, makespan: Double)
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
        /// The best lower bound an exact candidate or improver proved, if any ran.
        public var provenBound: Double?

        /// The candidates as a schedule file records them.
        public var summaries: [CandidateSummary] {
            candidates.map { candidate in
                switch candidate.outcome {
                case .scheduled(let value, let peak, let bubbleRate, let makespan):
                    CandidateSummary(method: candidate.method, value: value, peakMemory: peak, makespan: makespan, bubbleRate: bubbleRate,
                                     seconds: candidate.seconds,
                                     note: candidate.method == bestMethod ? "best" : nil)
                case .doesNotFit(let reason):
                    CandidateSummary(method: candidate.method, seconds: candidate.seconds, note: reason)
                case .overCapOrStuck:
                    CandidateSummary(method: candidate.method, seconds: candidate.seconds, note: "over the memory cap or deadlocked")
                }
            }
        }
    }

    /// How many of the best candidates the pairing step (`OverlapPairing`) starts from.
    public static let pairingFinalists = 3

    /// The least time left, in seconds, for which `auto` starts an improver.
    public static let improverMinimumSeconds = 2.0

    /// The least time left in the local search phase, in seconds, for which `auto` starts one more
    /// local search (`LocalSearchPhase`: another seed or the next best candidate).
    public static let localRestartMinimumSeconds = 0.1

    /// The local search phase's name in `SolveOptions.excludedCandidates` (its table row is
    /// `local(BEST)`).
    public static let localSearchName = "local"

    /// The pairing step's name in `SolveOptions.excludedCandidates` (its rows are `pairs(START)`).
    public static let pairingName = "pairs"

    /// What `SolveOptions.excludedCandidates` may name for these candidates: each method, the local
    /// search, the pairing of overlapped F&B passes, each improver, in the order `auto` runs them.
    public static func candidateNames(methods: [any SchedulingMethod], improvers: [any ScheduleImprover]) -> [String] {
        methods.map(\.name) + [localSearchName, pairingName] + improvers.map(\.name)
    }

    /// Runs the candidates; `options.timeLimit` (default 10 s) bounds the local search phase, which
    /// leaves half of the time left to `improvers` when a caller's limit lets them run. Once
    /// `options.shouldStop` says so, the remaining candidates are skipped and the local search and
    /// improvers end early; the best schedule found so far is kept. Candidates, the local search and
    /// improvers named in `options.excludedCandidates` are not run and get no row in the report.
    public static func run(_ problem: Problem, options: SolveOptions, methods: [any SchedulingMethod],
                           improvers: [any ScheduleImprover] = []) -> Report {
        let start = Date()
        let excluded = options.excludedCandidates
        let methods = methods.filter { !excluded.contains($0.name) }
        let improvers = improvers.filter { !excluded.contains($0.name) }
        var report = Report(candidates: [], best: nil, bestMethod: nil)
        var bestScore: ScheduleScore?
        /// Every valid candidate, for the pairing step.
        var scored: [(name: String, schedule: Schedule, score: ScheduleScore)] = []
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
            report.candidates.append(Candidate(method: name, outcome: .scheduled(value: score.value, peakMemory: score.peak,
                                                                                    bubbleRate: Metrics.bubbleRate(problem, score.timeline, value: score.value),
                                                                                    makespan: Metrics.spans(score.timeline).makespan),
                                                 seconds: seconds))
            scored.append((name, schedule, score))
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
            do {
                try method.checkFits(problem)
            } catch {
                consider(method.name, nil, since: began, reason: error.message)
                continue
            }
            do {
                let output = try method.run(problem, options: options)
                if let bound = output.provenBound { report.provenBound = max(report.provenBound ?? bound, bound) }
                consider(method.name, output.schedule, since: began)
            } catch {
                consider(method.name, nil, since: began, reason: error.description)
            }
            // The same method on variants of the problem, each schedule scored on the problem itself:
            // where microbatches differ in cost, other microbatch orders (the schedule renumbered
            // back); where it schedules under the caps it is given, tighter budgets (caps only
            // lowered, or memory the step holds to its end taken from its start, so the schedule is
            // valid there).
            let orders: [Variant] = !method.takesMicrobatchesInNumberOrder ? [] : MicrobatchOrder.alternatives(problem).map { order in
                Variant(name: order.name, problem: MicrobatchOrder.renumbered(problem, order.numbering)) {
                    MicrobatchOrder.restored($0, order.numbering)
                }
            }
            let budgets: [Variant] = !method.adaptsToMemoryCaps ? [] : ActivationBudget.alternatives(problem).map {
                Variant(name: $0.name, problem: $0.problem) { $0 }
            } + (problem.memoryLimit == nil ? [] : problem.heldMemoryFromTheStart.map { [Variant(name: "held memory from the start", problem: $0) { $0 }] } ?? [])
            for variant in orders + budgets where !options.stopRequested {
                let began = Date()
                let name = "\(method.name) (\(variant.name))"
                do {
                    consider(name, variant.restored(try method.schedule(variant.problem, options: options)), since: began)
                } catch {
                    consider(name, nil, since: began, reason: error.description)
                }
            }
        }
        if let best = report.best, let name = report.bestMethod, !options.stopRequested, !excluded.contains(localSearchName) {
            // With improvers to follow, local search leaves them half of the time left, and with
            // overlapped F&B passes to choose, a quarter of the rest to the pairing step (which
            // ends early once no pair helps).
            let left = (options.timeLimit ?? 10) - Date().timeIntervalSince(start)
            let shares = (runsImprovers(problem, options: options, improvers: improvers, from: best) ? 2.0 : 1.0)
                * (problem.hasOverlap && !excluded.contains(pairingName) ? 4.0 / 3.0 : 1.0)
            let budget = max(0.05, left / shares)
            let phaseEnd = Date().addingTimeInterval(budget)
            // From the best candidate; under a caller's time limit on every core and until the
            // phase's end, from the next best candidates (distinct schedules, best first) and with
            // further seeds (`LocalSearchPhase`). Without one, `auto` stays quick: one search, which
            // ends early at a local optimum.
            var starts = [(name: name, schedule: best)]
            for other in scored.sorted(by: { $0.score.isBetter(than: $1.score) }) where !starts.contains(where: { $0.schedule == other.schedule }) {
                starts.append((other.name, other.schedule))
            }
            let phase = LocalSearchPhase(problem: problem, options: options, starts: starts, end: phaseEnd,
                                         incumbent: bestScore?.value ?? .infinity)
            for search in phase.run() {
                consider(search.row(baseSeed: options.seed), search.schedule, since: Date().addingTimeInterval(-search.seconds))
            }
        }
        // Where the problem declares time an overlapped F&B pass hides: the pairs that help each of the
        // best few candidates (a schedule a little slower without pairs may hide more with them).
        if problem.hasOverlap, !options.stopRequested, !excluded.contains(pairingName) {
            let finalists = scored.sorted { $0.score.isBetter(than: $1.score) }.prefix(pairingFinalists)
            let left = (options.timeLimit ?? 10) - Date().timeIntervalSince(start)
            for finalist in finalists where !options.stopRequested {
                let began = Date()
                let pairing = OverlapPairing(problem: problem, objective: options.objective,
                                             timeLimit: max(0.05, left / Double(2 * finalists.count)), shouldStop: options.shouldStop)
                if let paired = pairing.improve(finalist.schedule) { consider("\(pairingName)(\(finalist.name))", paired, since: began) }
            }
        }
        // The anytime phase: only with a caller's time limit, so `auto` without one stays quick. The
        // improvers that fit share the time left equally, in order, each from the best so far; one
        // whose share is below its `minimumSeconds` leaves it to those after it.
        if let limit = options.timeLimit {
            let coreBound = LowerBound.value(problem, objective: options.objective)
            var pending = improvers.filter { $0.fits(problem) }
            while !pending.isEmpty {
                let improver = pending.removeFirst()
                let left = limit - Date().timeIntervalSince(start)
                let bound = max(coreBound, report.provenBound ?? 0)
                guard let best = report.best, let name = report.bestMethod, left >= improverMinimumSeconds, !options.stopRequested,
                      !best.hasOverlaps,
                      let score = bestScore, !LowerBound.isMet(by: score.value, bound: bound) else { break }
                let share = left / Double(pending.count + 1)
                if share < improver.minimumSeconds && !pending.isEmpty { continue }
                let began = Date()
                // Improvers search schedules without overlapped F&B pairs, so they do not start
                // from a best with pairs (local search, which keeps and moves pairs, had the time).
                let output = improver.improve(problem, best.sequential, options: options, seconds: share)
                if let proven = output?.provenBound { report.provenBound = max(report.provenBound ?? proven, proven) }
                consider("\(improver.name)(\(name))", output?.schedule, since: began)
            }
        }
        return report
    }

    /// A variant of the problem a method also runs on, and how its schedule maps back to the problem.
    private struct Variant {
        var name: String
        var problem: Problem
        var restored: (Schedule) -> Schedule
    }

    /// Whether the anytime phase will run from `best`: a caller's time limit, an improver that fits,
    /// and no overlapped F&B pairs in the best (improvers know nothing of them).
    private static func runsImprovers(_ problem: Problem, options: SolveOptions, improvers: [any ScheduleImprover], from best: Schedule) -> Bool {
        options.timeLimit != nil && !best.hasOverlaps && improvers.contains { $0.fits(problem) }
    }
}
