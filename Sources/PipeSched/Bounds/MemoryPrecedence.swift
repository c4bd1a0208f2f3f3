/// Precedences the memory cap implies: how far a stage's forwards may run ahead of its backwards.
///
/// Take a stage `s` on a capped device with room `cap − static`, and a microbatch `b`. While `B(s, b)`
/// has not started, neither has any later microbatch's `B(s)` (same-kind microbatch order), so once
/// `F(s, b + k)` has started, microbatches `b…b+k` each hold `ΔF(s)` on the device, and also `ΔF(s')`
/// for every stage `s'` on the device that the microbatch's chains put around `s` (`F(s')` before
/// `F(s)` and `B(s')` after `B(s)`, as the first chunk of a V around its second): `(k + 1) · ΣΔF ≤ room`.
/// Hence
///
///     start B(s, b) ≤ start F(s, b + k)   for k = ⌊room / ΣΔF⌋,
///
/// and likewise, with `h = min(ΔF, ΔF + ΔB)` the least a microbatch holds before its `W`,
///
///     start W(s, b) ≤ start F(s, b + j)   for j = ⌊room / h⌋.
///
/// Both need every other stage on the device to hold memory ≥ 0 at all times (`ΔF ≥ 0` and
/// `ΔF + ΔB ≥ 0`); where that fails the device gets no precedences. They hold for every schedule of
/// split passes in same-kind microbatch order within the caps (fused `BW` and sequence slices are
/// not covered: the problem gets none when it has slices). With microbatch scales each microbatch
/// holds at least the least memory scale times these deltas, so `k` and `j` count with that; the
/// order no longer holds then, so only the order-statistic form of `InFlightBound` reads the pairs
/// (`Problem.costsVaryByMicrobatch`). Exact models add them as redundant
/// constraints: they cut nothing feasible and let propagation see the in-flight limit
/// (`docs/bounds.md`).
public enum MemoryPrecedence {
    /// One implied precedence: `before` starts no later than `after`.
    public struct Pair: Sendable, Equatable {
        public let before: Op
        public let after: Op
    }

    /// Every implied precedence of `problem` (empty without caps or with sequence slices).
    public static func pairs(_ problem: Problem) -> [Pair] {
        guard problem.sequenceSlices == 1, problem.memoryLimit != nil else { return [] }
        var pairs: [Pair] = []
        let chains = MicrobatchChains(problem)
        let least = problem.scaleSummary.leastMemory
        for device in 0..<problem.devices {
            let cap = problem.cap(device: device)
            // A margin above the validator's tolerance (1e-9 of the cap), so rounding never cuts a
            // schedule the validator accepts.
            let room = cap - problem.staticMemory(device: device) + 1e-6 * max(1, abs(cap))
            guard room.isFinite, room >= 0 else { continue }
            let stages = problem.deviceStages[device]
            let holdsNonNegative = stages.allSatisfy { stage in
                let forward = problem.memoryDelta(.forward, stage: stage, slice: 0)
                return forward >= 0 && forward + problem.memoryDelta(.backwardInput, stage: stage, slice: 0) >= 0
            }
            guard holdsNonNegative else { continue }
            for stage in stages {
                let forward = least * problem.memoryDelta(.forward, stage: stage, slice: 0)
                let held = min(forward, forward + least * problem.memoryDelta(.backwardInput, stage: stage, slice: 0))
                let ownForward = chains.position(.forward, stage: stage, slice: 0)
                let fromBackward = chains.startsAfter(chains.position(.backwardInput, stage: stage, slice: 0))
                let around = stages.filter { other in
                    other != stage
                        && chains.startsAfter(chains.position(.forward, stage: other, slice: 0))[ownForward] > -.infinity
                        && fromBackward[chains.position(.backwardInput, stage: other, slice: 0)] > -.infinity
                }
                let inFlight = around.reduce(forward) { $0 + least * problem.memoryDelta(.forward, stage: $1, slice: 0) }
                for (kind, least) in [(OpKind.backwardInput, inFlight), (.backwardWeight, held)] where least > 0 {
                    let ahead = Int((room / least).rounded(.down))
                    guard ahead >= 1, ahead < problem.microbatches else { continue }
                    for microbatch in 0..<(problem.microbatches - ahead) {
                        pairs.append(Pair(before: Op(kind, stage: stage, microbatch: microbatch),
                                          after: .forward(stage, microbatch + ahead)))
                    }
                }
            }
        }
        return pairs
    }
}
