/// Memory a stage's passes allocate that the step frees only when it ends: where a stage's three
/// deltas sum above zero, the sum is held from the pass that allocated it to the end of the step.
/// PyTorch's pipeline runtime holds each output a stage sends to another rank and each input
/// gradient it computes so (`BoundaryMemory.torch`); the next step starts from the static memory
/// again. Every part that walks memory (the simulator, the validator, the greedy, the exact models)
/// reads the deltas as they are, so it counts the held memory from the pass that allocates it; the
/// lower bounds read `stepEndRelaxation`.
extension MemoryDeltas {
    /// What the three passes leave allocated until the step ends (never below 0 in a valid problem).
    public var heldToStepEnd: Double { forward + backwardInput + backwardWeight }
}

extension Problem {
    /// Whether some stage's passes leave memory held until the step ends.
    public var holdsMemoryToStepEnd: Bool { stages.contains { $0.slices.contains { $0.memory.heldToStepEnd != 0 } } }

    /// The same problem with every `W` freeing all that its `F` and `B` allocated: for any schedule,
    /// memory is never higher at any point than in `self` (it differs only after a `W`, by what
    /// `self` still holds), and durations are the same, so its lower bounds are lower bounds of
    /// `self` (`LowerBound`). `self` where nothing is held to the step's end.
    public var stepEndRelaxation: Problem {
        guard holdsMemoryToStepEnd else { return self }
        let relaxed = stages.map { stage in
            var stage = stage
            stage.slices = stage.slices.map { costs in
                var costs = costs
                costs.memory.backwardWeight -= costs.memory.heldToStepEnd
                return costs
            }
            return stage
        }
        // Same fields, deltas summing to zero: it cannot fail where `self` was accepted.
        return (try? with(limits: .unlimited) { $0.stages = relaxed }) ?? self
    }
}
