extension Problem {
    /// Memory in use on a device after each pass of `order` starts (static memory included), and the
    /// peak: the one memory accounting that the simulator, validator, metrics and bubble map read.
    /// Each pass applies its `memoryDelta` when it starts.
    public func memoryLevels<Passes: Collection<Op>>(device: Int, order: Passes) -> (levels: [Double], peak: Double) {
        var level = staticMemory(device: device)
        var peak = level
        var levels: [Double] = []
        levels.reserveCapacity(order.count)
        for op in order {
            level += memoryDelta(op)
            peak = max(peak, level)
            levels.append(level)
        }
        return (levels, peak)
    }
}
