/// Devices by clock time, earliest first, ties to the lower device index (so the result does not
/// depend on the order devices were queued in). Each device appears at most once: the list
/// scheduler retimes or removes the device it stepped and queues a device only when it wakes a
/// blocked one.
///
/// A tournament tree: each device is a leaf holding its clock time (`+∞`: not queued), and each
/// inner node the earlier of its two subtrees' winners (the left one, of lower indices, on a tie),
/// so the earliest device is the root's winner. A change of one device's time replays the matches
/// on its path to the root: log₂ p comparisons whose outcome selects without a branch, where a binary
/// heap's sift mispredicted its comparisons (docs/benchmarks.md, "The device queue as a tournament").
struct DeviceQueue {
    /// Per device (padded to a power of two with devices never queued): its clock time, or `+∞`.
    private let times: Scratch<Double>
    /// Per node of the tree (the root at 1, node `i`'s children at `2i` and `2i + 1`, device `d`'s
    /// leaf at `leaves + d`): the device that wins its subtree.
    private let winners: Scratch<Int>
    private let leaves: Int

    /// An empty queue for devices `0..<capacity`.
    init(capacity: Int) {
        var leaves = 1
        while leaves < capacity { leaves *= 2 }
        self.leaves = leaves
        times = Scratch(repeating: .infinity, count: leaves)
        winners = Scratch(repeating: 0, count: 2 * leaves)
        for device in 0..<leaves { winners[leaves + device] = device }
        for node in stride(from: leaves - 1, to: 0, by: -1) { winners[node] = winners[2 * node] }
    }

    /// Queues `device` at `time` (finite, not negative).
    mutating func push(_ device: Int, at time: Double) {
        precondition(times[device] == .infinity, "a device was queued twice")
        retime(device, to: time)
    }

    /// The device with the earliest time (the lower index on a tie); `nil` when the queue is empty.
    var earliest: Int? {
        let winner = winners[1]
        return times[winner] < .infinity ? winner : nil
    }

    /// Takes `device` out of the queue.
    mutating func remove(_ device: Int) { retime(device, to: .infinity) }

    /// Gives the queued `device` its new clock time, and replays the matches above it.
    mutating func retime(_ device: Int, to time: Double) {
        assert(time >= 0, "clock times are not negative")
        times[device] = time + 0.0  // a -0.0 as +0.0, whose bit pattern orders with the others'
        var node = (leaves + device) / 2
        while node > 0 {
            let left = winners[2 * node], right = winners[2 * node + 1]
            // The right one only if strictly earlier. Times are non-negative (`+0.0` at the
            // earliest), so their bit patterns order as they do; the difference's sign is the
            // mask that selects (a comparison here compiled to a branch, mispredicted as often as
            // the heap's).
            let earlier = Int(bitPattern: UInt(times[right].bitPattern)) &- Int(bitPattern: UInt(times[left].bitPattern))
            winners[node] = left ^ ((left ^ right) & (earlier >> (Int.bitWidth - 1)))
            node /= 2
        }
    }
}
