/// Turns a V-shape building block into per-device orders: the block is repeated every 6 unit-time
/// slots, "squeezed" (each pass moved to the earliest free slot its dependencies and the device's
/// peak memory allow) and the W passes are put in the empty slots.
///
/// Qi, Wan, Amar, Lin, "Pipeline Parallelism with Controllable Memory", NeurIPS 2024, §3–4. A
/// faithful port of `schedule_from_pattern`, `reorder`, `put_w`, `mem_of_stage` and
/// `eager_execution_time` in `zbv_greedy.py` of sail-sg/zero-bubble-pipeline-parallelism.
///
/// A device's slots are a table `times[kind][k]`, the slot of the k-th pass of a kind. Kinds, as in
/// `zbv_greedy.py` (names "FfBbWw"): 0 F = chunk-0 forward, 1 f = chunk-1 forward, 2 B = chunk-1
/// backward-input, 3 b = chunk-0 backward-input, then W passes: one list 4 for both chunks while
/// squeezing, or 4 = chunk-1 W and 5 = chunk-0 W at the end. Chunk 0 of device d is stage d and
/// chunk 1 is stage 2p−1−d. Every table is a unit-time schedule whose dependencies lie in strictly
/// earlier slots, so the orders sorted by slot are deadlock-free for any costs. Which passes a pass
/// waits for is the problem's one dependency rule (`Problem.forEachDependency`), read through
/// `dependencies(of:)`.
enum VPattern {
    /// Slots per kind of one device.
    typealias Table = [[Int]]

    /// Memory weights of the kinds F, f, B, b, W in chunk activations (`mem_of_stage`).
    private static let weight = [1, 1, 0, 0, -1]

    /// Per-device orders for a V problem (unsplit sequences) from `block[d]` = the slots of F, f, B, b
    /// of microbatch 0 on device d.
    static func orders(block: [[Int]], problem: Problem) -> Schedule {
        let m = problem.microbatches
        let repeated = block.map { offsets in offsets.map { start in (0..<m).map { start + 6 * $0 } } }
        let first = reorder(repeated, considerW: true, problem: problem).map { Array($0.prefix(4)) }
        let second = reorder(first, considerW: false, problem: problem).map { Array($0.prefix(4)) }
        let p = block.count
        let orders = second.enumerated().map { device, table in
            let slots = putW(table, splitByChunk: true)
            let passes = slots.enumerated().flatMap { kind, times in times.enumerated().map { (slot: $0.element, kind: kind, k: $0.offset) } }
            return passes.sorted { $0.slot < $1.slot }.map { op(kind: $0.kind, k: $0.k, device: device, devices: p) }
        }
        return Schedule(orders: orders)
    }

    /// The pass of a kind (with W split by chunk) on a device.
    private static func op(kind: Int, k: Int, device d: Int, devices p: Int) -> Op {
        let chunk1 = 2 * p - 1 - d
        switch kind {
        case 0: return .forward(d, k)
        case 1: return .forward(chunk1, k)
        case 2: return .backwardInput(chunk1, k)
        case 3: return .backwardInput(d, k)
        case 4: return .backwardWeight(chunk1, k)
        default: return .backwardWeight(d, k)
        }
    }

    /// The device and kind (0 F, 1 f, 2 B, 3 b) of a forward or input-gradient pass of a V problem.
    private static func place(_ op: Op, devices p: Int) -> (device: Int, kind: Int) {
        let chunk1 = op.stage >= p
        let device = chunk1 ? 2 * p - 1 - op.stage : op.stage
        return (device, op.kind == .forward ? (chunk1 ? 1 : 0) : (chunk1 ? 2 : 3))
    }

    /// The (device, kind) of each pass that kind `kind` (F, f, B or b) of microbatch `k` on `device`
    /// waits for, by the problem's dependency rule; the k-th pass of a kind also follows the
    /// (k−1)-th (microbatch order, which loses nothing).
    private static func dependencies(device: Int, kind: Int, k: Int, problem: Problem) -> [(device: Int, kind: Int, k: Int)] {
        var result: [(device: Int, kind: Int, k: Int)] = k > 0 ? [(device, kind, k - 1)] : []
        problem.forEachDependency(of: op(kind: kind, k: k, device: device, devices: problem.devices)) { dependency in
            switch dependency {
            case .op(let needed):
                let at = place(needed, devices: problem.devices)
                result.append((at.device, at.kind, needed.microbatch))
            case .inputGradient(let stage, let microbatch, _):
                let at = place(.backwardInput(stage, microbatch), devices: problem.devices)
                result.append((at.device, at.kind, microbatch))
            case .ifScheduled:
                break  // V patterns take no memory actions
            }
        }
        return result
    }

    /// Kind in each slot of a table, −1 when empty.
    private static func slotKinds(_ table: Table, length: Int) -> [Int] {
        var kinds = [Int](repeating: -1, count: length)
        for (kind, times) in table.enumerated() { for t in times where t < length { kinds[t] = kind } }
        return kinds
    }

    /// Last slot used by a table.
    private static func bound(_ table: Table) -> Int { table.map { $0.last ?? 0 }.max() ?? 0 }

    /// Adds the W passes to a table of F, f, B, b: each empty slot takes the oldest pending W (the
    /// chunk-1 W first when split), leftovers go after the end (`put_w`).
    static func putW(_ table: Table, splitByChunk split: Bool) -> Table {
        let end = bound(table)
        let kinds = slotKinds(table, length: end + 1)
        var weights: [[Int]] = split ? [[], []] : [[]]
        var pending = [0, 0]
        for slot in 0...end {
            let kind = kinds[slot]
            if kind == 2 || kind == 3 {
                pending[split ? kind - 2 : 0] += 1
            } else if kind < 0 {
                for w in 0..<2 where pending[w] > 0 {
                    weights[w].append(slot)
                    pending[w] -= 1
                    break
                }
            }
        }
        var slot = end
        for w in 0..<2 {
            while pending[w] > 0 {
                slot += 1
                weights[w].append(slot)
                pending[w] -= 1
            }
        }
        return table + weights
    }

    /// Peak activation memory of a device in chunk units (`mem_of_stage`); without W lists, each
    /// empty slot runs a pending W.
    static func peakMemory(_ table: Table) -> Int {
        let hasW = table.count > 4
        let end = bound(table)
        var pending = 0, level = 0, peak = 0
        for kind in slotKinds(table, length: end + 1) {
            if kind >= 0 {
                level += weight[kind]
                if kind == 2 || kind == 3 { pending += 1 }
            } else if !hasW && pending > 0 {
                level -= 1
                pending -= 1
            }
            peak = max(peak, level)
        }
        return peak
    }

    /// The pass of each device and kind that comes next in slot order, as (slot, device, kind, k).
    private static func nextPass(_ tables: [Table], _ next: [[Int]]) -> (slot: Int, device: Int, kind: Int, k: Int) {
        var best = (slot: Int.max, device: 0, kind: 0, k: 0)
        for (device, table) in tables.enumerated() {
            for (kind, times) in table.enumerated() where next[device][kind] < times.count {
                let k = next[device][kind]
                if times[k] < best.slot { best = (times[k], device, kind, k) }
            }
        }
        return best
    }

    /// The latest slot among the passes that `kind` k on `device` waits for (−1 if none). A pass of
    /// the merged W list (kind 4, while squeezing) waits for the k-th input-gradient pass in slot
    /// order.
    private static func latestDependency(_ tables: [Table], device: Int, kind: Int, k: Int, problem: Problem) -> Int {
        if kind == 4 {
            return max(k > 0 ? tables[device][4][k - 1] : -1, (tables[device][2] + tables[device][3]).sorted()[k])
        }
        return dependencies(device: device, kind: kind, k: k, problem: problem).reduce(-1) { max($0, tables[$1.device][$1.kind][$1.k]) }
    }

    /// The squeeze (`reorder`): visits passes in slot order and moves each to the earliest free slot
    /// after its dependencies that keeps every device within the current peak memory. Passes of the
    /// steady phase (from the first b on device 0 to the last F) stay put; warm-up passes move only
    /// when W passes are considered. Returns the compacted unit-time table with one W list.
    static func reorder(_ input: [Table], considerW: Bool, problem: Problem) -> [Table] {
        var tables = considerW ? input.map { putW($0, splitByChunk: false) } : input
        let limit = tables.map(peakMemory).max() ?? 0
        var occupied = tables.map { [Bool](repeating: false, count: bound($0) + 1) }
        var next = tables.map { [Int](repeating: 0, count: $0.count) }
        let total = tables.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
        let lastMicrobatch = tables[0][0].count - 1
        var phase = 0
        for _ in 0..<total {
            let pass = nextPass(tables, next)
            let (device, kind, k) = (pass.device, pass.kind, pass.k)
            next[device][kind] += 1
            if kind == 3 && device == 0 && phase == 0 { phase = 1 }
            let fixed = phase == 1 || (phase == 0 && !considerW)
            if phase == 1 && kind == 0 && k == lastMicrobatch { phase = 2 }
            if !fixed {
                var moved = false
                for slot in (latestDependency(tables, device: device, kind: kind, k: k, problem: problem) + 1)..<pass.slot where !occupied[device][slot] {
                    tables[device][kind][k] = slot
                    if peakMemory(tables[device]) <= limit {
                        moved = true
                        break
                    }
                }
                if !moved { tables[device][kind][k] = pass.slot }
            }
            occupied[device][tables[device][kind][k]] = true
        }
        if !considerW { tables = tables.map { putW($0, splitByChunk: false) } }
        return unitTimes(tables, problem: problem)
    }

    /// As-soon-as-possible start times with unit costs and no latency, keeping each device's slot
    /// order (`eager_execution_time` with costs 1 and `c_cost` 0).
    static func unitTimes(_ tables: [Table], problem: Problem) -> [Table] {
        var start = tables.map { $0.map { [Int](repeating: 0, count: $0.count) } }
        var deviceFree = [Int](repeating: 0, count: tables.count)
        var next = tables.map { [Int](repeating: 0, count: $0.count) }
        let total = tables.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
        for _ in 0..<total {
            let pass = nextPass(tables, next)
            let (device, kind, k) = (pass.device, pass.kind, pass.k)
            next[device][kind] += 1
            var ready = deviceFree[device]
            if kind < 4 {
                for needed in dependencies(device: device, kind: kind, k: k, problem: problem) {
                    ready = max(ready, start[needed.device][needed.kind][needed.k] + 1)
                }
            } else if k > 0 {
                ready = max(ready, start[device][kind][k - 1] + 1)
            }
            start[device][kind][k] = ready
            deviceFree[device] = ready + 1
        }
        return start
    }
}
