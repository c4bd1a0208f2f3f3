import PipeSched

/// What the ILP knows about the order of passes before it branches: edges `start(b) ≥ start(a) +
/// lag` for the data dependencies (with link latency; an optional `R` with its minimum duration 0),
/// the fixed microbatch order within each (stage, kind, slice) (symmetry breaking: it loses nothing,
/// see `docs/ilp-formulation.md`; left out when the table holds optional recomputation passes), and
/// any edges a caller adds (a fixed device order outside a window, pairs fixed by time windows).
///
/// Its transitive closure tells which pairs of passes on one device are already ordered; only the
/// others get a binary order variable. Only same-device pairs are ever asked, so the closure keeps,
/// per pass, the passes of its own device it reaches: `passes × passes per device` bits instead of
/// `passes²` (4.8 GB on the largest problem the server admits, p = 128, m = 512; 38 MB this way).
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
    /// Each pass's position in its device's passes (`OpTable.deviceOps`).
    private let position: [Int]
    /// `reach[a]` has bit `position[b]` set when a path of edges leads from `a` to `b`, a pass of
    /// `a`'s device (the closure, restricted to the pairs the ILP asks about).
    private var reach: [[UInt64]]
    private var closed = false

    /// The dependency and microbatch-order edges of `problem`'s passes.
    public init(_ problem: Problem, table: OpTable) {
        self.table = table
        successors = Array(repeating: [], count: table.count)
        reach = []
        var position = [Int](repeating: 0, count: table.count)
        for ids in table.deviceOps { for (k, id) in ids.enumerated() { position[id] = k } }
        self.position = position
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
    ///
    /// One device at a time: in reverse topological order, every pass gets the set of that device's
    /// passes it reaches (the union over its successors), in one flat buffer reused across devices;
    /// the rows of the device's own passes are kept.
    @discardableResult
    public mutating func close() -> Bool {
        guard let order = topologicalOrder() else { return false }
        var reach = Array(repeating: [UInt64](), count: table.count)
        let widest = table.deviceOps.map { ($0.count + 63) / 64 }.max() ?? 0
        var rows = [UInt64](repeating: 0, count: table.count * widest)
        for (device, ids) in table.deviceOps.enumerated() where !ids.isEmpty {
            let words = (ids.count + 63) / 64
            rows.withUnsafeMutableBufferPointer { rows in
                for id in order.reversed() {
                    let row = id * words
                    for w in 0..<words { rows[row + w] = 0 }
                    for edge in successors[id] {
                        let to = edge.to
                        if table.device[to] == device { rows[row + position[to] >> 6] |= 1 << UInt64(position[to] & 63) }
                        let other = to * words
                        for w in 0..<words { rows[row + w] |= rows[other + w] }
                    }
                }
                for id in ids { reach[id] = Array(rows[(id * words)..<(id * words + words)]) }
            }
        }
        self.reach = reach
        closed = true
        return true
    }

    /// Whether a path of edges leads from `a` to `b`, two passes of one device. Requires `close()`
    /// after the last added edge.
    public func precedes(_ a: Int, _ b: Int) -> Bool {
        precondition(closed, "call close() after adding edges")
        precondition(table.device[a] == table.device[b], "the closure holds pairs of one device only")
        let k = position[b]
        return reach[a][k >> 6] & (1 << UInt64(k & 63)) != 0
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
