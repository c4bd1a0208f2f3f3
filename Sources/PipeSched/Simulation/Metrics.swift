/// The figures of merit of a timed schedule (schema v1 `metrics`).
///
/// - `makespan`: last end − first start over all devices;
/// - `stageSpan`: max over devices of (last end − first start on that device);
/// - `bubbleRate`: 1 − total work / (devices × the objective's value), the work less what overlapped
///   F&B pairs hide (`OverlappedPass.swift`);
/// - `peakMemory`: per device, static memory plus the peak running sum of deltas;
/// - `lowerBound`: a proven lower bound on the objective; `gap` = (value − lowerBound) / value.
public struct Metrics: Sendable, Equatable, Codable {
    public var makespan: Double
    public var stageSpan: Double
    public var bubbleRate: Double
    public var peakMemory: [Double]
    public var lowerBound: Double
    public var gap: Double

    public init(makespan: Double, stageSpan: Double, bubbleRate: Double, peakMemory: [Double], lowerBound: Double, gap: Double) {
        self.makespan = makespan
        self.stageSpan = stageSpan
        self.bubbleRate = bubbleRate
        self.peakMemory = peakMemory
        self.lowerBound = lowerBound
        self.gap = gap
    }

    /// Measures a timeline of `problem` under `objective`; `lowerBound` defaults to `LowerBound`'s.
    public init(_ problem: Problem, _ timeline: Timeline, objective: Objective, lowerBound: Double? = nil) {
        (makespan, stageSpan) = Self.spans(timeline)
        peakMemory = timeline.enumerated().map { problem.memoryLevels(device: $0.offset, order: $0.element.map(\.op)).peak }
        self.lowerBound = lowerBound ?? LowerBound.value(problem, objective: objective)
        let value = objective == .makespan ? makespan : stageSpan
        bubbleRate = Self.bubbleRate(problem, timeline, value: value)
        gap = Self.gap(value: value, bound: self.lowerBound)
    }

    /// The timeline's makespan and stageSpan (above).
    public static func spans(_ timeline: Timeline) -> (makespan: Double, stageSpan: Double) {
        var first = Double.infinity
        var last = -Double.infinity
        var span = 0.0
        for row in timeline {
            guard let head = row.first, let tail = row.last else { continue }
            let rowEnd = row.reduce(tail.end) { max($0, $1.end) }
            first = min(first, head.start)
            last = max(last, rowEnd)
            span = max(span, rowEnd - head.start)
        }
        return (last > first ? last - first : 0, span)
    }

    /// 1 − the work the devices did / (devices × `value`): the share of device time spent idle, the
    /// time overlapped F&B pairs hide not counted as work.
    public static func bubbleRate(_ problem: Problem, _ timeline: Timeline, value: Double) -> Double {
        value > 0 ? 1 - (problem.totalWork - hiddenTime(problem, timeline)) / (Double(problem.devices) * value) : 0
    }

    /// The device time overlapped F&B pairs save: each pair's two durations less the pair's own.
    static func hiddenTime(_ problem: Problem, _ timeline: Timeline) -> Double {
        guard timeline.contains(where: { $0.contains(where: \.overlapped) }) else { return 0 }
        let schedule = Schedule(timeline)
        var hidden = 0.0
        for (device, pairs) in schedule.overlaps.enumerated() {
            for k in pairs {
                let pair = timeline[device][k]
                hidden += problem.duration(pair.op) + problem.duration(timeline[device][k + 1].op) - (pair.end - pair.start)
            }
        }
        return hidden
    }

    /// The value of an objective.
    public func value(of objective: Objective) -> Double { objective == .makespan ? makespan : stageSpan }

    /// The same metrics with `lowerBound` raised to `bound` (for example a bound an exact solver
    /// proved) and `gap` recomputed. Nothing is clamped: a bound above a valid schedule's value is a
    /// bug, and shows as a negative gap that the tests catch.
    public func raisingLowerBound(to bound: Double, objective: Objective) -> Metrics {
        var result = self
        result.lowerBound = max(lowerBound, bound)
        result.gap = Self.gap(value: value(of: objective), bound: result.lowerBound)
        return result
    }

    /// `(value − bound) / value`; differences within a relative 1e-9 (floating-point noise in sums of
    /// durations) read as 0.
    public static func gap(value: Double, bound: Double) -> Double {
        guard value > 0 else { return 0 }
        let relative = (value - bound) / value
        return abs(relative) < 1e-9 ? 0 : relative
    }
}
