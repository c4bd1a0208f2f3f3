/// The passes of a schedule numbered in device order, with their dependency edges in compact
/// (CSR) form. Building it checks the schedule's structure: device count, passes in range, each pass
/// once, each on its stage's device, every dependency present, the overlapped pairs well formed
/// (`Schedule.overlapShapeIssues`) and the memory actions' passes too (`MemoryActionCheck`).
///
/// An overlapped pair starts when the inputs of both its passes are there: the forward, which comes
/// first, also waits for the dependencies of the backward after it. With offloads and reloads a
/// device has three streams, and a pass also waits for what `StreamRules` lists.
struct ScheduleGraph {
    /// Passes in device order: device 0's order, then device 1's, ...
    let ops: [Op]
    /// Device of each pass.
    let device: [Int]
    /// Position of each pass in its device's order.
    let position: [Int]
    /// Id range of each device's passes.
    let deviceRange: [Range<Int>]
    /// Number of unmet constraints per pass: dependencies plus the stream predecessor (plus, for an
    /// `L`, the compute pass whose start it waits for).
    let indegree: [Int]
    /// The pass before each on its device's stream, -1 for the first.
    let previousOnStream: [Int]
    /// For each `L`, the compute pass before it in its device order, whose start it waits for; -1
    /// otherwise; empty when no pass copies.
    let computeStartBefore: [Int]
    /// Whether each pass starts an overlapped pair with the next one; empty when there are none.
    let overlapsNext: [Bool]
    private let predecessorStart: [Int]
    private let predecessorList: [Int]
    private let successorStart: [Int]
    private let successorList: [Int]

    init(_ problem: Problem, _ schedule: Schedule) throws(SimulationError) {
        guard schedule.orders.count == problem.devices else {
            throw .malformed("the schedule has \(schedule.orders.count) device orders but the problem has \(problem.devices) devices")
        }
        if let issue = schedule.overlapShapeIssues.first { throw .malformed(issue) }
        let indexer = OpIndexer(problem)
        var idOfIndex = [Int](repeating: -1, count: indexer.count)
        var inputGradientOfCell = [Int](repeating: -1, count: indexer.cellCount)
        var ops: [Op] = []
        var device: [Int] = []
        var position: [Int] = []
        var ranges: [Range<Int>] = []
        var overlapsNext: [Bool] = []
        var previousOnStream: [Int] = []
        var computeStartBefore: [Int] = []
        var offloadEndBefore: [Int] = []
        var actions: [Op] = []  // the memory actions' passes (R, O, L)
        let copies = StreamRules.hasCopies(schedule.orders)
        let opCount = schedule.opCount
        ops.reserveCapacity(opCount)
        device.reserveCapacity(opCount)
        position.reserveCapacity(opCount)
        previousOnStream.reserveCapacity(opCount)
        for (d, order) in schedule.orders.enumerated() {
            let first = ops.count
            if copies {
                for waits in StreamRules.waits(order) {
                    previousOnStream.append(waits.previousOnStream.map { first + $0 } ?? -1)
                    offloadEndBefore.append(waits.offloadEnd.map { first + $0 } ?? -1)
                    computeStartBefore.append(waits.computeStart.map { first + $0 } ?? -1)
                }
            } else {
                previousOnStream += (0..<order.count).map { $0 > 0 ? first + $0 - 1 : -1 }
            }
            for (k, op) in order.enumerated() {
                guard indexer.contains(op) else {
                    throw .malformed("device \(d) runs \(op), which is outside the problem (\(problem.stageCount) stages, \(problem.microbatches) microbatches, \(problem.sequenceSlices) slices)")
                }
                guard problem.stageDevice[op.stage] == d else {
                    throw .malformed("device \(d) runs \(op), but stage \(op.stage) is placed on device \(problem.stageDevice[op.stage])")
                }
                let index = indexer.index(op)
                guard idOfIndex[index] < 0 else { throw .malformed("\(op) appears twice") }
                idOfIndex[index] = ops.count
                if op.kind.producesInputGradient {
                    let cell = indexer.cell(op)
                    guard inputGradientOfCell[cell] < 0 else {
                        throw .malformed("\(op) and another input-gradient pass of the same stage and microbatch both appear; use either B and W or BW")
                    }
                    inputGradientOfCell[cell] = ops.count
                }
                if op.kind == .recompute || !op.kind.computes { actions.append(op) }
                ops.append(op)
                device.append(d)
                position.append(k)
                if schedule.hasOverlaps { overlapsNext.append(schedule.overlapsNext(device: d, position: k)) }
            }
            ranges.append(first..<ops.count)
        }
        if !actions.isEmpty, let issue = MemoryActionCheck.issues(problem, actions: actions, has: { idOfIndex[indexer.index($0)] >= 0 }).first {
            throw .malformed(issue.message)
        }

        var predecessorStart = [0]
        var predecessorList: [Int] = []
        predecessorList.reserveCapacity(ops.count * 2)
        var indegree = [Int](repeating: 0, count: ops.count)
        var outCount = [Int](repeating: 0, count: ops.count)
        predecessorStart.reserveCapacity(ops.count + 1)
        for (id, op) in ops.enumerated() {
            // A pair's forward also waits for the inputs of the backward after it.
            let members = !overlapsNext.isEmpty && overlapsNext[id] ? 2 : 1
            for memberID in id..<(id + members) {
                let member = ops[memberID]
                var missing: Dependency?
                problem.forEachDependency(of: member) { dependency in
                    let p: Int
                    switch dependency {
                    case .op(let needed): p = idOfIndex[indexer.index(needed)]
                    case .inputGradient(let stage, let microbatch, let slice):
                        p = inputGradientOfCell[indexer.cell(stage: stage, microbatch: microbatch, slice: slice)]
                    case .ifScheduled(let action):
                        p = idOfIndex[indexer.index(action)]
                        guard p >= 0 else { return }
                    }
                    guard p >= 0 else {
                        missing = missing ?? dependency
                        return
                    }
                    predecessorList.append(p)
                    outCount[p] += 1
                }
                switch missing {
                case .op(let needed)?: throw .malformed("\(member) needs \(needed), which no device runs")
                case .inputGradient(let stage, let microbatch, let slice)?:
                    throw .malformed("\(member) needs the input gradient of \(Op.backwardInput(stage, microbatch, slice: slice)) (B or BW), which no device runs")
                case .ifScheduled?, nil: break
                }
            }
            if copies, offloadEndBefore[id] >= 0 {  // on its own device: no latency
                predecessorList.append(offloadEndBefore[id])
                outCount[offloadEndBefore[id]] += 1
            }
            predecessorStart.append(predecessorList.count)
            indegree[id] = predecessorStart[id + 1] - predecessorStart[id] + (previousOnStream[id] >= 0 ? 1 : 0)
            if previousOnStream[id] >= 0 { outCount[previousOnStream[id]] += 1 }
            if copies, computeStartBefore[id] >= 0 {
                indegree[id] += 1
                outCount[computeStartBefore[id]] += 1
            }
        }
        var successorStart = [Int](repeating: 0, count: ops.count + 1)
        for id in 0..<ops.count { successorStart[id + 1] = successorStart[id] + outCount[id] }
        var fill = successorStart
        var successorList = [Int](repeating: 0, count: successorStart[ops.count])
        for id in 0..<ops.count {
            for position in predecessorStart[id]..<predecessorStart[id + 1] {
                let p = predecessorList[position]
                successorList[fill[p]] = id
                fill[p] += 1
            }
            if previousOnStream[id] >= 0 {
                successorList[fill[previousOnStream[id]]] = id
                fill[previousOnStream[id]] += 1
            }
            if copies, computeStartBefore[id] >= 0 {
                successorList[fill[computeStartBefore[id]]] = id
                fill[computeStartBefore[id]] += 1
            }
        }
        self.ops = ops
        self.device = device
        self.position = position
        self.deviceRange = ranges
        self.indegree = indegree
        self.overlapsNext = overlapsNext
        self.previousOnStream = previousOnStream
        self.computeStartBefore = computeStartBefore
        self.predecessorStart = predecessorStart
        self.predecessorList = predecessorList
        self.successorStart = successorStart
        self.successorList = successorList
    }

    /// Whether the pass is the backward of an overlapped pair (it starts and ends with the pass before).
    @inline(__always)
    func overlapsPrevious(_ id: Int) -> Bool { !overlapsNext.isEmpty && position[id] > 0 && overlapsNext[id - 1] }

    /// Dependencies of a pass, and the `O` it waits for on its device (not counting its stream
    /// predecessor, nor the compute pass an `L` waits to start).
    func predecessors(of id: Int) -> ArraySlice<Int> { predecessorList[predecessorPositions(of: id)] }

    /// Where the predecessors of a pass sit: read each as `predecessor(at:)` (a range, not a slice,
    /// so the simulator's loop retains nothing).
    @inline(__always)
    func predecessorPositions(of id: Int) -> Range<Int> { predecessorStart[id]..<predecessorStart[id + 1] }

    @inline(__always) func predecessor(at position: Int) -> Int { predecessorList[position] }

    /// Where the passes that wait for this one (dependents and the device successor) sit: read each
    /// as `successor(at:)`.
    @inline(__always)
    func successorPositions(of id: Int) -> Range<Int> { successorStart[id]..<successorStart[id + 1] }

    @inline(__always) func successor(at position: Int) -> Int { successorList[position] }

    /// The head pass of each device that could not start, with the dependencies it still waits for
    /// (after processing, exactly the passes never processed have unmet constraints left).
    func blockedDevices(remaining: [Int]) -> [SimulationError.BlockedDevice] {
        var blocked: [SimulationError.BlockedDevice] = []
        for (d, range) in deviceRange.enumerated() {
            guard let head = range.first(where: { remaining[$0] > 0 }) else { continue }
            let waiting = predecessors(of: head).filter { remaining[$0] > 0 }
            if !waiting.isEmpty {
                blocked.append(.init(device: d, op: ops[head], waitingFor: waiting.map { ops[$0] }))
            }
        }
        return blocked
    }
}
