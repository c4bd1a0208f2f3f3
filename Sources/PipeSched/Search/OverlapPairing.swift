import Foundation

/// Chooses overlapped F&B pairs (`OverlappedPass.swift`) in a given schedule. A forward may run as
/// one overlapped pass with a backward (`B` or `BW`) of another stage on its device; whether that
/// helps depends on when both inputs are there, so each candidate pair is tried and kept when the one
/// comparator (`ScheduleScore`) says the schedule got better. The candidates of a forward are the
/// backward right after it, or the first backward of another stage among the next `reach` passes,
/// moved up to follow it.
///
/// First improvement, device by device, repeated until a sweep keeps nothing or the time is up. It
/// runs only where the problem declares hideable time; elsewhere a pair only waits longer.
public struct OverlapPairing: Sendable {
    public var problem: Problem
    public var objective: Objective
    /// Seconds the pairing may take.
    public var timeLimit: Double
    /// How far after a forward its backward may be taken from.
    public var reach: Int
    public var shouldStop: (@Sendable () -> Bool)?

    public init(problem: Problem, objective: Objective, timeLimit: Double = 2, reach: Int = 6, shouldStop: (@Sendable () -> Bool)? = nil) {
        self.problem = problem
        self.objective = objective
        self.timeLimit = timeLimit
        self.reach = reach
        self.shouldStop = shouldStop
    }

    /// `schedule` with the pairs that improve it (its own pairs kept), or `nil` when none does.
    public func improve(_ schedule: Schedule) -> Schedule? {
        guard problem.hasOverlap, var current = ScheduleScore(problem, schedule, objective: objective) else { return nil }
        var orders = schedule.orders
        var overlaps = schedule.hasOverlaps ? Array(schedule.overlaps.prefix(orders.count)) : Array(repeating: Set<Int>(), count: orders.count)
        let deadline = Date().addingTimeInterval(timeLimit)
        var improvedAny = false
        var improved = true
        func result() -> Schedule? { improvedAny ? Schedule(orders: orders, overlaps: overlaps) : nil }
        while improved {
            improved = false
            for device in orders.indices {
                var k = 0
                while k + 1 < orders[device].count {
                    defer { k += 1 }
                    let order = orders[device]
                    guard order[k].kind == .forward, !paired(k, overlaps[device]),
                          let j = partner(of: k, in: order, pairs: overlaps[device]) else { continue }
                    if Date() >= deadline || (shouldStop?() ?? false) { return result() }
                    var trialOrders = orders
                    var trialPairs = overlaps
                    if j > k + 1 {
                        let moved = trialOrders[device].remove(at: j)
                        trialOrders[device].insert(moved, at: k + 1)
                        trialPairs[device] = Set(overlaps[device].map { $0 > k && $0 < j ? $0 + 1 : $0 })
                    }
                    trialPairs[device].insert(k)
                    guard let score = ScheduleScore(problem, Schedule(orders: trialOrders, overlaps: trialPairs), objective: objective),
                          score.isBetter(than: current) else { continue }
                    orders = trialOrders
                    overlaps = trialPairs
                    current = score
                    improved = true
                    improvedAny = true
                }
            }
        }
        return result()
    }

    /// Whether position `k` belongs to a pair.
    private func paired(_ k: Int, _ pairs: Set<Int>) -> Bool { pairs.contains(k) || pairs.contains(k - 1) }

    /// The position of the backward to pair with the forward at `k`: the first backward of another
    /// stage within `reach` passes, not itself in a pair, with no pair between to break.
    private func partner(of k: Int, in order: [Op], pairs: Set<Int>) -> Int? {
        var j = k + 1
        while j < order.count && j <= k + reach {
            if paired(j, pairs) { return nil }  // moving across or out of a pair would break it
            if Problem.canOverlap(order[k], order[j]) { return j }
            j += 1
        }
        return nil
    }
}
