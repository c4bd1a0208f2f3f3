/// The last forward of a capped device: it waits for room that only backward passes make, none of
/// which can run before one round trip, and its own round trip follows it.
///
/// This is the argument behind 1F1B's cool-down under a cap (Narayanan et al., "Memory-Efficient
/// Pipeline-Parallel DNN Training", ICML 2021: a stage holds at most as many microbatches as it has
/// room for, so a forward beyond them waits for a backward), made a bound. Take a device `d` with one
/// stage, a cap, and `R` the least time from a microbatch's forward on `d` to its input-gradient pass
/// there (`MicrobatchChains`: the forward, the chain to the last stage and back). Its span starts with
/// a forward at `S`; no `B` (and so no `W`) on `d` starts before `S + R`, and until the first one does
/// the device only allocates, so at most `k = ⌊room / ΔF⌋` forwards start before it. Let `X` be the
/// device's last forward. When `X` starts, every other microbatch's forward has run; say `a` of them
/// have not had their `B` yet (each holds at least `ΔF`) and `b` have had their `B` but not their `W`
/// (each at least `ΔF + ΔB`), and `X` adds `ΔF`: `(a + 1)·ΔF + b·(ΔF + ΔB) ≤ room`. Everything before
/// `X` in `d`'s order ends before `X` starts, and all but the `k` early forwards start after `S + R`:
///
///     X − S ≥ R + (m − 1 − k)·F + (m − 1 − a)·B + (m − 1 − a − b)·W
///
/// for the `(a, b)` the cap allows that make it least. `X`'s own `B` starts `R` after `X`, and its `W`
/// follows it: `span(d) ≥ X − S + R + B + W`. For makespan, `S` is no sooner than the forward's head
/// and the `B` is followed by its longest tail. With `m` microbatches, room for `k` and a `W` that frees
/// the rest of the activations it is 1F1B's span at a cap of `k` microbatches: on the uniform problems
/// of `make bench-bounds` (F = 3, B = 4, W = 2, capped at p microbatches) it is the optimum CBC
/// proves, where the other bounds stop 6–9% short. Durations are the least any microbatch's pass
/// lasts and memory the least it holds (`MicrobatchScale`); a fused `BW` counts as its `B` and `W`, a
/// cell's memory after its `W` may not be negative (its room would count here). Devices with several
/// stages or slices are left out (their cells differ, and their first forward need not wait for any
/// other).
public enum LastForwardBound {
    /// The bound on `objective` (0 where no capped device with one stage runs more forwards than it
    /// has room for).
    public static func value(_ problem: Problem, objective: Objective, chains: MicrobatchChains) -> Double {
        let heads = objective == .makespan ? chains.earliestStarts : []
        let tails = objective == .makespan ? chains.tails { _ in true } : []
        var best = 0.0
        for device in 0..<problem.devices {
            guard let cycle = CappedCycle(problem, device: device, chains: chains) else { continue }
            switch objective {
            case .stageSpan:
                best = max(best, cycle.toLastForward + cycle.roundTrip + cycle.backward + cycle.weight)
            case .makespan:
                best = max(best, heads[cycle.forward] + cycle.toLastForward + cycle.roundTrip + cycle.backward + tails[cycle.inputGradient])
            }
        }
        return best
    }

    /// A capped one-stage device whose last forward must wait for room.
    struct CappedCycle {
        /// Chain positions of its forward and input-gradient passes.
        let forward: Int
        let inputGradient: Int
        /// Least time from a microbatch's forward on the device to its `B` there.
        let roundTrip: Double
        /// Least durations of its input-gradient and weight passes.
        let backward: Double
        let weight: Double
        /// Least time from the device's first start to the start of its last forward.
        let toLastForward: Double

        init?(_ problem: Problem, device: Int, chains: MicrobatchChains) {
            let stages = problem.deviceStages[device]
            guard stages.count == 1, problem.sequenceSlices == 1 else { return nil }
            let stage = stages[0]
            let room = problem.cap(device: device) - problem.staticMemory(device: device)
            guard room.isFinite, room >= 0 else { return nil }
            let scales = problem.scaleSummary
            let allocated = problem.memoryDelta(.forward, stage: stage, slice: 0)
            let kept = allocated + problem.memoryDelta(.backwardInput, stage: stage, slice: 0)
            let after = kept + problem.memoryDelta(.backwardWeight, stage: stage, slice: 0)
            guard allocated > 0, kept >= 0, after >= -1e-12 else { return nil }
            let m = problem.microbatches
            // Within the validator's tolerance on the cap; a finished cell may hold `after` < 0 by rounding.
            let slack = problem.memoryCeiling(device: device) - problem.staticMemory(device: device)
            let forwardMemory = allocated * scales.leastMemory, keptMemory = kept * scales.leastMemory
            let early = LowerBound.wholeCount(slack / forwardMemory)  // forwards before the first `B`
            guard early < m else { return nil }
            forward = chains.position(.forward, stage: stage, slice: 0)
            inputGradient = chains.position(.backwardInput, stage: stage, slice: 0)
            let weightPass = chains.position(.backwardWeight, stage: stage, slice: 0)
            roundTrip = chains.startsAfter(forward)[inputGradient]
            backward = chains.duration[inputGradient]
            weight = chains.duration[weightPass]
            // The `(a, b)` the cap allows with the least work before `X`.
            let roomForOthers = slack - forwardMemory + Double(m - 1) * max(0, -after) * scales.mostMemory
            var least = Double.infinity
            for waiting in 0...min(m - 1, LowerBound.wholeCount(roomForOthers / forwardMemory)) {
                let left = roomForOthers - Double(waiting) * forwardMemory
                let holding = keptMemory > 0 ? min(m - 1 - waiting, LowerBound.wholeCount(left / keptMemory)) : m - 1 - waiting
                least = min(least, Double(m - 1 - waiting) * backward + Double(m - 1 - waiting - holding) * weight)
            }
            toLastForward = roundTrip + Double(m - 1 - early) * chains.duration[forward] + least
        }
    }
}
