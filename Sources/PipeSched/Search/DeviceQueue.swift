/// Devices by clock time, earliest first: a binary min-heap in which each device appears at most
/// once (the list scheduler keeps the device it steps at the top, retimes or removes it, and pushes
/// a device only when it wakes a blocked one).
/// Ties go to the lower device index, so the result does not depend on insertion order.
struct DeviceQueue {
    /// A queued device and its clock time, side by side so that a comparison reads one entry.
    private struct Entry {
        var time: Double
        var device: Int
    }

    private let entries: Scratch<Entry>
    private var count = 0

    /// An empty queue with room for `capacity` devices.
    init(capacity: Int) {
        entries = Scratch(repeating: Entry(time: 0, device: 0), count: capacity)
    }

    @inline(__always)
    private static func less(_ a: Entry, _ b: Entry) -> Bool {
        a.time < b.time || (a.time == b.time && a.device < b.device)
    }

    mutating func push(_ device: Int, at time: Double) {
        precondition(count < entries.count, "a device was queued twice")
        let entry = Entry(time: time, device: device)
        var child = count
        count += 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(entry, entries[parent]) else { break }
            entries[child] = entries[parent]
            child = parent
        }
        entries[child] = entry
    }

    /// The device with the earliest time, left in the queue; `nil` when the queue is empty.
    var earliest: Int? { count > 0 ? entries[0].device : nil }

    /// Removes the earliest device.
    mutating func removeEarliest() {
        count -= 1
        guard count > 0 else { return }
        siftDown(entries[count])
    }

    /// Gives the earliest device its new, later clock time: one sift down, where popping and
    /// pushing it again would take two passes over the heap.
    mutating func retimeEarliest(_ time: Double) {
        siftDown(Entry(time: time, device: entries[0].device))
    }

    /// Places `entry` at the root's slot and sifts it down (moving children up into the hole).
    private mutating func siftDown(_ entry: Entry) {
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var child = left
            if left + 1 < count && Self.less(entries[left + 1], entries[left]) { child = left + 1 }
            guard Self.less(entries[child], entry) else { break }
            entries[parent] = entries[child]
            parent = child
        }
        entries[parent] = entry
    }
}
