/// Load reasoning on one device: the passes that must run between two passes of a device take
/// their whole duration there, so a pass starts no earlier than a fixed earlier pass plus
/// everything ordered between them ("head load"), and ends early enough for everything ordered
/// after it ("tail load").
///
/// Pivots are the passes such bounds are measured from: each device's first pass and, in a window
/// sub-problem, the last pass before the block (`entry`) and the first after it (`exit`). Both the
/// time windows (`TimeWindows`) and the MILP (rows `start(b) − start(pivot) ≥ load`,
/// `lastEnd − start(a) ≥ load`) use them. Those rows are what lifts the LP bound above plain device
/// work: the pairwise big-M rows alone let the LP overlap unordered passes.
public struct DeviceLoads: Sendable {
    /// Passes that head loads are measured from, per device (first pass, block entry).
    public let headPivots: [[Int]]
    /// Passes that tail loads are measured to, per device (block exit).
    public let tailPivots: [[Int]]

    public init(headPivots: [[Int]], tailPivots: [[Int]]) {
        self.headPivots = headPivots
        self.tailPivots = tailPivots
    }

    /// Total duration of the passes `c` of `pivot`'s device with `pivot ≺ c ≺ b` (`b` excluded, `pivot` included).
    static func head(from pivot: Int, to b: Int, graph: OrderingGraph) -> Double {
        let table = graph.table
        var sum = table.duration[pivot]
        for c in table.deviceOps[table.device[b]] where c != b && c != pivot && graph.precedes(pivot, c) && graph.precedes(c, b) {
            sum += table.duration[c]
        }
        return sum
    }

    /// Total duration of `a` and of the passes `c` of its device with `a ≺ c` (and `c ≺ limit` when given).
    static func tail(from a: Int, before limit: Int?, graph: OrderingGraph) -> Double {
        let table = graph.table
        var sum = table.duration[a]
        for c in table.deviceOps[table.device[a]] where c != a && c != limit && graph.precedes(a, c) {
            if let limit, !graph.precedes(c, limit) { continue }
            sum += table.duration[c]
        }
        return sum
    }

    /// Raises earliest starts by head loads and lowers latest starts by tail loads (to each
    /// device's deadline `deadlineEnd[d]` and to tail pivots). Returns whether anything changed.
    func apply(to earliest: inout [Double], _ latest: inout [Double], deadlineEnd: [Double], graph: OrderingGraph,
               tolerance: Double) -> Bool {
        let table = graph.table
        var changed = false
        for (device, ids) in table.deviceOps.enumerated() {
            for pivot in headPivots[device] {
                for b in ids where b != pivot && graph.precedes(pivot, b) {
                    let bound = earliest[pivot] + Self.head(from: pivot, to: b, graph: graph)
                    if bound > earliest[b] + tolerance { earliest[b] = bound; changed = true }
                }
            }
            for a in ids {
                if deadlineEnd[device].isFinite {
                    let bound = deadlineEnd[device] - Self.tail(from: a, before: nil, graph: graph)
                    if bound < latest[a] - tolerance { latest[a] = bound; changed = true }
                }
                for pivot in tailPivots[device] where pivot != a && graph.precedes(a, pivot) && latest[pivot].isFinite {
                    let bound = latest[pivot] - Self.tail(from: a, before: pivot, graph: graph)
                    if bound < latest[a] - tolerance { latest[a] = bound; changed = true }
                }
            }
        }
        return changed
    }
}
