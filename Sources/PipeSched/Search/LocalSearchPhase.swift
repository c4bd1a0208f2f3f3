import Foundation
import Synchronization

/// `auto`'s local search phase: local searches from its best candidates, on every core.
///
/// The first search starts from the best candidate. Under a caller's time limit the other cores
/// search at the same time from the next best distinct candidates (a worse start sometimes ends
/// better). Where `restarts` allows, a core whose search reached a local optimum goes on to the
/// next start while time is left; otherwise (improvers follow) the others end when the search from
/// the best does, which leaves them its time. Without a caller's limit one search runs, from the
/// best, so that `auto` stays quick. Every search stops at the phase's end, when `options` says stop, or as soon
/// as any of them meets the lower bound (that schedule is then proven optimal).
struct LocalSearchPhase: Sendable {
    /// One search: where it started, what it found and how long it took.
    struct Search: Sendable {
        var start: String
        var schedule: Schedule
        var seconds: Double
    }

    let problem: Problem
    let options: SolveOptions
    /// Distinct starting schedules, best first.
    let starts: [(name: String, schedule: Schedule)]
    /// When the phase ends.
    let end: Date
    /// Whether a core whose search ended goes on to the next start.
    let restarts: Bool
    /// The value of the best schedule before the phase: only better values are incumbents (and the
    /// first search's start, which the phase reports as its first incumbent).
    let incumbent: Double
    /// Cores to search on.
    var lanes = GreedySearch.defaultThreads

    /// The searches that ran, in the order of their starts.
    func run() -> [Search] {
        let bound = LowerBound.value(problem, objective: options.objective)
        let lanes = options.timeLimit == nil ? 1 : max(1, min(lanes, starts.count))
        let shared = Shared(incumbent: incumbent, proven: incumbent <= bound * (1 + 1e-9))
        let stop: @Sendable () -> Bool = { [options, restarts] in
            shared.proven.load(ordering: .relaxed) || options.stopRequested || (!restarts && shared.firstDone.load(ordering: .relaxed))
        }
        @Sendable func lane() {
            while let index = shared.take(count: starts.count, together: lanes, restartsUntil: restarts ? end : nil) {
                guard index == 0 || !stop() else { return }
                let began = Date()
                let report: @Sendable (Double) -> Void = { [options, incumbent] value in
                    shared.report(value, tell: options.onIncumbent, isStart: index == 0 && value == incumbent)
                    if value <= bound * (1 + 1e-9) { shared.proven.store(true, ordering: .relaxed) }
                }
                let search = LocalSearch(problem: problem, objective: options.objective, timeLimit: max(0, end.timeIntervalSinceNow),
                                         seed: options.seed, shouldStop: stop, onIncumbent: report)
                let schedule = search.improve(starts[index].schedule).schedule
                shared.found.withLock { $0[index] = Search(start: starts[index].name, schedule: schedule, seconds: Date().timeIntervalSince(began)) }
                if index == 0 { shared.firstDone.store(true, ordering: .relaxed) }
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
        /// Whether the search from the best ended (without restarts, the others then end too: the time
        /// it leaves goes to the improvers).
        let firstDone = Atomic(false)

        init(incumbent: Double, proven: Bool) {
            best = Mutex((incumbent, false))
            self.proven = Atomic(proven)
        }

        /// The next start for a lane: the first `together` begin at once; later ones only as
        /// restarts (`restartsUntil` set) with time left; `nil` when the lane is done.
        func take(count: Int, together: Int, restartsUntil: Date?) -> Int? {
            next.withLock { position in
                guard position < count else { return nil }
                if position >= together {
                    guard let end = restartsUntil, end.timeIntervalSinceNow >= AutoSearch.localRestartMinimumSeconds else { return nil }
                }
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
