/// Earliest and latest start of every pass for schedules no worse than a horizon, and the pairs of
/// passes those windows already order.
///
/// With the best heuristic schedule's value `H` as the horizon, every pass on device `d` must end by
/// `deadline(d)` (`H` for makespan; the device's fixed first start plus `H` for stageSpan). Longest
/// paths through the ordering graph give each pass a window `[earliest, latest]`. When pass `b`
/// cannot end before the latest start of `a`, `a` must run before `b`: the pair is ordered without
/// a binary. Ordering pairs tightens the windows, so this repeats until nothing changes. The windows
/// then give each remaining pair its own big-M (`latest(a) + d(a) − earliest(b)`), much tighter
/// than one constant. Nothing that reaches the horizon is cut off.
public struct TimeWindows: Sendable {
    /// Earliest start of each pass.
    public var earliest: [Double]
    /// Latest start of each pass (`+infinity` when no deadline applies).
    public var latest: [Double]
    /// Pairs ordered by the windows (added to the graph as edges).
    public var orderedPairs: Int

    /// Orders pairs in `graph` (which it closes) until the windows stop changing. Returns `nil` when no
    /// schedule meets the deadlines (a pass's window is empty or both orders of a pair are impossible).
    /// - Parameters:
    ///   - release: earliest start of each pass before propagation (0, or a fixed start).
    ///   - latest: latest start of each pass before propagation (`+infinity` for none).
    ///   - tolerance: absolute slack for rounding; a pair is only ordered when the other order misses
    ///     by more than this.
    ///   - loads: pivots for head and tail loads on each device (`DeviceLoads`).
    public static func tighten(_ graph: inout OrderingGraph, release: [Double], latest: [Double], loads: DeviceLoads,
                               tolerance: Double, maxRounds: Int = 12) -> TimeWindows? {
        var windows = TimeWindows(earliest: release, latest: latest, orderedPairs: 0)
        let table = graph.table
        var deadlineEnd = [Double](repeating: -.infinity, count: table.deviceOps.count)
        for id in 0..<table.count { deadlineEnd[table.device[id]] = max(deadlineEnd[table.device[id]], latest[id] + table.duration[id]) }
        for round in 0..<maxRounds {
            guard let order = graph.topologicalOrder(), graph.close() else { return nil }
            windows.earliest = graph.earliestStarts(release: release, order: order)
            windows.latest = graph.latestStarts(latest: latest, order: order)
            for _ in 0..<4 {
                guard loads.apply(to: &windows.earliest, &windows.latest, deadlineEnd: deadlineEnd, graph: graph,
                                  tolerance: tolerance) else { break }
                windows.earliest = graph.earliestStarts(release: windows.earliest, order: order)
                windows.latest = graph.latestStarts(latest: windows.latest, order: order)
            }
            for id in 0..<table.count where windows.earliest[id] > windows.latest[id] + tolerance { return nil }
            guard latest.contains(where: { $0.isFinite }), round < maxRounds - 1 else { break }
            var orders: [(Int, Int)] = []
            for device in table.deviceOps.indices {
                for (a, b) in graph.unorderedPairs(device: device) {
                    let aFirstPossible = windows.earliest[a] + table.duration[a] <= windows.latest[b] + tolerance
                    let bFirstPossible = windows.earliest[b] + table.duration[b] <= windows.latest[a] + tolerance
                    switch (aFirstPossible, bFirstPossible) {
                    case (false, false): return nil
                    case (true, false): orders.append((a, b))
                    case (false, true): orders.append((b, a))
                    case (true, true): break
                    }
                }
            }
            for (first, second) in orders { graph.addOrder(first, before: second) }
            windows.orderedPairs += orders.count
            if orders.isEmpty { break }
        }
        return windows
    }
}
