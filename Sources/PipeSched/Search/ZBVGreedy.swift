/// Zero Bubble's V greedy, as published: the peer that `auto` must beat on V placements.
///
/// A port of `PipelineGraph.try_v_schedule` and `create_schedule` in
/// `megatron/core/pipeline_parallel/zerobubble/scheduler/zbv.py` of
/// sail-sg/zero-bubble-pipeline-parallelism (Qi et al., "Zero Bubble Pipeline Parallelism",
/// ICLR 2024; the ZB-V schedule). It keeps the original's behaviour: one cost per pass kind (the
/// median over stages here, as its runtime passes one number), one scalar latency, one memory limit
/// for every device (the smallest cap minus static memory, or the original's default of 2p forward
/// activations when uncapped), the warm-up and steady-state rules, the W fill that accepts a bubble
/// up to the largest one seen, the re-run with the first run's bubbles "approved", and the sweep
/// over `fill_b` × `fill_f`. Where the original fails an assertion (a memory limit it cannot meet, a
/// dependency not yet scheduled), that run yields nothing. The per-device orders are then timed by
/// our simulator with the real costs. Where microbatches differ (`microbatchScales`), which the
/// original never sees, each pass moves its own microbatch's memory (`memory(_:_:)`; a look-ahead
/// at a pass not chosen yet reads the next microbatch of its kind), so runs stay within the limit;
/// its times stay the original's one per pass kind (timed per microbatch, 5 of 12 random uncapped
/// V problems failed the original's own dependency assertions).
///
/// Device `d` holds stage `d` and stage `2p − 1 − d` (`Placement.v`); the original numbers forward
/// chunks from the input (chunk 0 = stage `d`) and backward chunks from the loss (chunk 0 = stage
/// `2p − 1 − d`).
public enum ZBVGreedy {
    /// The best of the four `fill_b` × `fill_f` runs by the original's own largest stage bubble, or
    /// `nil` when every run fails.
    public static func schedule(_ problem: Problem) -> Schedule? {
        guard problem.placement == .v, problem.sequenceSlices == 1 else { return nil }
        let graph = Graph(problem)
        var best: Run?
        for fillB in [true, false] {
            for fillF in [true, false] {
                guard let run = graph.tryVSchedule(fillF: fillF, fillB: fillB, approved: nil) else { continue }
                if best == nil || run.maxBubble < best!.maxBubble { best = run }
            }
        }
        guard let best else { return nil }
        let p = problem.devices
        return Schedule(orders: best.orders.enumerated().map { device, row in
            row.map { pass in
                // As in `create_schedule`: F chunk 0 is stage d; for B and W the chunks count from the
                // loss back, so their chunk 1 is stage d.
                let ownStage = pass.cat == 0 ? pass.chunk == 0 : pass.chunk == 1
                let stage = ownStage ? device : 2 * p - 1 - device
                return Op([OpKind.forward, .backwardInput, .backwardWeight][pass.cat], stage: stage, microbatch: pass.micro)
            }
        })
    }

    /// How the original sees a problem: one cost and one memory delta per pass kind, F, B and W (the
    /// medians over stages, as its runtime passes one number; memory at a microbatch scale of 1), one
    /// link delay (the largest), and one memory limit for every device (the smallest cap minus
    /// static memory, or the original's default of 2p forward activations when uncapped). What
    /// `zbv.py`'s `PipelineGraph` takes; `pipesched-bench` hands the same to it in CPython.
    public struct Parameters: Sendable, Equatable {
        public var costs: [Double]
        public var memories: [Double]
        public var latency: Double
        public var memoryLimit: Double

        public init(_ problem: Problem) {
            func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
            let kinds: [OpKind] = [.forward, .backwardInput, .backwardWeight]
            costs = kinds.map { kind in median((0..<problem.stageCount).map { problem.duration(kind, stage: $0, slice: 0) }) }
            memories = kinds.map { kind in median((0..<problem.stageCount).map { problem.memoryDelta(kind, stage: $0, slice: 0) }) }
            latency = problem.maxLag
            let room = (0..<problem.devices).map { problem.cap(device: $0) - problem.staticMemory(device: $0) }.min() ?? .infinity
            let fallback = memories[0] * problem.scaleSummary.mostMemory * Double(problem.devices) * 2
            memoryLimit = room.isFinite ? room : (fallback == 0 ? .infinity : fallback)
        }
    }

    /// One pass of the original's schedule: category (0 F, 1 B, 2 W), chunk and microbatch.
    struct Pass: Equatable { var cat: Int; var chunk: Int; var micro: Int }

    struct Run {
        var orders: [[Pass]]
        var maxBubble: Double
        var stageBubble: [Double]
    }

    struct Graph {
        let n: Int, m: Int
        let cost: [Double]  // F, B, W
        let memories: [Double]
        let comm: Double
        let maxMemory: Double
        let problem: Problem

        /// Memory delta of a pass of category `cat` of microbatch `micro` (clamped: a look-ahead
        /// may name the one past the last).
        func memory(_ cat: Int, _ micro: Int) -> Double { memories[cat] * problem.scale(microbatch: min(micro, m - 1)).memory }

        init(_ problem: Problem) {
            n = problem.devices
            m = problem.microbatches
            let parameters = Parameters(problem)
            cost = parameters.costs
            memories = parameters.memories
            self.problem = problem
            comm = parameters.latency
            maxMemory = parameters.memoryLimit
        }

        func id(_ cat: Int, _ chunk: Int, _ stage: Int, _ micro: Int) -> Int { cat * 2 * n * m + chunk * n * m + stage * m + micro }

        // swiftlint:disable:next function_body_length cyclomatic_complexity
        func tryVSchedule(fillF: Bool, fillB: Bool, approved: [Double]?) -> Run? {
            var count = Array(repeating: [Int](repeating: 0, count: 6), count: n)
            var endTime = [Double](repeating: -1, count: 6 * n * m)
            var curTime = [Double](repeating: 0, count: n)
            var mem = [Double](repeating: 0, count: n)
            var stageBubble = [Double](repeating: 0, count: n)
            var pendingW = Array(repeating: [Int](), count: n)  // chunks, oldest first
            var pendingHead = [Int](repeating: 0, count: n)
            var orders = Array(repeating: [Pass](), count: n)
            let approvedBubble = approved ?? [Double](repeating: -1, count: n)
            let maxApproved = approvedBubble.max() ?? -1
            var failed = false

            func maxStageBubble(_ stage: Int = -1) -> Double {
                var result = max(0, stageBubble.max() ?? 0)
                if stage >= 0 { result = max(result, maxApproved - approvedBubble[stage]) }
                return result
            }
            /// `end_time[id]`, with Python's reading of index −1 (the last node).
            func end(_ id: Int) -> Double { endTime[id < 0 ? endTime.count + id : id] }
            func hasPendingW(_ stage: Int) -> Bool { pendingHead[stage] < pendingW[stage].count }

            func put(_ cat: Int, _ chunk: Int, _ stage: Int) {
                guard !failed else { return }
                var time = curTime[stage] + cost[cat]
                let noBubble = time
                let cnt = count[stage][cat * 2 + chunk]
                guard cnt < m, mem[stage] + memory(cat, cnt) <= maxMemory else { failed = true; return }
                if cat > 0 || chunk > 0 {
                    let last = cat * 2 + chunk - 1
                    let needed = cat < 2 ? id(last / 2, last % 2, stage, cnt) : id(1, chunk, stage, cnt)
                    guard endTime[needed] >= 0 else { failed = true; return }
                }
                if chunk == 1 && cat < 2 && stage < n - 1 {
                    let other = id(cat, chunk, stage + 1, cnt)
                    guard endTime[other] >= 0 else { failed = true; return }
                    time = max(time, endTime[other] + comm + cost[cat])
                }
                if chunk == 0 && cat < 2 && stage > 0 {
                    let other = id(cat, chunk, stage - 1, cnt)
                    guard endTime[other] >= 0 else { failed = true; return }
                    time = max(time, endTime[other] + comm + cost[cat])
                }
                if count[stage][0] > 0 { stageBubble[stage] += time - noBubble }
                endTime[id(cat, chunk, stage, cnt)] = time
                curTime[stage] = time
                mem[stage] += memory(cat, cnt)
                orders[stage].append(Pass(cat: cat, chunk: chunk, micro: cnt))
                if cat == 1 { pendingW[stage].append(chunk) }
                count[stage][cat * 2 + chunk] += 1
            }
            func putW(_ stage: Int) {
                guard hasPendingW(stage) else { failed = true; return }
                let chunk = pendingW[stage][pendingHead[stage]]
                pendingHead[stage] += 1
                put(2, chunk, stage)
            }

            // Warm-up.
            for i in 0..<n { put(0, 0, i) }
            for i in stride(from: n - 1, through: 0, by: -1) {
                if i == n - 1 {
                    put(0, 1, i)
                    continue
                }
                let limit = endTime[id(0, 1, i + 1, 0)] + comm
                while !failed && mem[i] + memory(0, count[i][0]) * Double(2 + i * 2) <= maxMemory && curTime[i] + cost[0] <= limit
                        && count[i][0] < m {
                    for j in 0...i { put(0, 0, j) }
                }
                put(0, 1, i)
            }
            var iterChunk = 0
            for i in 1..<max(1, n) {
                while !failed && (count[i][0] + count[i][1] < count[i - 1][0] + count[i - 1][1]
                                  || (count[i][1] <= count[i - 1][1] && count[i - 1][1] < m)) {
                    for j in stride(from: n - 1, through: i, by: -1) where count[j][iterChunk] < m { put(0, iterChunk, j) }
                    iterChunk = 1 - iterChunk
                }
            }
            guard !failed else { return nil }

            // Steady state: B passes, then F passes, 2m rounds.
            for _ in 0..<(2 * m) {
                for i in 0..<n {
                    while !failed && mem[i] + max(memory(1, count[i][2]), memory(1, count[i][3])) > maxMemory { putW(i) }
                }
                var b0: [Int] = [], b1: [Int] = []
                for i in 0..<n {
                    if count[i][3] >= count[i][2] {
                        b0.append(i)
                    } else if i == n - 1 {
                        b1.append(i)
                    } else if endTime[id(1, 1, i + 1, count[i][3])] >= 0 || count[i][2] >= m {
                        b1.append(i)
                    } else {
                        b0.append(i)
                    }
                }
                for (i, chunk) in b1.reversed().map({ ($0, 1) }) + b0.map({ ($0, 0) }) {
                    var other = -1
                    if chunk == 1 && i < n - 1 { other = id(1, 1, i + 1, count[i][3]) }
                    if chunk == 0 && i > 0 { other = id(1, 0, i - 1, count[i][2]) }
                    while !failed && hasPendingW(i) && other >= 0 && end(other) + comm >= curTime[i] + cost[2] { putW(i) }
                    if hasPendingW(i) && end(other) + comm - curTime[i] > maxStageBubble(i) - stageBubble[i] {
                        if chunk == 1 || fillB { putW(i) }
                    }
                    put(1, chunk, i)
                }
                for i in 0..<n where count[i][1] < m {
                    var item: Int?
                    if count[i][1] >= count[i][0] {
                        item = 0
                    } else if i == n - 1 {
                        item = 1
                    } else if endTime[id(0, 1, i + 1, count[i][1])] >= 0 {
                        item = 1
                    } else if count[i][0] < m {
                        if i == 0 || endTime[id(0, 0, i - 1, count[i][0])] >= 0 { item = 0 }
                    }
                    guard let item else { continue }
                    while !failed && mem[i] + memory(0, count[i][item]) > maxMemory { putW(i) }
                    var other = -1
                    if item == 0 && i > 0 { other = id(0, 0, i - 1, count[i][0]) }
                    if item == 1 && i < n - 1 { other = id(0, 1, i + 1, count[i][1]) }
                    while !failed && hasPendingW(i) && other >= 0 && end(other) + comm >= curTime[i] + cost[2] { putW(i) }
                    if hasPendingW(i) && end(other) + comm - curTime[i] > maxStageBubble(i) - stageBubble[i] && fillF { putW(i) }
                    put(0, item, i)
                }
                guard !failed else { return nil }
            }
            for i in 0..<n { while !failed && hasPendingW(i) { putW(i) } }
            guard !failed else { return nil }

            let maxBubble = maxStageBubble()
            let run = Run(orders: orders, maxBubble: maxBubble, stageBubble: stageBubble)
            // The re-run with this run's bubbles approved; as in the original, its failure fails the run.
            if maxApproved < 0 || maxBubble < maxApproved {
                guard let again = tryVSchedule(fillF: fillF, fillB: fillB, approved: stageBubble) else { return nil }
                if again.maxBubble < maxBubble { return again }
            }
            return run
        }
    }
}
