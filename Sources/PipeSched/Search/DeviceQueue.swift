/// Devices by clock time, earliest first: a binary min-heap in which each device appears at most
/// once (the list scheduler keeps the device it steps at the top, retimes or removes it, and pushes
/// a device only when it wakes a blocked one).
/// Ties go to the lower device index, so the result does not depend on insertion order.
struct DeviceQueue {
    private let times: Scratch<Double>
    private let devices: Scratch<Int>
    private var count = 0

    init(times initial: Scratch<Double>) {
        times = Scratch(repeating: 0, count: initial.count)
        devices = Scratch(repeating: 0, count: initial.count)
        for device in 0..<initial.count { push(device, at: initial[device]) }
    }

    @inline(__always)
    private func less(_ a: Int, _ b: Int) -> Bool {
        times[a] < times[b] || (times[a] == times[b] && devices[a] < devices[b])
    }

    @inline(__always)
    private func swapAt(_ a: Int, _ b: Int) {
        let time = times[a], device = devices[a]
        times[a] = times[b]
        devices[a] = devices[b]
        times[b] = time
        devices[b] = device
    }

    mutating func push(_ device: Int, at time: Double) {
        precondition(count < devices.count, "a device was queued twice")
        times[count] = time
        devices[count] = device
        var child = count
        count += 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(child, parent) else { break }
            swapAt(child, parent)
            child = parent
        }
    }

    /// The device with the earliest time, left in the queue; `nil` when the queue is empty.
    var earliest: Int? { count > 0 ? devices[0] : nil }

    /// Removes the earliest device.
    mutating func removeEarliest() {
        count -= 1
        guard count > 0 else { return }
        times[0] = times[count]
        devices[0] = devices[count]
        siftDown(from: 0)
    }

    /// Gives the earliest device its new, later clock time: one sift down, where popping and
    /// pushing it again would take two passes over the heap.
    mutating func retimeEarliest(_ time: Double) {
        times[0] = time
        siftDown(from: 0)
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < count && less(left, smallest) { smallest = left }
            if right < count && less(right, smallest) { smallest = right }
            if smallest == parent { break }
            swapAt(parent, smallest)
            parent = smallest
        }
    }
}
