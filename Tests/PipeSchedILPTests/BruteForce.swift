import PipeSched

/// Exhaustive search over every per-device order of split passes that keeps microbatches in
/// order within each (stage, kind) and runs each cell's F, B, W in that order: the reference
/// optimum for tiny problems.
enum BruteForce {
    /// The smallest objective over all such orders that simulate (no deadlock) within the caps.
    static func optimum(_ problem: Problem, objective: Objective) -> Double? {
        let perDevice = (0..<problem.devices).map { orders(problem, device: $0) }
        var best: Double?
        var choice = [[Op]](repeating: [], count: problem.devices)
        func visit(_ device: Int) {
            if device == problem.devices {
                guard let simulation = try? Simulator.simulate(problem, Schedule(orders: choice)) else { return }
                for (d, peak) in simulation.peakMemory.enumerated() where peak > problem.cap(device: d) + 1e-9 { return }
                let value = Metrics(problem, simulation.timeline, objective: objective, lowerBound: 0).value(of: objective)
                if best == nil || value < best! { best = value }
                return
            }
            for order in perDevice[device] {
                choice[device] = order
                visit(device + 1)
            }
        }
        visit(0)
        return best
    }

    /// All orders of one device's passes (single slice) under the rules above.
    static func orders(_ problem: Problem, device: Int) -> [[Op]] {
        let stages = problem.deviceStages[device]
        let m = problem.microbatches
        let kinds: [OpKind] = [.forward, .backwardInput, .backwardWeight]
        var next = [[Int]](repeating: [0, 0, 0], count: stages.count)
        var result: [[Op]] = []
        var current: [Op] = []
        let total = 3 * m * stages.count
        func extend() {
            if current.count == total { result.append(current); return }
            for (k, stage) in stages.enumerated() {
                for kind in 0..<3 where next[k][kind] < m {
                    let microbatch = next[k][kind]
                    // Within a cell: F before B before W.
                    if kind > 0 && next[k][kind - 1] <= microbatch { continue }
                    next[k][kind] += 1
                    current.append(Op(kinds[kind], stage: stage, microbatch: microbatch))
                    extend()
                    current.removeLast()
                    next[k][kind] -= 1
                }
            }
        }
        extend()
        return result
    }
}
