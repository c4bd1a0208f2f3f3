/// The knobs of the greedy list scheduler; `GreedySearch` tries a grid of them and keeps the best.
public struct GreedyPolicy: Sendable, Hashable, CustomStringConvertible {
    /// When a pending W pass may run.
    public enum WeightFill: String, Sendable, Hashable, CaseIterable {
        /// Before any forward: W right after its B whenever nothing more urgent is ready (ZB-H1-like).
        case eager
        /// Whenever the device would otherwise wait.
        case fillIdle
        /// Only when it ends before the next known-ready pass (Zero Bubble's W fill).
        case fitIdle
    }

    /// Which ready forward to run first when a device holds several stages.
    public enum ChunkOrder: String, Sendable, Hashable, CaseIterable {
        /// The latest stage first: push a microbatch towards the loss (Megatron's interleaving).
        case depthFirst
        /// The latest stage first, and a later stage's forward that arrives within half of the
        /// forward the device could start now goes first: the device waits for it, as Zero Bubble's
        /// V schedule leaves a moment free for the turn.
        case depthFirstWaiting
        /// The earliest stage first: admit new microbatches (breadth-first).
        case breadthFirst
    }

    /// Which backward pass a device runs when several are ready at once (a device holding several
    /// stages).
    public enum BackwardOrder: String, Sendable, Hashable, CaseIterable {
        /// The one whose inputs arrived first; on a tie, the latest stage's.
        case earliestReady
        /// The earliest stage's: the microbatch's last backward on the device, which hands it on
        /// towards the first stage. Zero Bubble's V schedule runs each chunk's forward beside the
        /// same chunk's backward in its steady state (F, B, W of the first chunk, then of the
        /// second, Qi et al., ICLR 2024); this order keeps that pairing where a device has both
        /// backwards ready.
        case earliestStage
    }

    /// Which backward passes the scheduler emits.
    public enum BackwardPasses: String, Sendable, Hashable, CaseIterable {
        /// `B` then a deferrable `W` everywhere (Zero Bubble's split).
        case split
        /// As `split`, and where an input-gradient pass allocates (as under PyTorch's runtime), every
        /// forward leaves room on its device for one (`ListScheduler.Setup.backwardReserve`), which
        /// may also use the room kept for the oldest microbatch's later forwards: no device fills
        /// with forwards none of whose backwards can run. `split` alone may get stuck there, but where it does not
        /// it can hold one more microbatch in flight (docs/search.md).
        case splitKeepingRoom
        /// A fused `BW` on the stages whose `B` allocates (`Problem.backwardAllocates(stage:)`): it
        /// frees what the forward allocated where a split `B` would raise the peak; split elsewhere.
        case fusedWhereBAllocates
    }

    /// Warm-up depth: a device admits up to `ceil(warmupFactor × round trip / (F + B))` microbatches
    /// before their backward returns (1 gives 1F1B's depth, 2 ZB-H2's), and never beyond its memory cap.
    public var warmupFactor: Double
    /// Run a ready B before a ready F even while the warm-up depth allows the F.
    public var preferBackward: Bool
    /// Forwards first only (without `preferBackward`): where the cap refuses a ready F, a B is ready
    /// and a pending W frees memory, the W runs before the B, so the F runs next (Zero Bubble's V
    /// schedule runs F, B, W in turn at its 1p memory). Without it the B runs first, as with a
    /// backward first: on Llama 3 8B, 8 × H100, m = 32, that order is 0.75% faster (docs/search.md).
    public var makesRoomBeforeBackward: Bool
    public var weightFill: WeightFill
    public var chunkOrder: ChunkOrder
    public var backwardOrder: BackwardOrder
    public var backward: BackwardPasses
    /// When the greedy recomputes a microbatch, where the problem offers recomputation
    /// (`GreedyRecomputation`).
    public enum MemoryActions: String, Sendable, Hashable, CaseIterable {
        /// Never: every forward keeps its activations.
        case none
        /// When the cap would keep the microbatch out (the issue's rule).
        case whenBlocked
        /// Every microbatch of a capped device, as far as the cap allows (full recomputation, with
        /// `R` passes in bubbles; local search then drops the ones not needed).
        case everyMicrobatch
    }

    public var memoryActions: MemoryActions

    /// What a device holding several stages promises a microbatch it admits at its first stage.
    public enum LaterStageMemory: String, Sendable, Hashable, CaseIterable {
        /// The forwards of all its stages on the device, so its later stages never wait for memory.
        case reservedAtAdmission
        /// Its first stage's forward only; the room the later stages' forwards of one microbatch
        /// take is kept free instead, for the oldest admitted microbatch that still needs it. A
        /// device then holds more first-chunk activations while the later chunks are far away, as
        /// Zero Bubble's V schedules do (2p first-chunk activations on device 0 under a 1p cap). Where
        /// backward passes only free, the oldest microbatch can always go on (its later forwards have
        /// the room), so the scheduler cannot deadlock. Where a `B` allocates, a run may get stuck,
        /// as with the reservation, unless its backward passes are `BackwardPasses.splitKeepingRoom`
        /// (or fused): such a `B` may then take the kept room (forwards leave it room of its own),
        /// and its `W` then frees the cell's activations, so the oldest microbatch goes on
        /// (docs/search.md).
        case keptForOldest
    }

    public var laterStageMemory: LaterStageMemory

    /// Whether the scheduler runs a forward and a backward as one overlapped F&B pass
    /// (`OverlappedPass.swift`), where the problem declares time such a pair hides.
    public enum Pairing: String, Sendable, Hashable, CaseIterable {
        /// Every pass on its own.
        case none
        /// When a device runs a backward (`B` or `BW`) and a forward of another stage is ready and
        /// admitted at the same moment, the two run as one pair, as DualPipe's steady state does
        /// (DeepSeek-AI, arXiv 2412.19437, §3.2.1).
        case whenBothReady
        /// As `whenBothReady`, and a device about to run a backward (or a forward) alone waits for
        /// a partner of another stage whose inputs arrive sooner than the pair would save.
        case waitingForPartner
    }

    public var pairing: Pairing

    /// Whether a device that could start a forward waits instead for a backward about to arrive: the
    /// backward is the critical path, and a forward started now would hold it back by more than the
    /// wait costs. A device holding several stages waits for any backward whose inputs arrive within
    /// half of that forward; a device holding one stage waits for its first backward (the first
    /// microbatch's round trip) if it arrives before that forward would end, as Zero Bubble's greedy
    /// leaves a bubble before the first B.
    public var waitsForBackward: Bool

    /// In its cool-down (no forward left to run), a device runs a `W` only where it ends before the
    /// next known-ready pass, as `WeightFill.fitIdle` does throughout: the last microbatches'
    /// input-gradient passes then go down the pipeline without waiting behind `W` passes, as in
    /// ZB-V's cool-down (its `W` passes fill the tail). Changes only `eager` and `fillIdle`.
    public var fitsIdleInCoolDown: Bool

    public init(warmupFactor: Double = 1, preferBackward: Bool = true, weightFill: WeightFill = .fitIdle,
                chunkOrder: ChunkOrder = .depthFirst, backward: BackwardPasses = .split, memoryActions: MemoryActions = .none,
                laterStageMemory: LaterStageMemory = .reservedAtAdmission, pairing: Pairing = .none,
                waitsForBackward: Bool = false, backwardOrder: BackwardOrder = .earliestReady, makesRoomBeforeBackward: Bool = false,
                fitsIdleInCoolDown: Bool = false) {
        self.fitsIdleInCoolDown = fitsIdleInCoolDown
        self.makesRoomBeforeBackward = makesRoomBeforeBackward
        self.backwardOrder = backwardOrder
        self.pairing = pairing
        self.waitsForBackward = waitsForBackward
        self.memoryActions = memoryActions
        self.laterStageMemory = laterStageMemory
        self.warmupFactor = warmupFactor
        self.preferBackward = preferBackward
        self.weightFill = weightFill
        self.chunkOrder = chunkOrder
        self.backward = backward
    }

    /// Equal where every field is: compared by the enums' cases (`rules`) instead of
    /// `RawRepresentable`'s default, which compares their raw-value strings.
    public static func == (a: GreedyPolicy, b: GreedyPolicy) -> Bool {
        a.warmupFactor == b.warmupFactor && a.rules == b.rules
    }

    /// Hashed as `==` compares: with the raw-value strings, hashing policies took a tenth of the
    /// instructions of a V grid search (`GreedySearch`'s proofs, branches and climb look policies up).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(warmupFactor)
        hasher.combine(rules)
    }

    /// Every field but the warm-up factor, a byte each: the three Booleans in the first, then each
    /// enum's case as its one byte of storage (`unsafeBitCast` traps if an enum's size is not one byte).
    /// `GreedyTests.policiesCompareAndHashByEveryField` checks that policies differing in any field differ here.
    private var rules: UInt64 {
        func byte<Case>(_ value: Case) -> UInt64 { UInt64(unsafeBitCast(value, to: UInt8.self)) }
        return (preferBackward ? 1 : 0) | (waitsForBackward ? 2 : 0) | (makesRoomBeforeBackward ? 4 : 0) | (fitsIdleInCoolDown ? 8 : 0)
            | byte(weightFill) << 8 | byte(chunkOrder) << 16 | byte(backwardOrder) << 24 | byte(backward) << 32
            | byte(memoryActions) << 40 | byte(laterStageMemory) << 48 | byte(pairing) << 56
    }

    public var description: String {
        "warmup×\(warmupFactor.readable) \(preferBackward ? "B-first" : "F-first")\(makesRoomBeforeBackward ? " W-makes-room" : "")"
            + " W:\(weightFill.rawValue)\(fitsIdleInCoolDown ? "-fitIdle-in-cool-down" : "") \(chunkOrder.rawValue)"
            + (backward == .split ? "" : backward == .splitKeepingRoom ? " B-room" : " BW-where-B-allocates") + (memoryActions == .none ? "" : " recompute:\(memoryActions.rawValue)")
            + (laterStageMemory == .reservedAtAdmission ? "" : " later-chunks:kept-for-oldest")
            + (pairing == .none ? "" : pairing == .whenBothReady ? " F&B-pairs" : " F&B-pairs-waiting")
            + (waitsForBackward ? " waits-for-B" : "") + (backwardOrder == .earliestReady ? "" : " B:earliest-stage")
    }

    /// The policies `GreedySearch` tries on `problem`: chunk order only where a device holds several
    /// stages, fused backward passes only where they can lower the peak under a cap
    /// (`Problem.fusedBackwardCanLowerPeak`) unless `fusing` says otherwise, recomputation only where
    /// it can (`Problem.memoryActionsCanLowerPeak`), later-stage memory kept for the oldest microbatch
    /// only where a capped device holds several stages and the problem has no memory actions,
    /// overlapped F&B pairs only where the problem declares time they hide (`Problem.hasOverlap`),
    /// waiting for a backward only after a backward first (see below), warm-up factors between the
    /// usual ones only where a capped device holds several stages (the depth a V or interleaved
    /// placement needs under a cap often falls between them; uncapped, and on one stage per device,
    /// they gained nothing on the benchmark problems, docs/search.md), forwards first both with and
    /// without a `W` making room before a backward (`makesRoomBeforeBackward`) where every device
    /// holds one stage, and only with it where a device holds several (where it won, the V at
    /// ZB-V's 1p memory; both there cost the V grid of the speed benchmark a sixth more time), and
    /// `eager` and `fillIdle` fills both with and without W passes fitting idle time in the cool-down
    /// (`fitsIdleInCoolDown`; their twins cost the speed benchmark's grids 6–16% more instructions,
    /// docs/search.md), the earliest stage's backward first only with the chunk order depth first, waiting and
    /// later-stage room kept for the oldest microbatch, the policies that copy ZB-V's other habits
    /// (with the other chunk orders it won on none of the greedy's probe problems; offered with every
    /// waiting one it found the same, for 31% more passes than without it instead of 21%,
    /// docs/search.md).
    public static func grid(for problem: Problem, fusing: Bool? = nil) -> [GreedyPolicy] {
        let several = problem.devicesHoldSeveralStages
        let warmups: [Double] = several && problem.memoryLimit != nil ? [1, 1.25, 1.5, 1.75, 2, 2.5, 3, 1000] : [1, 1.5, 2, 3, 1000]
        let laterStages: [LaterStageMemory] = several && problem.memoryLimit != nil && !problem.hasMemoryActions
            ? LaterStageMemory.allCases : [.reservedAtAdmission]
        let backward: [BackwardPasses] = switch fusing ?? problem.fusedBackwardCanLowerPeak {
        case true: [.split, .splitKeepingRoom, .fusedWhereBAllocates]
        case false: [.split]
        }
        var result: [GreedyPolicy] = []
        // Waiting for a backward only after a backward first. Where a device holds several stages,
        // with a depth-first chunk order and (where there is the choice) with later-stage room kept
        // for the oldest microbatch: where it won (docs/search.md), a sixth more policies on a
        // capped device with several stages (a third uncapped). Where every device holds one stage,
        // only at warm-up depths of twice the round trip and unbounded, with W passes filling idle
        // time: only these won on the benchmark problems (docs/search.md); 4 more policies on 30.
        for waits in [false, true] {
            for pairing in problem.hasOverlap ? Pairing.allCases : [.none] {
                for warmup in waits && !several ? [2, 1000] : warmups {
                    for preferBackward in waits ? [true] : [true, false] {
                        for makesRoom in preferBackward ? [false] : several ? [true] : [false, true] {
                            for fill in waits && !several ? [.fillIdle, .fitIdle] : WeightFill.allCases {
                                for order in !several ? [.depthFirst] : waits ? [.depthFirst, .depthFirstWaiting] : ChunkOrder.allCases {
                                    for passes in backward {
                                        for actions in GreedyRecomputation.applies(to: problem) ? MemoryActions.allCases : [.none] {
                                            let offered = actions == .none ? laterStages : [.reservedAtAdmission]
                                            let kept: [LaterStageMemory] = offered.contains(.keptForOldest) ? [.keptForOldest] : offered
                                            for later in waits ? kept : offered {
                                                for backwardOrder in order == .depthFirstWaiting && later == .keptForOldest ? BackwardOrder.allCases : [.earliestReady] {
                                                    for coolDown in fill == .fitIdle ? [false] : [false, true] {
                                                        result.append(GreedyPolicy(warmupFactor: warmup, preferBackward: preferBackward, weightFill: fill,
                                                                                   chunkOrder: order, backward: passes, memoryActions: actions,
                                                                                   laterStageMemory: later, pairing: pairing, waitsForBackward: waits,
                                                                                   backwardOrder: backwardOrder, makesRoomBeforeBackward: makesRoom,
                                                                                   fitsIdleInCoolDown: coolDown))
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
