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
