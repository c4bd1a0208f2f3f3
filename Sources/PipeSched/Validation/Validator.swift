/// Checks a schedule against its problem before anything is written: pass counts, placement,
/// durations, no overlap on a device's stream (but an overlapped F&B pair's two passes share their
/// time), the waits between a device's streams (`StreamRules`),
/// dependencies (with link latency) by the claimed times, memory caps, and deadlock-freedom under
/// PyTorch's send/recv rule.
public enum Validator {
    /// Issues of a timed schedule (for example one read from a file); empty when it is valid.
    public static func validate(_ problem: Problem, _ timeline: Timeline, tolerance: Double = 1e-6) -> [ValidationIssue] {
        let schedule = Schedule(timeline)
        var issues = validate(problem, schedule)
        for (device, row) in timeline.enumerated() {
            for (k, timed) in row.enumerated() where timed.overlapped
                && !schedule.overlapsNext(device: device, position: k) && !schedule.overlapsPrevious(device: device, position: k) {
                issues.append(.init(.structure, "\(timed.op) on device \(device) is marked overlapped but has no overlapped pass beside it to pair with"))
            }
        }
        guard !issues.contains(where: { $0.rule == .structure || $0.rule == .count || $0.rule == .placement }) else { return issues }
        // Every pass is now in range and appears once: ends and devices by dense index (`OpIndexer`),
        // NaN where a pass is absent; input-gradient ends (B or BW) by cell.
        let indexer = OpIndexer(problem)
        var end = [Double](repeating: .nan, count: indexer.count)
        var endDevice = [Int](repeating: -1, count: indexer.count)
        var gradientEnd = [Double](repeating: .nan, count: indexer.cellCount)
        var gradientDevice = [Int](repeating: -1, count: indexer.cellCount)
        var gradientProducer = [Op?](repeating: nil, count: indexer.cellCount)
        for (device, row) in timeline.enumerated() {
            let waits = StreamRules.waits(row.lazy.map(\.op))
            for (k, timed) in row.enumerated() {
                let pairedWithPrevious = schedule.overlapsPrevious(device: device, position: k)
                let expected = schedule.overlapsNext(device: device, position: k) ? problem.overlappedDuration(timed.op, row[k + 1].op)
                    : pairedWithPrevious ? problem.overlappedDuration(row[k - 1].op, timed.op) : problem.duration(timed.op)
                if abs((timed.end - timed.start) - expected) > tolerance * max(1, expected) {
                    issues.append(.init(.duration, "\(timed.op) on device \(device) lasts \((timed.end - timed.start).readable), but its cost is \(expected.readable)"))
                }
                if pairedWithPrevious {
                    if abs(timed.start - row[k - 1].start) > tolerance * max(1, abs(timed.start)) {
                        issues.append(.init(.overlap, "\(timed.op) on device \(device) is overlapped with \(row[k - 1].op) but starts at \(timed.start.readable), not with it at \(row[k - 1].start.readable)"))
                    }
                } else if let previous = waits[k].previousOnStream, timed.start < row[previous].end - tolerance {
                    issues.append(.init(.overlap, "\(timed.op) on device \(device) starts at \(timed.start.readable), before \(row[previous].op) ends at \(row[previous].end.readable)"))
                }
                if let offload = waits[k].offloadEnd, timed.start < row[offload].end - tolerance * max(1, row[offload].end) {
                    issues.append(.init(.memory, "\(timed.op) on device \(device) starts at \(timed.start.readable), before \(row[offload].op), earlier in the order, has freed its memory at \(row[offload].end.readable)"))
                }
                if let compute = waits[k].computeStart, timed.start < row[compute].start - tolerance * max(1, row[compute].start) {
                    issues.append(.init(.memory, "\(timed.op) on device \(device) starts at \(timed.start.readable), before \(row[compute].op), earlier in the order, starts at \(row[compute].start.readable)"))
                }
                let index = indexer.index(timed.op)
                end[index] = timed.end
                endDevice[index] = device
                if timed.op.kind.producesInputGradient {
                    gradientEnd[indexer.cell(timed.op)] = timed.end
                    gradientDevice[indexer.cell(timed.op)] = device
                    gradientProducer[indexer.cell(timed.op)] = timed.op
                }
            }
        }
        // Where links are busy, each message's arrival as the simulator sends them (`Messages`).
        let messages = problem.communication.linksContend ? Messages(problem, timeline) : nil
        for (device, row) in timeline.enumerated() {
            for timed in row {
                problem.forEachDependency(of: timed.op) { dependency in
                    let needed: (end: Double, device: Int)
                    let producer: Op?
                    let name: () -> String
                    switch dependency {
                    case .op(let op):
                        needed = (end[indexer.index(op)], endDevice[indexer.index(op)])
                        producer = op
                        name = { op.description }
                    case .inputGradient(let stage, let microbatch, let slice):
                        let cell = indexer.cell(stage: stage, microbatch: microbatch, slice: slice)
                        needed = (gradientEnd[cell], gradientDevice[cell])
                        producer = gradientProducer[cell]
                        name = { "the input gradient of stage \(stage), microbatch \(microbatch)" }
                    case .ifScheduled(let action):
                        needed = (end[indexer.index(action)], endDevice[indexer.index(action)])
                        producer = action
                        name = { action.description }
                    }
                    guard !needed.end.isNaN else { return }  // not in this schedule
                    let sent = producer.flatMap { messages?.byProducer[$0] }.flatMap { $0.to == device ? $0.arrives : nil }
                    let arrival = sent ?? needed.end + problem.communication.lag(from: needed.device, to: device,
                                                                                   scale: producer.map { problem.messageScale(of: $0) } ?? 1)
                    if timed.start < arrival - tolerance * max(1, arrival) {
                        issues.append(.init(.dependency, "\(timed.op) starts at \(timed.start.readable), before \(name()) is available at \(arrival.readable)"))
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
        let indexer = OpIndexer(problem)
        var seen = PassCounts(indexer: indexer)
        for (device, order) in schedule.orders.enumerated() {
            for op in order {
                guard indexer.contains(op) else {
                    issues.append(.init(.structure, "\(op) on device \(device) is outside the problem"))
                    continue
                }
                if problem.stageDevice[op.stage] != device {
                    issues.append(.init(.placement, "\(op) runs on device \(device), but stage \(op.stage) is placed on device \(problem.stageDevice[op.stage])"))
                }
                seen.add(op)
            }
        }
        issues += countIssues(problem, seen)
        issues += memoryActionIssues(problem, seen)
        issues += schedule.overlapShapeIssues.map { ValidationIssue(.structure, $0) }
        guard issues.isEmpty else { return issues }
        for (device, order) in schedule.orders.enumerated() {
            let peak = problem.memoryLevels(device: device, order: order).peak
            if peak > problem.memoryCeiling(device: device) {
                issues.append(.init(.memory, "device \(device) peaks at \(peak.readable) memory, over its cap of \(problem.cap(device: device).readable)"))
            }
        }
        if let stuck = RuntimeOrderCheck.stuckPasses(problem, schedule) {
            issues.append(.init(.deadlock, "the per-device orders deadlock under PyTorch's send/recv rule; stuck at \(stuck.map(\.description).joined(separator: ", "))"))
        }
        return issues
    }

    private static func countIssues(_ problem: Problem, _ seen: PassCounts) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        for (op, count) in seen.duplicates {
            issues.append(.init(.count, "\(op) appears \(count) times"))
        }
        for stage in 0..<problem.stageCount {
            for microbatch in 0..<problem.microbatches {
                for slice in 0..<problem.sequenceSlices {
                    func has(_ kind: OpKind) -> Bool { seen.count(Op(kind, stage: stage, microbatch: microbatch, slice: slice)) > 0 }
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

/// How often each pass of the problem appears in a schedule, by dense index (`OpIndexer`).
struct PassCounts {
    let indexer: OpIndexer
    private var counts: [Int]

    init(indexer: OpIndexer) {
        self.indexer = indexer
        counts = Array(repeating: 0, count: indexer.count)
    }

    /// Counts `op`, which must be in range (`OpIndexer.contains`).
    mutating func add(_ op: Op) { counts[indexer.index(op)] += 1 }

    func count(_ op: Op) -> Int { counts[indexer.index(op)] }

    /// The passes that appear more than once, with their counts, in index order (kind, stage,
    /// microbatch, slice).
    var duplicates: [(op: Op, count: Int)] {
        counts.indices.compactMap { counts[$0] > 1 ? (indexer.op(at: $0), counts[$0]) : nil }
    }

    /// The passes of `kind` present, in index order.
    func present(_ kind: OpKind) -> [Op] {
        let first = kind.index * indexer.cellCount
        return (0..<indexer.cellCount).compactMap { counts[first + $0] > 0 ? indexer.op(kind, cell: $0) : nil }
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
