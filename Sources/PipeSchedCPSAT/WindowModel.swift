import CPSAT
import PipeSched
import PipeSchedILP

/// The CP-SAT model of one window of `cpsat-window`: only the passes of a block of each device's
/// order (`Incumbent.blocks`: the passes starting in a time window) are variables, so the model's
/// size depends on the window, not on the problem.
///
/// - Passes before the block keep their times: everything a block pass waits for starts before it,
///   so outside the block only those passes matter, as release times (their end plus link
///   latency) and as the time each device becomes free.
/// - Passes after the block keep their device order after it. Their memory levels do not change
///   (the same passes precede them), so the block alone must respect the cap: it starts from the
///   level the passes before it leave.
/// - The objective is the sum over devices of the block's completion time, at most the current
///   schedule's; the new orders are simulated and kept only when `ScheduleScore` prefers them.
struct WindowModel {
    let table: OpTable
    let time: IntegerScale
    private(set) var model = CPModel()
    /// Per device: the passes before the block, the block (ids), the passes after it.
    private let before: [[Op]]
    private let block: [[Int]]
    private let after: [[Op]]
    /// Start variable of each block pass.
    private var start: [Int: Int] = [:]

    /// `nil` when no device has a block, or the schedule has fused passes (the model has split ones).
    init?(problem: Problem, table: OpTable, timeline: Timeline, blocks: [Range<Int>?]) {
        guard timeline.allSatisfy({ $0.allSatisfy { table.id(of: $0.op) != nil } }) else { return nil }
        self.table = table
        var before: [[Op]] = [], block: [[Int]] = [], after: [[Op]] = []
        var origin = Double.infinity, span = 0.0
        var ends: [Op: Double] = [:]
        for (row, range) in zip(timeline, blocks) {
            let range = range ?? row.count..<row.count
            before.append(row[..<range.lowerBound].map(\.op))
            block.append(row[range].map { table.id(of: $0.op)! })
            after.append(row[range.upperBound...].map(\.op))
            for timed in row[range] { origin = min(origin, timed.start); span = max(span, timed.end) }
            for timed in row[..<range.lowerBound] { ends[timed.op] = timed.end }
        }
        guard origin.isFinite else { return nil }
        self.before = before
        self.block = block
        self.after = after
        let ids = block.flatMap { $0 }
        let inBlock = Set(ids)
        let latency = problem.maxLag
        let work = ids.reduce(0) { $0 + table.duration[$1] }
        time = IntegerScale(values: ids.map { table.duration[$0] } + problem.messageLags + [latency], magnitude: span - origin + work + latency)
        let top = time.up(span - origin + work + latency) + 1
        let duration = Dictionary(uniqueKeysWithValues: ids.map { ($0, time.down(table.duration[$0])) })
        var model = CPModel()

        // Release times: dependencies outside the block (all before it) and the device's last pass before the block.
        var start: [Int: Int] = [:]
        for (device, row) in timeline.enumerated() {
            let free = blocks[device].flatMap { $0.lowerBound > 0 ? row[$0.lowerBound - 1].end : nil } ?? origin
            for id in block[device] {
                var release = max(origin, free)
                problem.forEachDependency(of: table.ops[id]) { dependency in
                    guard let needed = OpTable.pass(for: dependency) else { return }
                    guard let end = ends[needed] else { return }
                    release = max(release, end + problem.lag(of: needed, to: device))
                }
                start[id] = model.addVariable(lower: max(0, time.down(release - origin)), upper: top)
            }
        }
        // Dependencies inside the block.
        for id in ids {
            let op = table.ops[id]
            problem.forEachDependency(of: op) { dependency in
                guard let needed = OpTable.pass(for: dependency) else { return }
                guard let other = table.id(of: needed), inBlock.contains(other) else { return }
                let lag = duration[other]! + time.down(problem.lag(of: needed, to: table.device[id]))
                model.addLinear([start[id]!: 1, start[other]!: -1], lower: lag, upper: top)
            }
        }
        // One machine per device, memory from the level the passes before the block leave, completion times.
        var completions: [Int] = []
        var current: Int64 = 0
        for device in 0..<problem.devices where !block[device].isEmpty {
            let mine = block[device]
            model.add(.noOverlap(intervals: mine.map { model.addInterval(start: start[$0]!, size: duration[$0]!) }))
            let cap = problem.cap(device: device)
            if cap.isFinite {
                let level = problem.memoryLevels(device: device, order: before[device]).levels.last ?? problem.staticMemory(device: device)
                let memory = IntegerScale(values: mine.map { table.memoryDelta[$0] } + [cap - level], magnitude: mine.reduce(0) { $0 + abs(table.memoryDelta[$1]) })
                let changes = mine.map { memory.down(table.memoryDelta[$0]) }
                model.add(.reservoir(times: mine.map { .variable(start[$0]!) }, changes: changes,
                                     minLevel: -changes.reduce(0) { $0 + abs($1) }, maxLevel: max(0, memory.up(cap - level))))
            }
            let completion = model.addVariable(lower: 0, upper: top)
            for id in mine { model.addLinear([completion: 1, start[id]!: -1], lower: duration[id]!, upper: top) }
            completions.append(completion)
            let rowEnd = timeline[device].filter { inBlock.contains(table.id(of: $0.op) ?? -1) }.map(\.end).max() ?? origin
            current += time.up(rowEnd - origin)
        }
        // At most the current schedule's completions: the hint is a solution.
        model.add(.linear(completions.map { (variable: $0, coefficient: Int64(1)) }, lower: 0, upper: current + Int64(completions.count)))
        model.objective = completions.map { (variable: $0, coefficient: 1) }
        var hint: [(variable: Int, value: Int64)] = []
        for row in timeline {
            for timed in row {
                if let id = table.id(of: timed.op), let variable = start[id] { hint.append((variable, time.down(timed.start - origin))) }
            }
        }
        model.hint = hint
        self.start = start
        self.model = model
    }

    /// The full schedule: passes before the block, the block in the solution's order, passes after it.
    func schedule(from solution: [Int64]) -> Schedule {
        Schedule(orders: block.indices.map { device in
            let sorted = block[device].sorted { a, b in
                let key = { (id: Int) in
                    let op = table.ops[id]
                    return (solution[start[id]!], op.kind.index, op.kind == .forward ? op.stage : -op.stage, op.microbatch, op.slice)
                }
                return key(a) < key(b)
            }
            return before[device] + sorted.map { table.ops[$0] } + after[device]
        })
    }
}
