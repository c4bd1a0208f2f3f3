/// Every schedule of a tiny problem: all per-device orders of all passes, each backward split (`B`
/// then `W`) or fused (`BW`), each cell recomputed (an `R` anywhere between its `F` and its
/// backward) or not where its stage offers recomputation, each cell offloaded (an `O` anywhere
/// after its `F`, an `L` anywhere after that `O` and before its backward) or not where its stage
/// offers offloading, and, where the problem declares time an
/// overlapped F&B pass hides, each forward followed by a backward of another stage run as one
/// overlapped pass or not, simulated one by one. It is the referee of the tests: no bound may
/// exceed its optimum, no method's "optimal" may be beaten by it, and no cap it can meet may be
/// refused.
///
/// A device's orders are enumerated on their own (a pass comes after its dependencies on the same
/// device; orders that break the device's cap are dropped), then every combination of devices is
/// simulated. The count grows factorially: `maximumSchedules` bounds the work, and larger problems
/// are refused (`nil`).
public enum ExhaustiveSearch {
    /// What the enumeration may choose.
    public struct Options: Sendable {
        /// Allow fused `BW` passes (each cell chooses split or fused).
        public var fusedBackward: Bool = true
        /// Only orders in which every (stage, kind, slice) runs its microbatches in ascending order.
        public var microbatchOrder: Bool = false
        /// Refuse problems with more combinations than this.
        public var maximumSchedules: Int = 200_000
        /// Allow recomputation (`R` passes) and offloading (`O` and `L`) where a stage offers them.
        public var memoryActions: Bool = true
        /// Allow overlapped F&B pairs where the problem declares time they hide.
        public var overlaps: Bool = true

        public init(fusedBackward: Bool = true, microbatchOrder: Bool = false, maximumSchedules: Int = 200_000, memoryActions: Bool = true,
                    overlaps: Bool = true) {
            self.memoryActions = memoryActions
            self.overlaps = overlaps
            self.fusedBackward = fusedBackward
            self.microbatchOrder = microbatchOrder
            self.maximumSchedules = maximumSchedules
        }
    }

    /// The best schedules found.
    public struct Result: Sendable {
        /// The lowest objective over every schedule that simulates without deadlock within the caps.
        public var optimum: Double
        /// A schedule that reaches `optimum`.
        public var best: Schedule
        /// The lowest objective over the schedules that also pass the validator (PyTorch's send/recv
        /// deadlock rule included); `nil` when none does.
        public var validOptimum: Double?
        /// How many combinations were simulated.
        public var schedules: Int
    }

    /// The optimum of `problem`, or `nil` when it has more than `options.maximumSchedules`
    /// combinations or no schedule meets the caps.
    public static func solve(_ problem: Problem, objective: Objective, options: Options = Options()) -> Result? {
        var perDevice: [[(order: [Op], pairs: Set<Int>)]] = []
        var total = 1
        for device in 0..<problem.devices {
            var orders: [(order: [Op], pairs: Set<Int>)] = []
            for order in deviceOrders(problem, device: device, options: options) {
                guard options.overlaps && problem.hasOverlap else {
                    orders.append((order, []))
                    continue
                }
                guard let choices = pairings(order), orders.count + choices.count <= options.maximumSchedules else { return nil }
                orders += choices
            }
            guard !orders.isEmpty else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: orders.count)
            guard !overflow, product <= options.maximumSchedules else { return nil }
            total = product
            perDevice.append(orders)
        }
        var best: (value: Double, schedule: Schedule)?
        var validOptimum: Double?
        var choice = [Int](repeating: 0, count: problem.devices)
        for _ in 0..<total {
            let picked = choice.enumerated().map { perDevice[$0.offset][$0.element] }
            let schedule = Schedule(orders: picked.map(\.order), overlaps: picked.map(\.pairs))
            if let value = ScheduleScore(problem, schedule, objective: objective)?.value {
                if best == nil || value < best!.value { best = (value, schedule) }
                if validOptimum.map({ value < $0 }) ?? true, RuntimeOrderCheck.stuckPasses(problem, schedule) == nil {
                    validOptimum = value
                }
            }
            for device in 0..<problem.devices {
                choice[device] += 1
                if choice[device] < perDevice[device].count { break }
                choice[device] = 0
            }
        }
        guard let best else { return nil }
        return Result(optimum: best.value, best: best.schedule, validOptimum: validOptimum, schedules: total)
    }

    /// Every choice of overlapped pairs in one device order: any set of forwards followed by a
    /// backward of another stage (`Problem.canOverlap`; such pairs never share a pass); `nil` when
    /// there are more than 2^16 choices.
    static func pairings(_ order: [Op]) -> [(order: [Op], pairs: Set<Int>)]? {
        let candidates = order.indices.dropLast().filter { Problem.canOverlap(order[$0], order[$0 + 1]) }
        guard candidates.count <= 16 else { return nil }
        return (0..<(1 << candidates.count)).map { mask in
            (order, Set(candidates.indices.filter { mask & (1 << $0) != 0 }.map { candidates[$0] }))
        }
    }

    /// Every order of a device's passes in which each pass follows its dependencies on the same
    /// device, within the device's cap.
    static func deviceOrders(_ problem: Problem, device: Int, options: Options) -> [[Op]] {
        var cells: [Op] = []
        for stage in problem.deviceStages[device] {
            for microbatch in 0..<problem.microbatches {
                for slice in 0..<problem.sequenceSlices { cells.append(.forward(stage, microbatch, slice: slice)) }
            }
        }
        let passCount = cells.count
        var placed = Set<Op>()
        var gradientPlaced = Set<Cell>()
        var recomputed = Set<Cell>()
        var offloaded = Set<Cell>()
        var order: [Op] = []
        var result: [[Op]] = []
        let ceiling = problem.memoryCeiling(device: device)
        var level = problem.staticMemory(device: device)

        func isReady(_ op: Op) -> Bool {
            if options.microbatchOrder, op.microbatch > 0, op.kind.computes, op.kind != .recompute {
                let previous = Op(op.kind, stage: op.stage, microbatch: op.microbatch - 1, slice: op.slice)
                let earlier = op.kind == .backwardInput || op.kind == .backward
                    ? gradientPlaced.contains(Cell(previous)) : placed.contains(previous)
                guard earlier else { return false }
            }
            var ready = true
            problem.forEachDependency(of: op) { dependency in
                switch dependency {
                case .op(let needed) where problem.stageDevice[needed.stage] == device:
                    if !placed.contains(needed) { ready = false }
                case .inputGradient(let stage, let microbatch, let slice) where problem.stageDevice[stage] == device:
                    if !gradientPlaced.contains(Cell(stage: stage, microbatch: microbatch, slice: slice)) { ready = false }
                case .ifScheduled(let action):
                    let taken = action.kind == .recompute ? recomputed : offloaded
                    if taken.contains(Cell(action)) && !placed.contains(action) { ready = false }
                default:
                    break
                }
            }
            return ready
        }

        func candidates() -> [Op] {
            var next: [Op] = []
            for f in cells {
                let cell = Cell(f)
                if !placed.contains(f) {
                    next.append(f)
                } else if !gradientPlaced.contains(cell) {
                    let recompute = Op(.recompute, stage: f.stage, microbatch: f.microbatch, slice: f.slice)
                    if recomputed.contains(cell) && !placed.contains(recompute) { next.append(recompute) }
                    if offloaded.contains(cell) {
                        let offload = Op(.offload, stage: f.stage, microbatch: f.microbatch, slice: f.slice)
                        let reload = Op(.reload, stage: f.stage, microbatch: f.microbatch, slice: f.slice)
                        if !placed.contains(offload) { next.append(offload) } else if !placed.contains(reload) { next.append(reload) }
                    }
                    next.append(.backwardInput(f.stage, f.microbatch, slice: f.slice))
                    if options.fusedBackward { next.append(.backward(f.stage, f.microbatch, slice: f.slice)) }
                } else if placed.contains(.backwardInput(f.stage, f.microbatch, slice: f.slice)),
                          !placed.contains(.backwardWeight(f.stage, f.microbatch, slice: f.slice)) {
                    next.append(.backwardWeight(f.stage, f.microbatch, slice: f.slice))
                }
            }
            return next.filter(isReady)
        }

        func extend() {
            if gradientPlaced.count == passCount
                && !cells.contains(where: { placed.contains(.backwardInput($0.stage, $0.microbatch, slice: $0.slice))
                    && !placed.contains(.backwardWeight($0.stage, $0.microbatch, slice: $0.slice)) }) {
                result.append(order)
                return
            }
            for op in candidates() {
                // A forward keeps its activations (0), is recomputed (1) or is offloaded (2).
                var variants = [0]
                if op.kind == .forward && options.memoryActions {
                    if problem.canRecompute(stage: op.stage, slice: op.slice) { variants.append(1) }
                    if problem.canOffload(stage: op.stage, slice: op.slice) { variants.append(2) }
                }
                for variant in variants {
                    let recompute = variant == 1
                    let delta = problem.memoryDelta(op, recomputed: recompute)
                    guard level + delta <= ceiling else { continue }
                    placed.insert(op)
                    if op.kind.producesInputGradient { gradientPlaced.insert(Cell(op)) }
                    if recompute { recomputed.insert(Cell(op)) }
                    if variant == 2 { offloaded.insert(Cell(op)) }
                    order.append(op)
                    level += delta
                    extend()
                    level -= delta
                    order.removeLast()
                    if recompute { recomputed.remove(Cell(op)) }
                    if variant == 2 { offloaded.remove(Cell(op)) }
                    if op.kind.producesInputGradient { gradientPlaced.remove(Cell(op)) }
                    placed.remove(op)
                    if result.count > options.maximumSchedules { return }
                }
            }
        }
        extend()
        return result
    }
}
