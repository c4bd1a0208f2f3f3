/// The second-chunk bound on makespan: a device's second stage waits for one microbatch to go round
/// the devices that also feed its first stage, and every forward it runs meanwhile makes that
/// microbatch later by at least as long.
///
/// Take a device `D` whose first stage `a` (its lowest) is fed by stages `0 ..< a`, and whose next
/// stage `b` is fed by the forwards of stages `e ..< b` (`e = b − a`) that run on the same devices
/// as stages `0 ..< a`, in the same order: stage `e + i` on the device of stage `i`. An interleaved
/// placement is such a case (device `j` runs stages `j` and `p + j`; on the last device, `a = p − 1`
/// and `b = 2p − 1`). Let `m` be the microbatch whose forward of stage `b` runs first on `D`, at
/// `T`, and the *wave* its forwards of stages `e ..< b`. Before `T`, `D` can only run forwards of
/// stage `a` (*items*; a backward on `D` or a pass of a later stage waits for some forward of `b`).
/// On the device of stage `i` (position `i`), each item's forward of stage `i` runs before or after
/// the wave's forward of stage `e + i`. Every item that `D` runs before `T`
///
/// - either ran before the wave at position 0, which therefore started that item's forward of
///   stage 0 later (the step's first pass is a forward of stage 0, so the wave starts at least the
///   items' stage-0 time after it),
/// - or ran after it there and overtook it at some later position `i` (or on `D`, before `T`): it
///   arrived after the wave had left position `i − 1`, so the wave waits there at least its forward
///   of stage `i` on top of its own link (each hop is counted at the shorter of the wave's and the
///   item's links).
///
/// So `T` is at least the wave's forwards and links plus, per item, one forward of stage 0 or of
/// the position where it overtook. Where the forward of `a` is no longer than any forward of stages
/// `0 ..< a`, that is at least the item's own time on `D`, which then leaves the rest of its work
/// after `T`:
///
///     makespan ≥ Σ_{i < a} F(e + i) + Σ_{i = 1 ... a} lag_i + work(D).
///
/// The bound counts each item against the step's first pass, so it says nothing about stageSpan,
/// under which a device that starts with a later microbatch leaves the items' time before its own
/// first pass (`LateStartBoundTests`). Forwards last the least any microbatch's does
/// (`MicrobatchChains`); each microbatch's time scale multiplies all of its passes, so the
/// comparison of forward durations holds for every microbatch. Applies to one pipeline of stages in
/// a chain, without sequence slices (the bounds read the problem without memory actions and
/// overlapped pairs, `LowerBound.parts`); elsewhere 0.
///
/// On Llama 3 70B interleaved over 32 devices (m = 128, the `bench-peers` row) it equals the
/// makespan `auto` finds, 11,985.0 ms, where the start-up bound gives 11,832.1: the last device's
/// second chunk (stages 32–62, 16 of them of two layers) takes 16 forwards longer to come round than
/// its first (stages 0–30).
public enum SecondChunkBound {
    /// The second-chunk bound on `objective` (0 under stageSpan and where it does not apply).
    public static func value(_ problem: Problem, objective: Objective, chains: MicrobatchChains) -> Double {
        guard objective == .makespan, problem.graph.isChain, problem.pipelines == 1, problem.sequenceSlices == 1,
              !problem.hasMemoryActions, !problem.hasOverlap else { return 0 }
        var best = 0.0
        for device in 0..<problem.devices {
            if let wave = wave(problem, device: device, chains: chains) { best = max(best, wave + problem.work(device: device)) }
        }
        return best
    }

    /// The wave's forwards and links before `device`'s second stage, or `nil` where the device's
    /// stages and their feeders are not as the bound needs.
    static func wave(_ problem: Problem, device: Int, chains: MicrobatchChains) -> Double? {
        let stages = problem.deviceStages[device].sorted()
        guard stages.count >= 2 else { return nil }
        let (a, b) = (stages[0], stages[1])
        let e = b - a
        guard a >= 1, e > a, (0..<a).allSatisfy({ problem.stageDevice[e + $0] == problem.stageDevice[$0] }) else { return nil }
        let item = problem.duration(.forward, stage: a, slice: 0)
        guard (0..<a).allSatisfy({ problem.duration(.forward, stage: $0, slice: 0) >= item }) else { return nil }
        func forward(_ stage: Int) -> Int { chains.position(.forward, stage: stage, slice: 0) }
        var wave = (0..<a).reduce(0.0) { $0 + chains.duration[forward(e + $1)] }
        for i in 1...a {
            wave += min(chains.latency(from: forward(e + i - 1), to: forward(e + i)), chains.latency(from: forward(i - 1), to: forward(i)))
        }
        return wave
    }
}
