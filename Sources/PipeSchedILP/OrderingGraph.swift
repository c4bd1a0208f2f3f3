import PipeSched

/// What the ILP knows about the order of passes before it branches: edges `start(b) ≥ start(a) +
/// lag` for the data dependencies (with link latency; an optional `R` with its minimum duration 0),
/// the fixed microbatch order within each (stage, kind, slice) (symmetry breaking: it loses nothing,
/// see `docs/ilp-formulation.md`; left out when the table holds optional recomputation passes), and
/// any edges a caller adds (a fixed device order outside a window, pairs fixed by time windows).
///
/// Its transitive closure tells which pairs of passes on one device are already ordered; only the
/// others get a binary order variable.
public struct OrderingGraph: Sendable {
    /// One edge `start(to) ≥ start(from) + lag`.
    public struct Edge: Sendable {
        public var to: Int
        public var lag: Double
    }

    /// The passes.
    public let table: OpTable
    /// Outgoing edges of each pass.
    public private(set) var successors: [[Edge]]
    /// `reach[a]` has bit `b` set when a path of edges leads from `a` to `b` (the closure).
    private var reach: [[UInt64]]
    private var closed = false

    /// The dependency and microbatch-order edges of `problem`'s passes.
    public init(_ problem: Problem, table: OpTable) {
        self.table = table
        successors = Array(repeating: [], count: table.count)
        reach = []
        for (id, op) in table.ops.enumerated() {
            for dependency in problem.dependencies(of: op) {
                guard let needed = OpTable.pass(for: dependency), let from = table.id(of: needed) else { continue }
                successors[from].append(Edge(to: id, lag: table.duration[from] + problem.lag(of: needed, to: table.device[id])))
            }
            if table.fixesMicrobatchOrder, op.microbatch > 0,
               let previous = table.id(of: Op(op.kind, stage: op.stage, microbatch: op.microbatch - 1, slice: op.slice)) {
                successors[previous].append(Edge(to: id, lag: table.duration[previous]))
            }
        }
    }

    /// Adds `start(to) ≥ start(from) + lag`; the closure is recomputed by the next `close()`.
    public mutating func addEdge(from: Int, to: Int, lag: Double) {
        successors[from].append(Edge(to: to, lag: lag))
        closed = false
    }

    /// Adds "`from` runs before `to` on their device": `start(to) ≥ end(from)`.
    public mutating func addOrder(_ from: Int, before to: Int) {
        addEdge(from: from, to: to, lag: table.duration[from])
    }

    /// The passes in an order where every edge points forward, or `nil` when the edges form a cycle.
    public func topologicalOrder() -> [Int]? {
        var indegree = [Int](repeating: 0, count: table.count)
        for edges in successors { for edge in edges { indegree[edge.to] += 1 } }
        var order: [Int] = []
        order.reserveCapacity(table.count)
        var stack = (0..<table.count).filter { indegree[$0] == 0 }.reversed().map { $0 }
        while let id = stack.popLast() {
            order.append(id)
            for edge in successors[id] {
                indegree[edge.to] -= 1
                if indegree[edge.to] == 0 { stack.append(edge.to) }
            }
        }
        return order.count == table.count ? order : nil
    }

    /// Computes the transitive closure. Returns `false` when the edges form a cycle (no schedule).
    @discardableResult
    public mutating func close() -> Bool {
        guard let order = topologicalOrder() else { return false }
        let words = (table.count + 63) / 64
        var reach = Array(repeating: [UInt64](repeating: 0, count: words), count: table.count)
        for id in order.reversed() {
            var row = [UInt64](repeating: 0, count: words)
            for edge in successors[id] {
                let to = edge.to
                row[to >> 6] |= 1 << UInt64(to & 63)
                let other = reach[to]
                for w in 0..<words where other[w] != 0 { row[w] |= other[w] }
            }
            reach[id] = row
        }
        self.reach = reach
        closed = true
        return true
    }

    /// Whether a path of edges leads from `a` to `b`. Requires `close()` after the last added edge.
    public func precedes(_ a: Int, _ b: Int) -> Bool {
        precondition(closed, "call close() after adding edges")
        return reach[a][b >> 6] & (1 << UInt64(b & 63)) != 0
    }

    /// Pairs `(a, b)`, `a < b`, of passes on `device` that no path orders: each needs an order variable.
    public func unorderedPairs(device: Int) -> [(Int, Int)] {
        let ids = table.deviceOps[device]
        var pairs: [(Int, Int)] = []
        for (k, a) in ids.enumerated() {
            for b in ids[(k + 1)...] where !precedes(a, b) && !precedes(b, a) {
                pairs.append((a, b))
            }
        }
        return pairs
    }

    /// Passes on `device` with no predecessor on the same device in the closure.
    public func deviceSources(_ device: Int) -> [Int] {
        let ids = table.deviceOps[device]
        return ids.filter { b in !ids.contains { a in a != b && precedes(a, b) } }
    }

    /// Passes on `device` with no successor on the same device in the closure.
    public func deviceSinks(_ device: Int) -> [Int] {
        let ids = table.deviceOps[device]
        return ids.filter { a in !ids.contains { b in a != b && precedes(a, b) } }
    }

    /// Earliest starts: the longest path from any pass, each pass starting no earlier than `release`.
    public func earliestStarts(release: [Double], order: [Int]) -> [Double] {
        var est = release
        for id in order {
            for edge in successors[id] where est[id] + edge.lag > est[edge.to] {
                est[edge.to] = est[id] + edge.lag
            }
        }
        return est
    }

    /// Latest starts: each pass starts no later than `latest`, and early enough for its successors.
    public func latestStarts(latest: [Double], order: [Int]) -> [Double] {
        var lst = latest
        for id in order.reversed() {
            for edge in successors[id] where lst[edge.to] - edge.lag < lst[id] {
                lst[id] = lst[edge.to] - edge.lag
            }
        }
        return lst
    }
}
