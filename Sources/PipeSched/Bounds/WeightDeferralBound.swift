/// The cool-down a capped device cannot fill with deferred weight passes.
///
/// Zero Bubble (Qi et al., ICLR 2024) fills a pipeline's cool-down with `W` passes held back: a busy
/// device runs its last input-gradient passes early, sends their gradients on, and runs the `W`
/// passes it deferred afterwards. A deferred `W` keeps its cell's activations (`ΔF + ΔB`) until it
/// runs, so a device capped at `cap` holds back at most `K = ⌊(cap − static) / held⌋` of them, with
/// `held` the least any cell of the device keeps after its input-gradient pass. When the device's
/// last forward `Y` starts, every cell whose `W` comes after the cool-down has begun already holds
/// memory (its forward has run, its `W` has not), so also `K ≤ ⌊(cap − static − ΔF) / lightest⌋ + 1`,
/// with `lightest` the least a cell holds between its forward and its `W` and `ΔF` the least forward
/// allocation (`Y`'s own cell).
///
/// Take a capped device `e` and a device `d` whose span is bounded, with a reference forward
/// `F(s, 0)` on `d` from which every forward and input-gradient pass of `e` has a head `r` (a chain
/// of `MicrobatchChains`), and every input-gradient pass of `e` a tail `q` to some pass on `d`. Let
/// `X` be the input-gradient pass of `e` that ends last. When `X` starts, every forward and
/// input-gradient pass of `e` has started, so what the device holds above its static memory is the
/// activations of the cells whose `W` has not started (cells done hold nothing or more): at most
/// `K` of `e`'s `W` passes run after `X`. Everything else on `e` runs after `d`'s first start plus
/// `min r` and before `X` ends, and `X`'s gradient reaches `d` at least `min q` later:
///
///     span(d) ≥ min r + (work(e) − the K longest W passes of e + idle(e)) + min q
///
/// where `idle(e)` is the start-up idle time `StartupBound` proves on `e`: it lies between `e`'s
/// first pass (no sooner than `min r`) and its first backward (before `X`), apart from every pass.
/// For makespan, heads count from the step's start and tails run to the end of any pass on
/// another device, or are 0. It is the
/// flow-shop bound over `e`'s forward and input-gradient passes (`BottleneckBound`) plus the `W`
/// passes the cap keeps out of the cool-down; without a cap, or where `K` covers every `W`, it adds
/// nothing. On Llama 3 8B over 8 × H100 (m = 16, balanced partition, 80 GiB) a 5-layer device may
/// defer 11 of its 16 `W` passes (12 held back would fill the cap, and the last forward needs room
/// beside all but one of them), which lifts the bound from device work (2,501.42 ms) to 2,612.8.
/// A fused `BW` holds nothing once it has run, and counts as its `B` and `W` parts. Devices with a
/// zero-length forward or input-gradient pass are left out (a `W` could start, and free its memory,
/// at the very moment `X` or `Y` does).
public enum WeightDeferralBound {
    /// The bound on `objective` (0 where no capped device defers fewer `W` passes than it runs).
    public static func value(_ problem: Problem, objective: Objective, chains: MicrobatchChains) -> Double {
        let busy = (0..<problem.devices).compactMap { BusyDevice(problem, device: $0, chains: chains) }
        guard !busy.isEmpty else { return 0 }
        switch objective {
        case .makespan:
            // Tails to passes on other devices only: on `e` itself, `X` may be a fused `BW` whose `W`
            // has run; `X`'s own end is a pass end (tail 0).
            let heads = chains.earliestStarts
            return busy.map { device in
                let tails = chains.tails { chains.device[$0] != device.device }.map { max(0, $0) }
                return bound([device], heads: heads, tails: tails)
            }.max()!
        case .stageSpan:
            return BottleneckBound.bestOverSpanFrames(problem, chains: chains) { device, heads, tails in
                bound(busy.filter { $0.device != device }, heads: heads, tails: tails)
            }
        }
    }

    /// The best `min r + work + min q` over `busy` devices whose passes all have heads and tails.
    private static func bound(_ busy: [BusyDevice], heads: [Double], tails: [Double]) -> Double {
        var best = 0.0
        for device in busy {
            let head = device.passes.map { heads[$0] }.min()!
            let tail = device.inputGradients.map { tails[$0] }.min()!
            guard head > -.infinity, tail > -.infinity else { continue }
            best = max(best, head + device.work + tail)
        }
        return best
    }

    /// A capped device that cannot hold back all of its `W` passes.
    private struct BusyDevice {
        let device: Int
        /// Chain positions of its forward and input-gradient passes.
        let passes: [Int]
        /// Chain positions of its input-gradient passes.
        let inputGradients: [Int]
        /// Its passes' total time less the longest `W` passes it may hold back.
        let work: Double

        init?(_ problem: Problem, device: Int, chains: MicrobatchChains) {
            let room = problem.cap(device: device) - problem.staticMemory(device: device)
            guard room.isFinite, room >= 0 else { return nil }
            let scales = problem.scaleSummary
            var passes: [Int] = []
            var inputGradients: [Int] = []
            var work = 0.0
            var held = Double.infinity
            var lightest = Double.infinity  // the least a cell holds anywhere between its F and its W
            var leastForward = Double.infinity
            var weights: [Double] = []
            for stage in problem.deviceStages[device] {
                for slice in 0..<problem.sequenceSlices {
                    let forward = problem.memoryDelta(.forward, stage: stage, slice: slice)
                    let kept = forward + problem.memoryDelta(.backwardInput, stage: stage, slice: slice)
                    // Every cell must hold memory after its backward (else nothing limits deferral), and
                    // nothing below zero once its `W` has run (else a finished cell makes room).
                    guard kept > 0, kept + problem.memoryDelta(.backwardWeight, stage: stage, slice: slice) >= -1e-12 else { return nil }
                    held = min(held, kept * scales.leastMemory)
                    lightest = min(lightest, min(forward, kept) * scales.leastMemory)
                    leastForward = min(leastForward, forward * scales.leastMemory)
                    let ids = [OpKind.forward, .backwardInput, .backwardWeight].map { chains.position($0, stage: stage, slice: slice) }
                    // Forwards and input-gradient passes that take time: a `W` that starts when `X` (or
                    // `Y`) starts would otherwise free its memory at that very moment.
                    guard chains.duration[ids[0]] > 0, chains.duration[ids[1]] > 0 else { return nil }
                    passes += ids.prefix(2)
                    inputGradients.append(ids[1])
                    work += chains.copies * ids.reduce(0) { $0 + chains.duration[$1] }
                    weights.append(problem.duration(.backwardWeight, stage: stage, slice: slice) * scales.mostTime)
                }
            }
            // At most `deferred` W passes run after `X` (within the validator's tolerance on the cap,
            // rounded up): when `X` starts each of their cells holds `held`; when `e`'s last forward
            // `Y` starts, each holds at least `lightest` (its F has run, its W has not), and `Y`'s
            // own cell `leastForward`. Each lasts at most its cell's W at the largest time scale.
            let slack = problem.memoryCeiling(device: device) - problem.staticMemory(device: device)
            var most = slack / held
            if lightest > 0 { most = min(most, (slack - leastForward) / lightest + 1) }
            var deferred = LowerBound.wholeCount(most)
            guard deferred < problem.microbatches * weights.count else { return nil }
            for weight in weights.sorted(by: >) where deferred > 0 {
                let count = min(deferred, problem.microbatches)
                work -= Double(count) * weight
                deferred -= count
            }
            self.device = device
            self.passes = passes
            self.inputGradients = inputGradients
            // The start-up idle time `StartupBound` finds on `e` falls between its first pass and its
            // first backward, inside the same interval and apart from every pass.
            self.work = work + StartupBound.startupIdle(problem, device: device, chains: chains)
        }
    }
}
