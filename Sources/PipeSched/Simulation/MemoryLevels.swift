extension Problem {
    /// Memory in use on a device after each pass of `order` starts (static memory included), and the
    /// peak: the one memory accounting that the simulator, validator, metrics and bubble map read.
    /// Each pass applies its `memoryDelta` when it starts; the forward of a cell the order recomputes
    /// (it holds the cell's `R`) keeps only `keptMemory` (`memoryDelta(_:recomputed:)`).
    public func memoryLevels<Passes: Collection<Op>>(device: Int, order: Passes) -> (levels: [Double], peak: Double) {
        var level = staticMemory(device: device)
        var peak = level
        var levels: [Double] = []
        levels.reserveCapacity(order.count)
        let recomputed = recomputedCells(in: order)
        for op in order {
            level += recomputed.isEmpty ? memoryDelta(op) : memoryDelta(op, recomputed: recomputed.contains(Cell(op)))
            peak = max(peak, level)
            levels.append(level)
        }
        return (levels, peak)
    }
}

extension Problem {
    /// When each pass of a timed device row changes memory, for plots of `memoryLevels`: its start,
    /// or an offload's end (it frees its memory once the copy is done, `Offloading.swift`), never
    /// before the step of the pass before it in the order.
    public static func memoryStepTimes<Row: Collection<TimedOp>>(_ row: Row) -> [Double] {
        var time = -Double.infinity
        return row.map { timed in
            time = max(time, timed.op.kind == .offload ? timed.end : timed.start)
            return time
        }
    }
}
