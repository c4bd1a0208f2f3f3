import Foundation
import PipeSched
import PipeSchedStore

/// Runs a grid (or one shard of it) on every core against a result store: a run already in the
/// store is read back, not solved, so a re-run computes only new points and an interrupted sweep
/// resumes where it stopped (each result is stored the moment it is found).
public struct SweepRunner: Sendable {
    public var grid: SweepGrid
    public var store: any ResultStore
    /// The methods offered, by name: the core's by default; `pipesched sweep` adds the ones it links.
    public var methods: [any SchedulingMethod]
    /// Points solved at once.
    public var jobs: Int
    public var shard: Shard?
    /// The largest point problem solved; larger points are reported invalid, the others still run.
    public var limits: ProblemLimits
    /// Whether runs missing from the store are solved (a sweep) or left out (a merge from the store:
    /// the rows of every shard that wrote into a shared store).
    public var solvesMissing: Bool

    /// What a run did.
    public struct Summary: Sendable {
        /// One per point and method, in point order then grid method order.
        public var rows: [SweepRow]
        /// Runs solved now.
        public var computed: Int
        /// Runs answered by the store.
        public var reused: Int
        /// Runs of points without a valid problem (nothing to solve).
        public var invalid: Int
        /// Runs not in the store (left out when `solvesMissing` is false).
        public var missing: Int
        public var seconds: Double
    }

    /// Progress after each finished run.
    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var computed: Int
        public var reused: Int
        public var invalid: Int
        /// Runs not in the store, when they are not solved.
        public var missing: Int = 0
    }

    public init(grid: SweepGrid, store: any ResultStore, methods: [any SchedulingMethod] = Methods.all,
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount, shard: Shard? = nil, limits: ProblemLimits = .standard,
                solvesMissing: Bool = true) {
        self.limits = limits
        self.solvesMissing = solvesMissing
        self.grid = grid
        self.store = store
        self.methods = methods
        self.jobs = max(1, jobs)
        self.shard = shard
    }

    /// The points this run covers.
    public var points: [SweepPoint] { grid.points.filter { shard?.contains($0.index) ?? true } }

    public func run(progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> Summary {
        let began = Date()
        let points = self.points
        let total = points.count * grid.methods.count
        let counter = ProgressCounter(total: total, report: progress)
        var rowsByPoint: [Int: [SweepRow]] = [:]
        try await withThrowingTaskGroup(of: (Int, [SweepRow]).self) { group in
            var next = 0
            func launch() {
                guard next < points.count else { return }
                let point = points[next]
                next += 1
                group.addTask { (point.index, try await self.run(point, counter: counter)) }
            }
            for _ in 0..<min(jobs, points.count) { launch() }
            while let (index, rows) = try await group.next() {
                rowsByPoint[index] = rows
                launch()
            }
        }
        let rows = points.flatMap { rowsByPoint[$0.index] ?? [] }
        let state = counter.state
        return Summary(rows: rows, computed: state.computed, reused: state.reused, invalid: state.invalid, missing: state.missing,
                       seconds: Date().timeIntervalSince(began))
    }

    /// Every method on one point: searched under the point's memory headroom, measured on its problem.
    func run(_ point: SweepPoint, counter: ProgressCounter) async throws -> [SweepRow] {
        let problem: Problem, margin: (headroom: MemoryHeadroom, searched: Problem)
        do {
            problem = try PointProblem.build(point, source: grid.source, limits: limits)
            margin = try PointProblem.headroom(problem, point: point)
        } catch {
            return grid.methods.map { method in
                var row = SweepRow(point: point, problem: nil, method: method, objective: grid.objective)
                row.status = .invalidPoint
                row.message = error.description
                counter.finished(.invalid)
                return row
            }
        }
        let options = SolveOptions(objective: grid.objective, timeLimit: grid.timeLimit, seed: grid.seed)
        var rows: [SweepRow] = []
        for method in grid.methods {
            var row = SweepRow(point: point, problem: problem, method: method, objective: grid.objective)
            // The key the server gives the same request (`memoryHeadroom` in POST /v1/solve).
            let key = RequestKey(problem: problem, method: method, options: options,
                                 memoryHeadroom: point.memoryHeadroom > 0 ? point.memoryHeadroom : nil)
            if let stored = try await store.result(forKey: key) {
                row.fill(from: stored, objective: grid.objective, cached: true)
                counter.finished(.reused)
            } else if !solvesMissing {
                counter.finished(.missing)
                continue
            } else {
                switch solve(problem, margin: margin, method: method, options: options, key: key) {
                case .success(let stored):
                    if case .failure(let failure) = stored.outcome, !failure.isRepeatable {
                        // A time limit cut the search short: answer, but let the next run try again.
                    } else {
                        try await store.save(stored)
                    }
                    row.fill(from: stored, objective: grid.objective, cached: false)
                case .failure(let failure):
                    row.status = .error
                    row.message = failure.description
                }
                counter.finished(.computed)
            }
            rows.append(row)
        }
        return rows
    }

    /// A stored result for one run (schedule or repeatable failure), or the message of an error
    /// that must not be stored. The method searches `margin.searched` (`problem` under caps lowered by
    /// the point's headroom); the schedule is measured on `problem` and records the margin.
    func solve(_ problem: Problem, margin: (headroom: MemoryHeadroom, searched: Problem), method: String, options: SolveOptions,
               key: RequestKey) -> Result<StoredResult, SweepFailure> {
        guard let chosen = methods.first(where: { $0.name == method }) else {
            return .failure(SweepFailure("unknown method \(method)"))
        }
        let began = Date()
        do throws(SolveError) {
            let output = try chosen.run(margin.searched, options: options)
            let solution = try Solution(margin.searched, method: method, objective: options.objective, output: output)
                .remeasured(on: problem, headroom: margin.headroom)
            do {
                return .success(try StoredResult(solution: solution, problem: problem, key: key, solveSeconds: Date().timeIntervalSince(began)))
            } catch {
                return .failure(SweepFailure("cannot encode the schedule: \(error)"))
            }
        } catch {
            guard let failure = StoredFailure(error) else { return .failure(SweepFailure(error.description)) }
            return .success(StoredResult(failure: failure, problem: problem, method: method, objective: options.objective, key: key,
                                         solveSeconds: Date().timeIntervalSince(began)))
        }
    }
}

/// Why a run has no row outcome to store.
struct SweepFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Thread-safe counts for progress reports.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var progress: SweepRunner.Progress
    private let report: @Sendable (SweepRunner.Progress) -> Void

    init(total: Int, report: @escaping @Sendable (SweepRunner.Progress) -> Void) {
        progress = SweepRunner.Progress(done: 0, total: total, computed: 0, reused: 0, invalid: 0, missing: 0)
        self.report = report
    }

    var state: SweepRunner.Progress { lock.withLock { progress } }

    /// How a run ended.
    enum Kind { case computed, reused, invalid, missing }

    func finished(_ kind: Kind) {
        let snapshot = lock.withLock { () -> SweepRunner.Progress in
            progress.done += 1
            switch kind {
            case .computed: progress.computed += 1
            case .reused: progress.reused += 1
            case .invalid: progress.invalid += 1
            case .missing: progress.missing += 1
            }
            return progress
        }
        report(snapshot)
    }
}
