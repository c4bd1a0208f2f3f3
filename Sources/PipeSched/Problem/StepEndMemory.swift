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

    /// The same problem with the memory the step holds to its end taken from the step's start: each
    /// stage's static memory gains what all microbatches' passes hold (the scales' sum times its
    /// held memory), and its `B` frees a microbatch's share. For any schedule, memory is never lower
    /// at any point than in `self`: it is `self`'s plus the held memory of the microbatches whose
    /// `B` has not run (each microbatch's contribution is the same until its `B`, and less by its
    /// held memory after), so a schedule that fits its caps fits `self`'s. A tighter budget for the
    /// schedulers that fill memory up to the cap (`auto` runs them under it too), and how the held
    /// memory was charged until 2026-12-07. `nil` where nothing is held, or where the held memory
    /// leaves no room for a microbatch under the caps.
    public var heldMemoryFromTheStart: Problem? {
        guard holdsMemoryToStepEnd else { return nil }
        let total = scaleSummary.totalMemory
        let charged = stages.map { stage in
            var stage = stage
            stage.staticMemory += total * stage.slices.reduce(0) { $0 + max(0, $1.memory.heldToStepEnd) }
            stage.slices = stage.slices.map { costs in
                var costs = costs
                costs.memory.backwardInput -= costs.memory.heldToStepEnd
                return costs
            }
            return stage
        }
        return try? with(limits: .unlimited) { $0.stages = charged }
    }
}
