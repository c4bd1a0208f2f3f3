import Foundation
import Synchronization

/// `auto`'s local search phase: local searches from its best candidates, on every core.
///
/// The first search starts from the best candidate. Under a caller's time limit the other cores
/// search at the same time from the next best distinct candidates, and each core whose search
/// reached a local optimum takes the next search while time is left: the first ones again, each
/// with the next seed, then the next candidate not yet searched, and so on (`searchOrder`, at most
/// `maximumSearches`). Odd rounds search from the start again (local search is first-improvement
/// in a seeded order, so another seed takes another path); even rounds go on from the best that
/// start led to so far, shaken (`LocalSearch.kicked`, iterated local search). A worse start or
/// another seed sometimes ends better: on Llama 3 8B, V, 4 devices, 16 microbatches, local search
/// from the greedy schedule ends at 4,549.03 with seeds 1 to 3 and at 4,516.92 with seed 4. Without a
/// caller's limit one search runs, from the best, so that `auto` stays quick. Every search stops at
/// the phase's end, when `options` says stop, or as soon as any of them meets the lower bound (that
/// schedule is then proven optimal).
struct LocalSearchPhase: Sendable {
    /// One search: where it started, with which seed, what it found and how long it took.
    struct Search: Sendable {
        var start: String
        var seed: UInt64
        var schedule: Schedule
        var seconds: Double
        /// Its row in `auto`'s table: `local(START)`, with the seed when it is not the caller's.
        func row(baseSeed: UInt64) -> String { seed == baseSeed ? "local(\(start))" : "local(\(start), seed \(seed))" }
    }

    let problem: Problem
    let options: SolveOptions
    /// Distinct starting schedules, best first.
    let starts: [(name: String, schedule: Schedule)]
    /// When the phase ends.
    let end: Date
    /// The value of the best schedule before the phase: only better values are incumbents (and the
    /// first search's start, which the phase reports as its first incumbent).
    let incumbent: Double
    /// Cores to search on.
    var lanes = GreedySearch.defaultThreads

    /// The most searches one phase runs: each is a row of `auto`'s table (and of the schedule file's
    /// candidates), and on a small problem a search ends in milliseconds. The time the last one
    /// leaves goes to the improvers, or `auto` returns sooner.
    static let maximumSearches = 32

    /// How many random moves shake a local optimum before a later round searches on from it.
    static let kick = 4

    /// The order searches are taken in, as (start, round) pairs (round `r` searches with the
    /// caller's seed plus `r`): the first `lanes` starts, then in each round the first `lanes`
    /// starts again with the next seed and one start not searched yet. At most `limit` searches.
    static func searchOrder(starts: Int, lanes: Int, limit: Int = maximumSearches) -> [(start: Int, round: Int)] {
        let first = min(lanes, starts)
        var order = (0..<first).map { (start: $0, round: 0) }
        var unsearched = first
        var round = 1
        while order.count < limit && first > 0 {
            order += (0..<first).map { (start: $0, round: round) }
            if unsearched < starts {
                order.append((unsearched, 0))
                unsearched += 1
            }
            round += 1
        }
        return Array(order.prefix(limit))
    }

    /// The searches that ran, in the order they were taken.
    func run() -> [Search] {
        let bound = LowerBound.value(problem, objective: options.objective)
        let timed = options.timeLimit != nil
        let lanes = timed ? max(1, min(lanes, starts.count)) : 1
        let order = timed ? Self.searchOrder(starts: starts.count, lanes: lanes) : [(start: 0, round: 0)]
        let shared = Shared(incumbent: incumbent, proven: LowerBound.isMet(by: incumbent, bound: bound))
        let stop: @Sendable () -> Bool = { [options] in shared.proven.load(ordering: .relaxed) || options.stopRequested }
        @Sendable func lane() {
            while let position = shared.take(count: order.count, together: lanes, until: end) {
                guard position == 0 || !stop() else { return }
                let (index, round) = order[position]
                let began = Date()
                let report: @Sendable (Double) -> Void = { [options, incumbent] value in
                    shared.report(value, tell: options.onIncumbent, isStart: position == 0 && value == incumbent)
                    if LowerBound.isMet(by: value, bound: bound) { shared.proven.store(true, ordering: .relaxed) }
                }
                let seed = options.seed &+ UInt64(round)
                let search = LocalSearch(problem: problem, objective: options.objective, timeLimit: max(0, end.timeIntervalSinceNow),
                                         seed: seed, shouldStop: stop, onIncumbent: report)
                // Every second later round goes on from the best this start led to so far, shaken;
                // the others start again from it with a new seed.
                let continues = round > 0 && round.isMultiple(of: 2)
                let reached = continues ? shared.best(from: starts[index].name, problem: problem, objective: options.objective) : nil
                let schedule = search.improve(reached.map { search.kicked($0, count: Self.kick) } ?? starts[index].schedule).schedule
                let found = Search(start: starts[index].name, seed: seed, schedule: schedule, seconds: Date().timeIntervalSince(began))
                shared.found.withLock { $0[position] = found }
            }
        }
        if lanes == 1 {
            lane()
        } else {
            DispatchQueue.concurrentPerform(iterations: lanes) { _ in lane() }
        }
        return shared.found.withLock { searches in searches.keys.sorted().map { searches[$0]! } }
    }

    /// What the lanes share.
    private final class Shared: Sendable {
        /// The next start to take.
        let next = Mutex(0)
        /// The searches that ended, by start.
        let found = Mutex<[Int: Search]>([:])
        /// The best value reported so far (an incumbent must beat it), and whether any was.
        let best: Mutex<(least: Double, told: Bool)>
        /// Whether a search met the lower bound.
        let proven: Atomic<Bool>

        init(incumbent: Double, proven: Bool) {
            best = Mutex((incumbent, false))
            self.proven = Atomic(proven)
        }

        /// The best schedule the searches that ended found from the start named `name`.
        func best(from name: String, problem: Problem, objective: Objective) -> Schedule? {
            let schedules = found.withLock { $0.values.filter { $0.start == name }.map(\.schedule) }
            return schedules.compactMap { schedule in ScheduleScore(problem, schedule, objective: objective).map { (schedule, $0) } }
                .min { $0.1.isBetter(than: $1.1) }?.0
        }

        /// The next search for a lane: the first `together` begin at once; later ones only while
        /// `AutoSearch.localRestartMinimumSeconds` are left before `until`; `nil` when the lane is done.
        func take(count: Int, together: Int, until end: Date) -> Int? {
            next.withLock { position in
                guard position < count,
                      position < together || end.timeIntervalSinceNow >= AutoSearch.localRestartMinimumSeconds else { return nil }
                position += 1
                return position - 1
            }
        }

        /// Tells `tell` a value that beats every value reported so far (or the first search's start, when
        /// it comes first), in order, so the caller sees incumbents only improve.
        func report(_ value: Double, tell: (@Sendable (Double) -> Void)?, isStart: Bool) {
            best.withLock { best in
                guard value < best.least || (isStart && !best.told) else { return }
                best = (min(best.least, value), true)
                tell?(value)
            }
        }
    }
}
