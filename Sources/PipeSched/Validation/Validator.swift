/// Checks a schedule against its problem before anything is written: pass counts, placement,
/// durations, no overlap on a device, dependencies (with link latency) by the claimed times, memory
/// caps, and deadlock-freedom under PyTorch's send/recv rule.
public enum Validator {
    /// Issues of a timed schedule (for example one read from a file); empty when it is valid.
    public static func validate(_ problem: Problem, _ timeline: Timeline, tolerance: Double = 1e-6) -> [ValidationIssue] {
        var issues = validate(problem, Schedule(timeline))
        guard !issues.contains(where: { $0.rule == .structure || $0.rule == .count || $0.rule == .placement }) else { return issues }
        var ends: [Op: (device: Int, end: Double)] = [:]
        var starts: [Op: Double] = [:]
        for (device, row) in timeline.enumerated() {
            for (k, timed) in row.enumerated() {
                let expected = problem.duration(timed.op)
                if abs((timed.end - timed.start) - expected) > tolerance * max(1, expected) {
                    issues.append(.init(.duration, "\(timed.op) on device \(device) lasts \((timed.end - timed.start).readable), but its cost is \(expected.readable)"))
                }
                if k > 0, timed.start < row[k - 1].end - tolerance {
                    issues.append(.init(.overlap, "\(timed.op) on device \(device) starts at \(timed.start.readable), before \(row[k - 1].op) ends at \(row[k - 1].end.readable)"))
                }
                ends[timed.op] = (device, timed.end)
                starts[timed.op] = timed.start
            }
        }
        var gradientEnds: [Cell: (device: Int, end: Double)] = [:]
        for (op, value) in ends where op.kind.producesInputGradient { gradientEnds[Cell(op)] = value }
        for (device, row) in timeline.enumerated() {
            for timed in row {
                for dependency in problem.dependencies(of: timed.op) {
                    let needed: (name: String, device: Int, end: Double)?
                    switch dependency {
                    case .op(let op): needed = ends[op].map { (op.description, $0.device, $0.end) }
                    case .inputGradient(let stage, let microbatch, let slice):
                        let cell = Cell(stage: stage, microbatch: microbatch, slice: slice)
                        needed = gradientEnds[cell].map { ("the input gradient of stage \(stage), microbatch \(microbatch)", $0.device, $0.end) }
                    case .recomputation(let stage, let microbatch, let slice):
                        let recompute = Op(.recompute, stage: stage, microbatch: microbatch, slice: slice)
                        needed = ends[recompute].map { (recompute.description, $0.device, $0.end) }
                    }
                    guard let needed else { continue }
                    let arrival = needed.end + problem.communication.latency(from: needed.device, to: device)
                    if timed.start < arrival - tolerance * max(1, arrival) {
                        issues.append(.init(.dependency, "\(timed.op) starts at \(timed.start.readable), before \(needed.name) is available at \(arrival.readable)"))
                    }
                }
            }
        }
        return issues
    }

    /// Issues of an untimed schedule: counts, placement, memory caps and runtime deadlock.
    public static func validate(_ problem: Problem, _ schedule: Schedule) -> [ValidationIssue] {
        guard schedule.orders.count == problem.devices else {
            return [.init(.structure, "the schedule has \(schedule.orders.count) device rows but the problem has \(problem.devices) devices")]
        }
        var issues: [ValidationIssue] = []
        var seen: [Op: Int] = [:]
        for (device, order) in schedule.orders.enumerated() {
            for op in order {
                guard op.stage >= 0, op.stage < problem.stageCount, op.microbatch >= 0, op.microbatch < problem.microbatches,
                      op.slice >= 0, op.slice < problem.sequenceSlices else {
                    issues.append(.init(.structure, "\(op) on device \(device) is outside the problem"))
                    continue
                }
                if problem.stageDevice[op.stage] != device {
                    issues.append(.init(.placement, "\(op) runs on device \(device), but stage \(op.stage) is placed on device \(problem.stageDevice[op.stage])"))
                }
                seen[op, default: 0] += 1
            }
        }
        issues += countIssues(problem, seen)
        issues += recomputationIssues(problem, seen)
        guard issues.isEmpty else { return issues }
        for (device, order) in schedule.orders.enumerated() {
            let peak = problem.memoryLevels(device: device, order: order).peak
            let cap = problem.cap(device: device)
            if peak > cap + 1e-9 * max(1, abs(cap)) {
                issues.append(.init(.memory, "device \(device) peaks at \(peak.readable) memory, over its cap of \(cap.readable)"))
            }
        }
        if let stuck = RuntimeOrderCheck.stuckPasses(problem, schedule) {
            issues.append(.init(.deadlock, "the per-device orders deadlock under PyTorch's send/recv rule; stuck at \(stuck.map(\.description).joined(separator: ", "))"))
        }
        return issues
    }

    private static func countIssues(_ problem: Problem, _ seen: [Op: Int]) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        for (op, count) in seen where count > 1 {
            issues.append(.init(.count, "\(op) appears \(count) times"))
        }
        for stage in 0..<problem.stageCount {
            for microbatch in 0..<problem.microbatches {
                for slice in 0..<problem.sequenceSlices {
                    func has(_ kind: OpKind) -> Bool { seen[Op(kind, stage: stage, microbatch: microbatch, slice: slice)] != nil }
                    let f = Op.forward(stage, microbatch, slice: slice)
                    if !has(.forward) { issues.append(.init(.count, "\(f) is missing")) }
                    let split = has(.backwardInput) || has(.backwardWeight)
                    if split && has(.backward) {
                        issues.append(.init(.count, "stage \(stage), microbatch \(microbatch) has both a fused BW and a split B/W backward"))
                    } else if split && !(has(.backwardInput) && has(.backwardWeight)) {
                        let missing = has(.backwardInput) ? Op.backwardWeight(stage, microbatch, slice: slice) : Op.backwardInput(stage, microbatch, slice: slice)
                        issues.append(.init(.count, "\(missing) is missing"))
                    } else if !split && !has(.backward) {
                        issues.append(.init(.count, "the backward of stage \(stage), microbatch \(microbatch) is missing (B and W, or BW)"))
                    }
                    if issues.count >= 50 { return issues }
                }
            }
        }
        return issues
    }
}

/// A (stage, microbatch, slice) cell, as a dictionary key.
struct Cell: Hashable {
    var stage: Int
    var microbatch: Int
    var slice: Int

    init(stage: Int, microbatch: Int, slice: Int) {
        self.stage = stage
        self.microbatch = microbatch
        self.slice = slice
    }

    init(_ op: Op) { self.init(stage: op.stage, microbatch: op.microbatch, slice: op.slice) }
}
