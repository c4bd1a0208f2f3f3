/// What each pass of one device order waits for on its own device, by position in the order: the
/// pass before it on its stream, the last offload `O` before it (a compute pass or an `L` starts
/// after that `O` has freed its memory, at its end), and, for an `L`, the compute pass before it
/// (whose start it may not precede). The rules and why they make `Problem.memoryLevels` true at every
/// instant: `Offloading.swift`. The simulator's graph and the validator both read them from here.
struct StreamRules {
    struct Waits {
        /// The pass before on the same stream (it must have ended).
        var previousOnStream: Int?
        /// The last `O` before it in the order (it must have ended).
        var offloadEnd: Int?
        /// For an `L`: the compute pass before it in the order (it must have started).
        var computeStart: Int?
    }

    /// The waits of the pass at each position of `order`.
    static func waits<Passes: Collection<Op>>(_ order: Passes) -> [Waits] {
        var lastOnStream: [Int?] = [nil, nil, nil]
        var lastOffload: Int?
        var result: [Waits] = []
        result.reserveCapacity(order.count)
        for (k, op) in order.enumerated() {
            let stream = op.kind.stream
            var waits = Waits(previousOnStream: lastOnStream[stream.rawValue])
            if stream != .deviceToHost { waits.offloadEnd = lastOffload }
            if stream == .hostToDevice { waits.computeStart = lastOnStream[PassStream.compute.rawValue] }
            // Only the latest O matters: they end in order on their stream.
            if waits.offloadEnd != nil, let previous = waits.previousOnStream, previous > waits.offloadEnd! { waits.offloadEnd = nil }
            result.append(waits)
            lastOnStream[stream.rawValue] = k
            if op.kind == .offload { lastOffload = k }
        }
        return result
    }

    /// Whether some pass of the orders copies (an `O` or `L`): otherwise every pass simply follows the
    /// one before it.
    static func hasCopies(_ orders: [[Op]]) -> Bool { orders.contains { $0.contains { !$0.kind.computes } } }
}
