/// What offloading one stage's slice costs: the schedule may choose, per (stage, microbatch, slice),
/// to copy `memory` of the forward's activations to host memory after the forward (an `O` pass) and
/// back before the backward (an `L` pass), so that the device holds them only while it needs them.
///
/// PipeOffload (Wan et al., ICML 2025) offloads activations over PCIe selectively; OptPipe (Li et al.,
/// arXiv 2510.05186) makes the choice a decision of the scheduler under the per-device cap. For an
/// offloaded cell:
///
/// - `F` allocates `memory.forward` as usual;
/// - `O` (device-to-host copy stream, after `F`) lasts `time` and frees `memory` when it **ends**;
/// - `L` (host-to-device copy stream, after `O`, before the cell's `B` or `BW`) lasts `time` and
///   allocates `memory` when it **starts**;
/// - `B` and `W` are unchanged, so the deltas of a cell still sum to what they did.
///
/// **Streams and memory.** A device runs three streams (`PassStream`): compute, and one copy stream
/// per direction; each runs its passes one at a time, in the sequence of the device order. Memory is
/// accounted along the device order (`Problem.memoryLevels`), and three rules make that accounting
/// an upper bound of the memory in use at every instant:
/// 1. a compute pass or an `L` starts after every `O` before it in the order has ended (the memory an
///    `O` frees is only free once it is on the host);
/// 2. an `L` starts no earlier than the compute pass before it in the order starts (the memory the
///    passes before it free, at their start, is then free);
/// 3. the stream rule and the dependencies above.
/// `ScheduleGraph` (simulation) and `Validator` (timed schedules from files) read these rules from
/// `StreamRules`. One transfer at a time per direction and device: the host link is not
/// shared between devices (a node's PCIe switch is not modelled).
public struct OffloadCost: Sendable, Hashable, Codable {
    /// Memory copied to the host and back (0 ≤ memory ≤ memory.forward).
    public var memory: Double
    /// Duration of one copy, either direction (the memory over the host link's bandwidth).
    public var time: Double

    public init(memory: Double, time: Double) {
        self.memory = memory
        self.time = time
    }
}

extension Problem {
    /// The offloading a stage's slice offers, `nil` when its activations stay on the device.
    @inline(__always)
    public func offloadCost(stage: Int, slice: Int) -> OffloadCost? { stages[stage].costs(slice: slice).offload }

    /// Whether the cells of a stage's slice may be offloaded.
    @inline(__always)
    public func canOffload(stage: Int, slice: Int) -> Bool { hasMemoryActions && offloadCost(stage: stage, slice: slice) != nil }

    /// Memory an offload frees and its reload allocates again.
    @inline(__always)
    public func offloadedMemory(stage: Int, slice: Int) -> Double { offloadCost(stage: stage, slice: slice)?.memory ?? 0 }

    /// Whether some stage offers offloading.
    public var offersOffloading: Bool {
        hasMemoryActions && stages.contains { $0.slices.contains { $0.offload != nil } }
    }

    /// Checks a stage's offload costs: a finite time ≥ 0 and memory between 0 and what the forward
    /// allocates.
    static func checkOffload(_ stage: StageProfile, at index: Int) throws(ProblemError) {
        for (slice, costs) in stage.slices.enumerated() {
            guard let offload = costs.offload else { continue }
            try checkActionCost(stage, at: index, slice: slice, action: "offload", time: offload.time,
                                timeFix: "give the duration of copying the offloaded activations over the host link, one way",
                                memory: ("memory", offload.memory),
                                memoryFix: "give the activation memory the forward keeps that can move to the host, at most what it allocates")
        }
    }
}
