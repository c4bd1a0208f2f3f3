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
/// and likewise for `W`. With `a = ΣΔF` as above and `h = min(ΔF, ΔF + ΔB)` the least a microbatch
/// holds between its `B` and its `W`: when `F(s, x)` starts after `i` of the stage's `B` passes and `w`
/// of its `W` passes (`w ≤ i ≤ x`), microbatches `i…x` hold `a` each and `w…i−1` hold `h` each, so
/// `a · (x − i + 1) + h · (i − w) ≤ room`. As `a ≥ h`, `i = x` asks the fewest `W` passes:
/// `w ≥ x − (room − a) / h`. Hence
///
///     start W(s, b) ≤ start F(s, b + j)   for j = ⌊(room − a) / h⌋ + 1
///
/// (at most `⌊room / h⌋`, the count that ignores the microbatch `F(s, x)` admits). The whole rule is
/// a choice (`Choice`): for some `i` the room allows, `i` of the `B` passes and the fewest `W`
/// passes beside them have run; the pairs are what every option asks.
///
/// Both need every other stage on the device to hold memory ≥ 0 at all times (`ΔF ≥ 0` and
/// `ΔF + ΔB ≥ 0`); where that fails the device gets no precedences. They hold for every schedule of
/// split passes in same-kind microbatch order within the caps (fused `BW` and sequence slices are
/// not covered: the problem gets none when it has slices). With microbatch scales each microbatch
/// holds at least the least memory scale times these deltas, so `k` and `j` count with that; the
/// order no longer holds then, so only the order-statistic form of `InFlightBound` reads the pairs
/// (`Problem.costsVaryByMicrobatch`). Exact models add them as redundant
/// constraints: they cut nothing feasible and let propagation see the in-flight limit
/// (docs/cpsat.md).
public enum MemoryPrecedence {
    /// One implied precedence: `before` starts no later than `after`.
    public struct Pair: Sendable, Equatable {
        public let before: Op
        public let after: Op
    }

    /// The rule for one forward of a stage whose cells hold memory between their `B` and their `W`:
    /// `after` starts only once, for one of `options`, every pass listed has run.
    public struct Choice: Sendable, Equatable {
        public let after: Op
        public let options: [[Op]]
    }

    /// How many of a stage's `B` and `W` passes have run.
    struct Requirement: Equatable {
        let backwards: Int
        let weights: Int
    }

    /// What the cap lets one capped stage hold: `room` beside static memory (with a margin), `inFlight`
    /// (`a`) what a microbatch holds from its forward on the stage to its `B` there (nesting stages
    /// included), `held` (`h`) what it holds from that `B` to its `W`, at the least memory scale.
    struct StageRoom {
        let stage: Int
        let room: Double
        let inFlight: Double
        let held: Double

        /// How many microbatches may hold `a` at once, `⌊room / a⌋` (a forward's own included): the
        /// forward of microbatch `x` waits for the `B` of microbatch `x − backwardsAhead`.
        var backwardsAhead: Int { inFlight > 0 ? Int((room / inFlight).rounded(.down)) : Int.max }

        /// How far forwards run ahead of `W` passes with every earlier `B` run (`weightsNeeded` at
        /// `i = x`, `x − ⌊(room − a) / h⌋`): the forward of microbatch `x` waits for the `W` of
        /// microbatch `x − weightsAhead` (0 where cells hold nothing between `B` and `W`).
        var weightsAhead: Int { held > 0 ? Int(((room - inFlight) / held).rounded(.down)) + 1 : 0 }

        /// The fewest `W` passes that must have run when the forward of microbatch `x` starts after
        /// `i` of the `B` passes (`i ≤ x`): `a · (x − i + 1) + h · (i − w) ≤ room`.
        func weightsNeeded(forward x: Int, backwards i: Int) -> Int {
            guard held > 0 else { return 0 }
            let left = room - inFlight * Double(x - i + 1)
            return max(0, i - Int((left / held).rounded(.down)))
        }

        /// What the forward of microbatch `x` waits for beyond the pairs, or `nil`: the fewest `B`
        /// passes the room allows with the `W` passes they need (`exact`), or else one `B` pass more
        /// with the fewest `W` passes of any larger count (`more`, what every option with more `B`
        /// passes asks at least). `nil` where `exact` asks no more `W` passes than `more` (the pairs
        /// then say it all) or asks for nothing.
        func options(forward x: Int) -> (exact: Requirement, more: Requirement)? {
            guard held > 0 else { return nil }
            let fewest = x - min(x, backwardsAhead - 1)  // a · (x − i + 1) ≤ room
            guard fewest < x else { return nil }
            let exact = Requirement(backwards: fewest, weights: weightsNeeded(forward: x, backwards: fewest))
            let more = Requirement(backwards: fewest + 1, weights: weightsNeeded(forward: x, backwards: x))
            guard exact.weights > more.weights, exact.backwards > 0 || exact.weights > 0 else { return nil }
            return (exact, more)
        }
    }

    /// Every capped stage's room, where the argument holds: one slice, every stage of the device
    /// holding memory ≥ 0 at all times (`ΔF ≥ 0`, `ΔF + ΔB ≥ 0`), room for one microbatch at least.
    static func rooms(_ problem: Problem) -> [StageRoom] {
        guard problem.sequenceSlices == 1, problem.memoryLimit != nil else { return [] }
        var rooms: [StageRoom] = []
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
                guard room >= inFlight else { continue }
                rooms.append(StageRoom(stage: stage, room: room, inFlight: inFlight, held: held))
            }
        }
        return rooms
    }

    /// Every implied precedence of `problem` (empty without caps or with sequence slices).
    public static func pairs(_ problem: Problem) -> [Pair] {
        pairs(rooms(problem), microbatches: problem.microbatches)
    }

    /// The precedences of stages of room `rooms` (`rooms(_:)`) over `microbatches`.
    static func pairs(_ rooms: [StageRoom], microbatches: Int) -> [Pair] {
        var pairs: [Pair] = []
        for room in rooms {
            for (kind, ahead) in [(OpKind.backwardInput, room.backwardsAhead), (.backwardWeight, room.weightsAhead)] {
                guard ahead >= 1, ahead < microbatches else { continue }
                for microbatch in 0..<(microbatches - ahead) {
                    pairs.append(Pair(before: Op(kind, stage: room.stage, microbatch: microbatch),
                                      after: .forward(room.stage, microbatch + ahead)))
                }
            }
        }
        return pairs
    }

    /// Every forward's alternatives where they ask more than the pairs (`StageRoom.options`).
    public static func choices(_ problem: Problem) -> [Choice] {
        rooms(problem).flatMap { room in
            (0..<problem.microbatches).compactMap { x -> Choice? in
                guard let (exact, more) = room.options(forward: x) else { return nil }
                func passes(_ requirement: Requirement) -> [Op] {
                    (requirement.backwards > 0 ? [Op.backwardInput(room.stage, requirement.backwards - 1)] : [])
                        + (requirement.weights > 0 ? [.backwardWeight(room.stage, requirement.weights - 1)] : [])
                }
                return Choice(after: .forward(room.stage, x), options: [passes(exact), passes(more)])
            }
        }
    }
}
