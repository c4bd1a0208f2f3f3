/// BitPipe (Wu, Chen and Yu, "BitPipe: Bidirectional Interleaved Pipeline Parallelism for
/// Accelerating Large Models Training", AAAI 2025): two copies of the model in opposite directions,
/// each a V over the `p` devices, so every device holds four stages (the `wave` placement with two
/// pipelines and four stages per device, `Placement.swift`). The first copy runs down the devices
/// and back up (its stage `s` on device `s`, stage `2p − 1 − s` on device `s`), the second up and
/// back down; each turns on the device where its first half ends, without a transfer.
///
/// The order is that of a Megatron-LM BitPipe schedule (`forward_backward_pipelining_with_BitPipe`,
/// "the BitPipe schedule with direct concatenation", read from a public copy whose repository the
/// index did not record, so that it is the authors' own code is likely but not confirmed), read
/// from its per-rank tables: `forwardOrder` and `backwardOrder` give each device's forward and
/// backward passes in the order its runtime takes them (`get_microbatch_idx`,
/// `get_bkmicrobatch_idx`), and `tokens` how it interleaves them (warm-up forwards, one forward and
/// one backward in turn, the cool-down backwards and warm-up forwards that concatenate units of
/// `2p` passes, and the final cool-down). Backwards are fused (`BW`), as Megatron's backward step
/// is; the eager gradient synchronisation between the two copies is outside the schedule, as data
/// parallelism is. The runtime counts `2m` microbatches per step (`m` per copy) and needs them in
/// whole units: `m` a multiple of `p / 2`, `p` even. As with every family, only the order is kept:
/// the problem's costs time it.
public struct BitPipe: ScheduleFamily {
    public let name = "bitpipe"
    public let summary = "BitPipe (Wu et al., AAAI 2025): two V-shaped copies of the model in opposite directions, the per-rank order of a Megatron-LM BitPipe schedule; fused BW; wave placement with pipelines 2 and 4 stages per device, even p, m a multiple of p/2"
    public let pipelines = 2

    public init() {}

    /// A pass of the runtime's tables: the model chunk it runs on a device (0: the first copy's
    /// first half, 1: the second copy's first half, 2 and 3: their second halves) and which of that
    /// chunk's microbatches (the `k`-th of its list, in the order the runtime numbers them).
    struct ChunkPass: Equatable {
        var chunk: Int
        var index: Int
    }

    /// One step of a device's loop: a forward or a backward of the chunk pass at `position` of the
    /// device's forward or backward order.
    enum Token: Equatable {
        case forward(Int)
        case backward(Int)
    }

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        try requireWholeSequences(problem)
        let p = problem.devices, m = problem.microbatches
        guard p % 2 == 0 else {
            throw FamilyError(method: name, message: "needs an even number of devices (each half of them starts one copy), got \(p)")
        }
        let expected = try? Placement.wave.devices(stages: 4 * p, devices: p, pipelines: 2)
        guard problem.stageCount == 4 * p, problem.stageDevice == expected else {
            throw FamilyError(method: name, message: "needs BitPipe's placement, two V-shaped copies of the model in opposite directions (4 stages per device); set \"placement\": \"wave\" with \(4 * p) stages and \"pipelines\": 2 (pipesched profile --placement wave --chunks 4 --pipelines 2)")
        }
        guard m % (p / 2) == 0 else {
            throw FamilyError(method: name, message: "runs whole units of p/2 microbatches per copy (the runtime needs 2m a multiple of p); give a multiple of \(p / 2), got \(m)")
        }
        let orders = (0..<p).map { rank in
            let forwards = Self.forwardOrder(devices: p, microbatches: m, rank: rank)
            let backwards = Self.backwardOrder(devices: p, microbatches: m, rank: rank)
            return Self.tokens(devices: p, microbatches: m, rank: rank).map { token -> Op in
                switch token {
                case .forward(let k): .forward(Self.stage(forwards[k].chunk, devices: p, rank: rank), forwards[k].index)
                case .backward(let k): .backward(Self.stage(backwards[k].chunk, devices: p, rank: rank), backwards[k].index)
                }
            }
        }
        return Schedule(orders: orders)
    }

    /// The problem stage that chunk `chunk` runs on `rank` (the first copy's stages are `0 ..< 2p`,
    /// the second's `2p ..< 4p`).
    static func stage(_ chunk: Int, devices p: Int, rank: Int) -> Int {
        switch chunk {
        case 0: rank                    // first copy, down
        case 2: 2 * p - 1 - rank        // first copy, back up
        case 1: 2 * p + (p - 1 - rank)  // second copy, up
        default: 3 * p + rank           // second copy, back down
        }
    }

    /// The runtime's microbatch id of a chunk pass (`get_model_chunk_id`'s inverse): ids below `2m`
    /// are first halves, in blocks of `p` (the first `p / 2` of a block the first copy's, the rest
    /// the second's); ids from `2m` on are second halves, numbered alike.
    static func runtimeID(_ pass: ChunkPass, devices p: Int, microbatches m: Int) -> Int {
        let unit = p / 2
        return (pass.chunk / 2) * 2 * m + (pass.index / unit) * p + (pass.chunk % 2) * unit + pass.index % unit
    }

    /// The shape of `rank`'s tables: the units of `p / 2` microbatches each chunk's list is read in,
    /// which half of the devices the rank is in (`h`: the rank starts the second copy when 1), and
    /// how many of a unit it takes from its own copy's chunk before the other's (`first`).
    private static func shape(devices p: Int, rank: Int) -> (unit: Int, h: Int, first: Int) {
        let unit = p / 2
        return (unit, rank / unit, rank < unit ? unit - rank : rank - unit + 1)
    }

    /// `rank`'s forward passes in the runtime's order (`get_microbatch_idx`): its own copy's first
    /// half, the other copy's first half, the other's second half, its own second half.
    static func forwardOrder(devices p: Int, microbatches m: Int, rank: Int) -> [ChunkPass] {
        let h = shape(devices: p, rank: rank).h
        return order(chunks: (h, 1 - h, 3 - h, 2 + h), devices: p, microbatches: m, rank: rank)
    }

    /// `rank`'s backward passes in the runtime's order (`get_bkmicrobatch_idx`, without the markers
    /// of its gradient synchronisation): the same pattern, from its own copy's second half back to
    /// its own first half.
    static func backwardOrder(devices p: Int, microbatches m: Int, rank: Int) -> [ChunkPass] {
        let h = shape(devices: p, rank: rank).h
        return order(chunks: (2 + h, 3 - h, 1 - h, h), devices: p, microbatches: m, rank: rank)
    }

    /// The pattern both of the runtime's tables follow, per unit of `p / 2` microbatches of each
    /// chunk: `first` passes of chunk `a`, then `b` and `a` in turn, `b` and `c`, `d` and `c`, and
    /// the last `first` of `d`.
    private static func order(chunks: (a: Int, b: Int, c: Int, d: Int), devices p: Int, microbatches m: Int, rank: Int) -> [ChunkPass] {
        let (u, _, first) = shape(devices: p, rank: rank)
        let (a, b, c, d) = chunks
        var order: [ChunkPass] = []
        order.reserveCapacity(4 * m)
        for j in 0..<(2 * m / p) {
            let base = j * u
            for i in 0..<first { order.append(ChunkPass(chunk: a, index: base + i)) }
            for i in 0..<(u - first) { order += [ChunkPass(chunk: b, index: base + i), ChunkPass(chunk: a, index: base + i + first)] }
            for i in 0..<first { order += [ChunkPass(chunk: b, index: base + i + u - first), ChunkPass(chunk: c, index: base + i)] }
            for i in 0..<(u - first) { order += [ChunkPass(chunk: d, index: base + i), ChunkPass(chunk: c, index: base + i + first)] }
            for i in 0..<first { order.append(ChunkPass(chunk: d, index: base + i + u - first)) }
        }
        return order
    }

    /// How `rank`'s loop interleaves its forward and backward orders: `warm-up` forwards (`p + p/2`
    /// plus the rank's distance from the nearer end), then per unit of `2p` passes but the last one
    /// forward and one backward in turn `2p − warm-up` times, the backwards that cool the unit down,
    /// one forward and one backward in turn again, and the forwards that warm the next unit up;
    /// in the last unit the turns and then every backward left.
    static func tokens(devices p: Int, microbatches m: Int, rank: Int) -> [Token] {
        let total = 4 * m, unitPasses = 2 * p  // a device's forwards: two chunks of each copy's m
        let warmup = min(total, p + p / 2 + (rank < p / 2 ? rank : p - 1 - rank))
        let turns = unitPasses - warmup
        let loops = total / unitPasses - 1
        var tokens = (0..<warmup).map(Token.forward)
        for j in 0..<loops {
            let offset = unitPasses * j
            for i in 0..<turns { tokens += [.forward(offset + warmup + i), .backward(offset + i)] }
            for i in 0..<(warmup - turns + 1) { tokens.append(.backward(offset + turns + i)) }
            for i in 0..<(turns - 1) { tokens += [.forward(offset + unitPasses + i), .backward(offset + warmup + 1 + i)] }
            for i in 0..<(warmup - turns + 1) { tokens.append(.forward(offset + unitPasses + turns - 1 + i)) }
        }
        let last = unitPasses * loops
        for i in 0..<turns { tokens += [.forward(last + warmup + i), .backward(last + i)] }
        for k in (last + turns)..<total { tokens.append(.backward(k)) }
        return tokens
    }
}
