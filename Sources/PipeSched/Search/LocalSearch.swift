import Foundation

/// Improves a schedule by moving passes within their device's order, re-simulating every move.
///
/// Moves, tried first on the devices whose span sets the objective and then on the others (which
/// feed them), first improvement accepted:
/// - **squeeze**: move a pass into the idle gap before an earlier pass (fills a bubble);
/// - **swap**: exchange two adjacent passes (changes a warm-up count or a B/F priority);
/// - **push W**: move a W pass later, to the next gap or behind the next pass;
/// - **fuse**: turn a `B` whose stage's `B` allocates into a fused `BW` (its `W` disappears), which
///   lowers the peak where the cap binds;
/// - **split**: turn a fused `BW` into `B` immediately followed by a `W` that later moves can defer;
/// - **recompute**: insert a recomputation `R` right before a backward whose stage offers it, under a
///   cap (its forward then keeps less; later moves can pull the `R` into a gap, as Mario does);
/// - **keep**: drop an `R`, so its forward keeps its activations and the backward waits less;
/// - where the problem declares time an overlapped F&B pass hides (`OverlappedPass.swift`):
///   **pair** a forward with the backward of another stage right after it, **unpair** a pair, and
///   move a pair one place earlier or later as a unit. A move that separates a pair's passes drops
///   the pair.
/// A move is kept only when the schedule gets better by the one comparator (`ScheduleScore`), keeps
/// every device under its cap and stays deadlock-free. The move order is shuffled by a seeded generator, so a
/// run is reproducible for a given seed and evaluation budget; the time limit and `shouldStop` only
/// cut it short, keeping the best schedule found so far. It stops early at the lower bound (the
/// schedule is then proven optimal).
public struct LocalSearch: Sendable {
    public let problem: Problem
    public let objective: Objective
    public var timeLimit: Double
    public var maxEvaluations: Int
    public var seed: UInt64
    /// Polled with the clock; `true` ends the search with the best schedule so far.
    public var shouldStop: (@Sendable () -> Bool)?
    /// Called with the objective value of the start and of every improvement.
    public var onIncumbent: (@Sendable (Double) -> Void)?

    public init(problem: Problem, objective: Objective, timeLimit: Double = 2, maxEvaluations: Int = 20_000, seed: UInt64 = 1,
                shouldStop: (@Sendable () -> Bool)? = nil, onIncumbent: (@Sendable (Double) -> Void)? = nil) {
        self.problem = problem
        self.objective = objective
        self.timeLimit = timeLimit
        self.maxEvaluations = maxEvaluations
        self.seed = seed
        self.shouldStop = shouldStop
        self.onIncumbent = onIncumbent
    }

    /// The improved schedule (or the start when nothing improves) and how many moves were evaluated.
    /// Pairs of the start are kept as pairs (moves keep, make, break and move them) where the
    /// problem declares time they hide; elsewhere a start's pairs are dropped for the search and the
    /// start is kept unless the search beats it.
    public func improve(_ start: Schedule) -> (schedule: Schedule, evaluations: Int) {
        guard start.hasOverlaps, !problem.hasOverlap else { return improveOrders(start) }
        let kept = ScheduleScore(problem, start, objective: objective)
        // Incumbents are reported only when they beat the start with its pairs.
        var plain = self
        if let report = onIncumbent, let value = kept?.value {
            plain.onIncumbent = { if $0 < value { report($0) } }
        }
        let found = plain.improveOrders(start.sequential)
        guard let score = ScheduleScore(problem, found.schedule, objective: objective), let kept, !score.isBetter(than: kept) else { return found }
        return (start, found.evaluations)
    }

    private func improveOrders(_ start: Schedule) -> (schedule: Schedule, evaluations: Int) {
        guard var current = ScheduleScore(problem, start, objective: objective) else { return (start, 0) }
        onIncumbent?(current.value)
        let bound = LowerBound.value(problem, objective: objective)
        var orders = start.orders
        var pairs = Pairs(start)
        var rng = SeededGenerator(seed: seed)
        let deadline = Date().addingTimeInterval(timeLimit)
        var evaluations = 0
        var improved = true
        func timeToStop() -> Bool { Date() >= deadline || (shouldStop?() ?? false) }
        while improved && evaluations < maxEvaluations && !timeToStop() && !LowerBound.isMet(by: current.value, bound: bound) {
            improved = false
            var critical = candidateMoves(current, devices: current.criticalDevices, pairs: pairs, orders: orders)
            var others = candidateMoves(current, devices: orders.indices.filter { !current.criticalDevices.contains($0) }, pairs: pairs, orders: orders)
            critical.shuffle(using: &rng)
            others.shuffle(using: &rng)
            for move in critical + others {
                guard evaluations < maxEvaluations, evaluations % 16 != 0 || !timeToStop() else { break }
                evaluations += 1
                guard let trial = trying(move, orders: orders, pairs: pairs), trial.score.isBetter(than: current) else { continue }
                (orders, pairs, current) = trial
                pairs.dropSeparated(in: orders)
                onIncumbent?(current.value)
                improved = true
                break
            }
        }
        return (pairs.schedule(orders), evaluations)
    }

    /// `start` shaken by `count` random moves of the search's kinds, each kept when the schedule
    /// stays valid (under every cap, deadlock-free), better or not: where a search restarts from a
    /// local optimum, so that it leaves it (iterated local search). Seeded by `seed`, like the
    /// search. Pairs are kept as in `improve`.
    public func kicked(_ start: Schedule, count: Int) -> Schedule {
        guard !start.hasOverlaps || problem.hasOverlap, var score = ScheduleScore(problem, start, objective: objective) else { return start }
        var orders = start.orders
        var pairs = Pairs(start)
        var rng = SeededGenerator(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B)  // a stream apart from the search's own
        var applied = 0, tries = 0
        while applied < count && tries < 8 * count {
            tries += 1
            guard let move = candidateMoves(score, devices: Array(orders.indices), pairs: pairs, orders: orders).randomElement(using: &rng) else { break }
            guard let trial = trying(move, orders: orders, pairs: pairs) else { continue }
            (orders, pairs, score) = trial
            pairs.dropSeparated(in: orders)
            applied += 1
        }
        return pairs.schedule(orders)
    }

    /// The orders, pairs and score after `move`, or `nil` when the schedule it makes is invalid (over
    /// a cap or deadlocked): every move the search or a kick tries is scored here. A caller that
    /// keeps the move drops the pairs it separated (`Pairs.dropSeparated`).
    func trying(_ move: Move, orders: [[Op]], pairs: Pairs) -> (orders: [[Op]], pairs: Pairs, score: ScheduleScore)? {
        var trial = orders
        var trialPairs = pairs
        move.apply(to: &trial, pairs: &trialPairs)
        guard let score = ScheduleScore(problem, trialPairs.schedule(trial), objective: objective) else { return nil }
        return (trial, trialPairs, score)
    }

    /// The overlapped F&B pairs of the orders being searched, per device each pair's forward and the
    /// backward that must follow it. A pair counts only while its backward follows its forward.
    struct Pairs {
        var partner: [[Op: Op]]

        init(_ schedule: Schedule) {
            partner = schedule.orders.indices.map { device in
                guard device < schedule.overlaps.count else { return [:] }
                let order = schedule.orders[device]
                return Dictionary(uniqueKeysWithValues: schedule.overlaps[device].map { (order[$0], order[$0 + 1]) })
            }
        }

        var isEmpty: Bool { partner.allSatisfy(\.isEmpty) }

        /// Whether the pass at `k` is the forward of a pair (its backward right after it).
        func startsPair(_ orders: [[Op]], device: Int, at k: Int) -> Bool {
            k + 1 < orders[device].count && partner[device][orders[device][k]] == orders[device][k + 1]
        }

        /// The schedule of `orders` with the pairs whose passes are still side by side.
        func schedule(_ orders: [[Op]]) -> Schedule {
            guard !isEmpty else { return Schedule(orders: orders) }
            return Schedule(orders: orders, overlaps: orders.indices.map { device in
                Set(orders[device].indices.filter { startsPair(orders, device: device, at: $0) })
            })
        }

        /// Forgets the pairs a move separated.
        mutating func dropSeparated(in orders: [[Op]]) {
            for device in partner.indices where !partner[device].isEmpty {
                let kept = Set(orders[device].indices.filter { startsPair(orders, device: device, at: $0) }.map { orders[device][$0] })
                partner[device] = partner[device].filter { kept.contains($0.key) }
            }
        }
    }

    /// A change of one device's order.
    enum Move {
        /// Move the pass at `from` to position `to`.
        case relocate(device: Int, from: Int, to: Int)
        /// Replace the `B` at `at` by a fused `BW` and drop its `W`.
        case fuse(device: Int, at: Int)
        /// Replace the `BW` at `at` by `B` followed by `W`.
        case split(device: Int, at: Int)
        /// Insert the recomputation of the backward at `at` just before it.
        case recompute(device: Int, at: Int)
        /// Remove the recomputation at `at`.
        case keep(device: Int, at: Int)
        /// Remove the offload at `at` and its reload: the cell keeps its activations on the device.
        case keepOnDevice(device: Int, at: Int)
        /// Offload the cell of the backward at `at`: its `O` right after its forward, its `L` right
        /// before the backward (later moves slide them).
        case offload(device: Int, at: Int)
        /// Run the forward at `at` and the backward after it as one overlapped pair.
        case pair(device: Int, at: Int)
        /// Run the pair starting at `at` as two passes.
        case unpair(device: Int, at: Int)
        /// Move the pair starting at `from` (both passes) so that it starts at `to`.
        case relocatePair(device: Int, from: Int, to: Int)

        func apply(to orders: inout [[Op]], pairs: inout Pairs) {
            switch self {
            case .pair(let device, let at):
                pairs.partner[device][orders[device][at]] = orders[device][at + 1]
            case .unpair(let device, let at):
                pairs.partner[device][orders[device][at]] = nil
            case .relocatePair(let device, let from, let to):
                let moved = orders[device][from...(from + 1)]
                orders[device].removeSubrange(from...(from + 1))
                orders[device].insert(contentsOf: moved, at: to)
            default:
                apply(to: &orders)
            }
        }

        func apply(to orders: inout [[Op]]) {
            switch self {
            case .pair, .unpair, .relocatePair:
                preconditionFailure("a move of pairs needs the pairs (apply(to:pairs:))")
            case .relocate(let device, let from, let to):
                let op = orders[device].remove(at: from)
                orders[device].insert(op, at: to)
            case .fuse(let device, let at):
                let b = orders[device][at]
                orders[device][at] = .backward(b.stage, b.microbatch, slice: b.slice)
                if let w = orders[device].firstIndex(of: .backwardWeight(b.stage, b.microbatch, slice: b.slice)) {
                    orders[device].remove(at: w)
                }
            case .split(let device, let at):
                let bw = orders[device][at]
                orders[device][at] = .backwardInput(bw.stage, bw.microbatch, slice: bw.slice)
                orders[device].insert(.backwardWeight(bw.stage, bw.microbatch, slice: bw.slice), at: at + 1)
            case .recompute(let device, let at):
                let b = orders[device][at]
                orders[device].insert(Op(.recompute, stage: b.stage, microbatch: b.microbatch, slice: b.slice), at: at)
            case .keep(let device, let at):
                orders[device].remove(at: at)
            case .keepOnDevice(let device, let at):
                let o = orders[device].remove(at: at)
                orders[device].removeAll { $0 == Op(.reload, stage: o.stage, microbatch: o.microbatch, slice: o.slice) }
            case .offload(let device, let at):
                let b = orders[device][at]
                orders[device].insert(Op(.reload, stage: b.stage, microbatch: b.microbatch, slice: b.slice), at: at)
                if let f = orders[device].firstIndex(of: .forward(b.stage, b.microbatch, slice: b.slice)) {
                    orders[device].insert(Op(.offload, stage: b.stage, microbatch: b.microbatch, slice: b.slice), at: f + 1)
                }
            }
        }
    }

    /// When `op`, on `device`, has its inputs in `score`'s timing (by the one dependency rule,
    /// `Problem.forEachDependency`, and the links' delays): the earliest it could start there if
    /// its device were free. `ends` holds each pass's end, filled from `score` on the first call.
    func readyAt(_ op: Op, device: Int, ends: inout [Op: Double], score: ScheduleScore) -> Double {
        if ends.isEmpty {
            for row in score.timeline { for timed in row { ends[timed.op] = timed.end } }
        }
        var ready = 0.0
        func wait(for producer: Op) {
            if let end = ends[producer] { ready = max(ready, end + problem.lag(of: producer, to: device)) }
        }
        problem.forEachDependency(of: op) { dependency in
            switch dependency {
            case .op(let producer), .ifScheduled(let producer): wait(for: producer)
            case .inputGradient(let stage, let microbatch, let slice):
                wait(for: .backwardInput(stage, microbatch, slice: slice))
                wait(for: .backward(stage, microbatch, slice: slice))
            }
        }
        return ready
    }

    /// Squeezes into gaps, adjacent swaps, W pushes, fusions and splits on the given devices, and
    /// where pairs hide time, the moves of pairs (`pairs`: the current ones).
    func candidateMoves(_ score: ScheduleScore, devices: [Int], pairs: Pairs, orders: [[Op]]) -> [Move] {
        var moves: [Move] = []
        var ends: [Op: Double] = [:]  // filled on the first gap
        for device in devices {
            let row = score.timeline[device]
            if problem.hasOverlap {
                for k in row.indices.dropLast() {
                    if pairs.startsPair(orders, device: device, at: k) {
                        moves.append(.unpair(device: device, at: k))
                        // One place earlier or later, over a pass that is not in a pair (moving into a
                        // pair would split it).
                        if k > 0 && (k < 2 || !pairs.startsPair(orders, device: device, at: k - 2)) {
                            moves.append(.relocatePair(device: device, from: k, to: k - 1))
                        }
                        if k + 2 < row.count && !pairs.startsPair(orders, device: device, at: k + 2) {
                            moves.append(.relocatePair(device: device, from: k, to: k + 1))
                        }
                    } else if Problem.canOverlap(row[k].op, row[k + 1].op), k == 0 || !pairs.startsPair(orders, device: device, at: k - 1),
                              !pairs.startsPair(orders, device: device, at: k + 1) {
                        moves.append(.pair(device: device, at: k))
                    }
                }
            }
            // Cells with an action: a cell is recomputed or offloaded, never both.
            let recomputed = problem.memoryActionsCanLowerPeak && problem.cap(device: device).isFinite
                ? Set(row.lazy.filter { $0.op.kind == .recompute || $0.op.kind == .offload }.map { Cell($0.op) }) : nil
            for k in row.indices {
                switch row[k].op.kind {
                case .backwardInput where problem.backwardAllocates(stage: row[k].op.stage): moves.append(.fuse(device: device, at: k))
                case .backward: moves.append(.split(device: device, at: k))
                case .recompute: moves.append(.keep(device: device, at: k))
                case .offload: moves.append(.keepOnDevice(device: device, at: k))
                default: break
                }
                if let recomputed, row[k].op.kind.producesInputGradient, !recomputed.contains(Cell(row[k].op)) {
                    if problem.canRecompute(stage: row[k].op.stage, slice: row[k].op.slice) { moves.append(.recompute(device: device, at: k)) }
                    if problem.canOffload(stage: row[k].op.stage, slice: row[k].op.slice) { moves.append(.offload(device: device, at: k)) }
                }
                guard k > 0 else { continue }
                let gap = row[k].start - row[k - 1].end
                if gap > 1e-9 {
                    // Squeeze: pull a later pass that could fit into this gap: the next few, and the
                    // nearest few further on whose inputs were there before the gap closed (a `W`
                    // held back to the cool-down, say).
                    let near = min(row.count, k + 5)
                    for j in (k + 1)..<near { moves.append(.relocate(device: device, from: j, to: k)) }
                    var pulled = 0
                    for j in near..<row.count where pulled < 4 && readyAt(row[j].op, device: device, ends: &ends, score: score) < row[k].start - 1e-9 {
                        moves.append(.relocate(device: device, from: j, to: k))
                        pulled += 1
                    }
                }
                // Swap neighbours of different kinds or stages.
                if row[k].op.kind != row[k - 1].op.kind || row[k].op.stage != row[k - 1].op.stage {
                    moves.append(.relocate(device: device, from: k, to: k - 1))
                }
                if row[k - 1].op.kind == .backwardWeight, k + 1 < row.count {
                    moves.append(.relocate(device: device, from: k - 1, to: k + 1))
                }
            }
        }
        return moves
    }
}
