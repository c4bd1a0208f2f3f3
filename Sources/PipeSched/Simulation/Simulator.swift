/// Computes as-soon-as-possible times for per-device orders under the data dependencies and
/// communication latency, detects deadlock, and tracks memory.
///
/// Each pass starts when its device has finished the previous pass in its order and every
/// dependency has ended (plus the link latency when the dependency ran on another device). The
/// passes are processed in a topological order of "device order ∪ dependencies", in time linear in
/// the number of passes; a cycle in that graph is a deadlock and is reported with the passes stuck.
/// An overlapped F&B pair is one pass: it starts when both passes could, and both end after
/// `Problem.overlappedDuration`. Offloads and reloads run on the device's copy streams
/// (`StreamRules`, `Offloading.swift`). Where messages occupy links (`Communication.transfer`), a
/// pass's message to another device leaves when the pass ends and waits for its link
/// (`LinkChannels`); a pass on the other device starts no sooner than it arrives.
public enum Simulator {
    public static func simulate(_ problem: Problem, _ schedule: Schedule) throws(SimulationError) -> Simulation {
        let graph = try ScheduleGraph(problem, schedule)
        let count = graph.ops.count
        let start = Scratch<Double>(repeating: 0, count: count)
        let end = Scratch<Double>(repeating: 0, count: count)
        let binding = Scratch<Int32>(repeating: -1, count: count)
        let remaining = Scratch(graph.indegree)
        // Where links are busy: each pass's message and where it goes (one other device at most, as
        // the dependency rule has it), sent in each device's order as passes end.
        let transfers = problem.communication.linksContend
        let sized = problem.communication.hasTransferTime  // elsewhere a message's size changes nothing
        var links = LinkChannels(problem)
        var arrival = [Double](repeating: 0, count: transfers ? count : 0)
        var destination = [Int](repeating: -1, count: transfers ? count : 0)
        func send(_ id: Int) {
            guard let to = graph.successorPositions(of: id).lazy.map({ graph.device[graph.successor(at: $0)] }).first(where: { $0 != graph.device[id] }) else { return }
            destination[id] = to
            arrival[id] = links.send(from: graph.device[id], to: to, at: end[id], scale: problem.messageScale(of: graph.ops[id]))
        }
        var ready: [Int32] = []
        ready.reserveCapacity(count)
        for id in 0..<count where remaining[id] == 0 { ready.append(Int32(id)) }
        var processed = 0
        while let last = ready.popLast() {
            let id = Int(last)
            processed += 1
            if graph.overlapsPrevious(id) {  // the pair's backward: timed with its forward
                start[id] = start[id - 1]
                end[id] = end[id - 1]
                binding[id] = binding[id - 1]
                if transfers { send(id) }
                for position in graph.successorPositions(of: id) {
                    let s = graph.successor(at: position)
                    remaining[s] -= 1
                    if remaining[s] == 0 { ready.append(Int32(s)) }
                }
                continue
            }
            let device = graph.device[id]
            var earliest = 0.0
            var because: Int32 = -1
            let previous = graph.previousOnStream[id]
            if previous >= 0 {
                earliest = end[previous]
                because = Int32(previous)
            }
            if !graph.computeStartBefore.isEmpty, graph.computeStartBefore[id] >= 0, start[graph.computeStartBefore[id]] > earliest {
                earliest = start[graph.computeStartBefore[id]]
                because = -1
            }
            for position in graph.predecessorPositions(of: id) {
                let p = graph.predecessor(at: position)
                let available = transfers && destination[p] == device ? arrival[p]
                    : end[p] + problem.communication.lag(from: graph.device[p], to: device, scale: sized ? problem.messageScale(of: graph.ops[p]) : 1)
                if available > earliest || (because < 0 && available >= earliest) {
                    earliest = available
                    because = Int32(p)
                }
            }
            start[id] = earliest
            let paired = !graph.overlapsNext.isEmpty && graph.overlapsNext[id]
            end[id] = earliest + (paired ? problem.overlappedDuration(graph.ops[id], graph.ops[id + 1]) : problem.duration(graph.ops[id]))
            binding[id] = because
            if transfers { send(id) }
            for position in graph.successorPositions(of: id) {
                let s = graph.successor(at: position)
                remaining[s] -= 1
                if remaining[s] == 0 { ready.append(Int32(s)) }
            }
        }
        guard processed == count else {
            throw .deadlock(graph.blockedDevices(remaining: (0..<count).map { remaining[$0] }))
        }
        return assemble(problem, graph, start: start, end: end, binding: binding)
    }

    private static func assemble(_ problem: Problem, _ graph: ScheduleGraph, start: Scratch<Double>, end: Scratch<Double>,
                                 binding: Scratch<Int32>) -> Simulation {
        var timeline: Timeline = []
        var levels: [[Double]] = []
        var peaks: [Double] = []
        timeline.reserveCapacity(problem.devices)
        for device in 0..<problem.devices {
            let range = graph.deviceRange[device]
            timeline.append(range.map {
                TimedOp(graph.ops[$0], start: start[$0], end: end[$0],
                        overlapped: !graph.overlapsNext.isEmpty && (graph.overlapsNext[$0] || graph.overlapsPrevious($0)))
            })
            let memory = problem.memoryLevels(device: device, order: graph.ops[range])
            levels.append(memory.levels)
            peaks.append(memory.peak)
        }
        var path: [Op] = []
        if let lastID = (0..<end.count).max(by: { end[$0] < end[$1] }) {
            var id = lastID
            while true {
                path.append(graph.ops[id])
                let next = Int(binding[id])
                if next < 0 { break }
                id = next
            }
        }
        return Simulation(timeline: timeline, memoryAfterOp: levels, peakMemory: peaks, criticalPath: path.reversed())
    }
}
