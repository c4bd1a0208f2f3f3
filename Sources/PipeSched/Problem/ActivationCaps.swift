/// Memory caps in Zero Bubble's unit (Qi et al., ICLR 2024): a device may hold its stages' static
/// memory plus the forward activations of `factor` × p microbatches of each of its stages. 1F1B
/// keeps up to p microbatches in flight on the first device, so `1p` is 1F1B's budget, and ZB-H2,
/// ZB-V and the controllable-memory V schedules are described at 1p, 1.5p or 2p.
extension Problem {
    /// Per-device caps of `factor` × p microbatches' activations, each at most the problem's own
    /// cap on that device (the hardware's memory) where it has one. A microbatch's activations on a
    /// stage are its forward memory delta, summed over slices.
    public func activationCaps(factor: Double) -> [Double] {
        (0..<devices).map { device in
            let activations = deviceStages[device].reduce(0) { total, stage in
                total + (0..<sequenceSlices).reduce(0) { $0 + memoryDelta(.forward, stage: stage, slice: $1) }
            }
            return min(cap(device: device), staticMemory(device: device) + factor * Double(devices) * activations)
        }
    }

    /// This problem with `activationCaps(factor:)` as its memory limit.
    public func withActivationCaps(factor: Double, limits: ProblemLimits = .standard) throws(ProblemError) -> Problem {
        let caps = activationCaps(factor: factor)
        return try with(limits: limits) { $0.memoryLimit = caps }
    }
}
