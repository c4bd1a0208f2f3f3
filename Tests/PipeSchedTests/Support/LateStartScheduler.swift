@testable import PipeSched

/// A referee's schedules the searches never build: a list scheduler in which one device starts
/// with a later microbatch's forward, once that one has arrived (the others then wait at hand).
/// Under stageSpan such a start can spare the device an idle gap (docs/ilp-formulation.md,
/// "Anchors"), so no lower bound may exceed these schedules' values either. Split passes, no memory
/// actions; every device runs, of the passes whose inputs are there when it is free, a backward
/// first, then the deepest stage's forward, then a `W`; the device that can start soonest goes
/// first. Dependencies and lags come from `Problem.forEachDependency` and the problem's links.
enum LateStartScheduler {
    /// The orders when `device` starts with `F(its lowest stage, microbatch)`.
    static func orders(_ problem: Problem, device late: Int, microbatch first: Int) -> Schedule {
        var end: [Op: Double] = [:]
        var free = [Double](repeating: 0, count: problem.devices)
        var orders = [[Op]](repeating: [], count: problem.devices)
        var waiting = (0..<problem.devices).map { device in
            problem.deviceStages[device].flatMap { stage in
                (0..<problem.microbatches).flatMap { microbatch in
                    [Op.forward(stage, microbatch), .backwardInput(stage, microbatch), .backwardWeight(stage, microbatch)]
                }
            }
        }
        let lowest = problem.deviceStages.map { $0.min()! }
        /// When `op` may start on `device`, or `nil` while an input is missing.
        func ready(_ op: Op, on device: Int) -> Double? {
            var at = 0.0
            var missing = false
            problem.forEachDependency(of: op) { dependency in
                let producer: Op
                switch dependency {
                case .op(let needed): producer = needed
                case .inputGradient(let stage, let microbatch, let slice): producer = .backwardInput(stage, microbatch, slice: slice)
                case .ifScheduled: return
                }
                guard let done = end[producer] else { missing = true; return }
                at = max(at, done + problem.lag(of: producer, to: device))
            }
            return missing ? nil : at
        }
        func rank(_ op: Op) -> Int { op.kind == .backwardInput ? 0 : op.kind == .forward ? 1 : 2 }
        while waiting.contains(where: { !$0.isEmpty }) {
            var best: (start: Double, device: Int, op: Op)?
            for device in 0..<problem.devices {
                var candidates = waiting[device].compactMap { op in ready(op, on: device).map { (op: op, start: max(free[device], $0)) } }
                if device == late && orders[device].isEmpty { candidates.removeAll { $0.op != .forward(lowest[device], first) } }
                guard let soonest = candidates.map(\.start).min() else { continue }
                let pick = candidates.filter { $0.start <= soonest + 1e-12 }.min { a, b in
                    (rank(a.op), a.op.kind == .backwardWeight ? 0 : -a.op.stage, a.op.microbatch)
                        < (rank(b.op), b.op.kind == .backwardWeight ? 0 : -b.op.stage, b.op.microbatch)
                }!
                if best.map({ (soonest, device) < ($0.start, $0.device) }) ?? true { best = (soonest, device, pick.op) }
            }
            guard let (start, device, op) = best else { break }
            end[op] = start + problem.duration(op)
            free[device] = end[op]!
            orders[device].append(op)
            waiting[device].removeAll { $0 == op }
        }
        return Schedule(orders: orders)
    }
}
