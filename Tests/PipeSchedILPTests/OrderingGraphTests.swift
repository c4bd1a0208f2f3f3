import PipeSched
import Testing
@testable import PipeSchedILP

/// The ordering graph's closure keeps only pairs of passes on one device (all the ILP asks); it must
/// agree with reachability found by a search of the edges, through passes of any device.
@Suite struct OrderingGraphTests {
    /// Whether a path of edges leads from `a` to `b` (depth-first search; the referee).
    static func reaches(_ graph: OrderingGraph, from a: Int, to b: Int) -> Bool {
        var seen = Set([a]), stack = [a]
        while let id = stack.popLast() {
            for edge in graph.successors[id] where seen.insert(edge.to).inserted {
                if edge.to == b { return true }
                stack.append(edge.to)
            }
        }
        return false
    }

    @Test(arguments: [(Placement.sequential, 1, 1), (.v, 2, 1), (.interleaved, 2, 1), (.sequential, 1, 2)] as [(Placement, Int, Int)])
    func sameDevicePairsAgreeWithASearchOfTheEdges(_ placement: Placement, chunks: Int, slices: Int) {
        let problem = ILPTestProblems.hetero(devices: 3, microbatches: 4, seed: 5, placement: placement, chunks: chunks, slices: slices)
        let table = OpTable(problem)
        var graph = OrderingGraph(problem, table: table)
        // Extra orders, as windows and fixed orders add them: a few random same-device pairs that
        // keep the graph acyclic (from an earlier to a later pass of a topological order).
        var generator = SeededGenerator(seed: 11)
        let order = graph.topologicalOrder()!
        let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        for _ in 0..<12 {
            let ids = table.deviceOps[Int.random(in: 0..<table.deviceOps.count, using: &generator)]
            let a = ids.randomElement(using: &generator)!, b = ids.randomElement(using: &generator)!
            guard a != b else { continue }
            rank[a]! < rank[b]! ? graph.addOrder(a, before: b) : graph.addOrder(b, before: a)
        }
        let closed = graph.close()
        #expect(closed)
        for ids in table.deviceOps {
            for a in ids {
                for b in ids where a != b {
                    #expect(graph.precedes(a, b) == Self.reaches(graph, from: a, to: b), "\(table.ops[a]) → \(table.ops[b])")
                }
            }
        }
    }

    @Test func aCycleIsReported() {
        let problem = ILPTestProblems.hetero(devices: 2, microbatches: 2, seed: 1)
        let table = OpTable(problem)
        var graph = OrderingGraph(problem, table: table)
        let ids = table.deviceOps[0]
        let order = graph.topologicalOrder()!
        let first = order.first { ids.contains($0) }!, last = order.last { ids.contains($0) }!
        graph.addOrder(last, before: first)
        let closed = graph.close()
        #expect(!closed)
    }
}
