import Testing
@testable import PipeSched

/// The list scheduler's device queue against a plain list: after any sequence of the scheduler's
/// operations (push a woken device, retime or remove the earliest) and of retiming any queued
/// device, earlier or later, the earliest device is the one with the smallest time, ties to the
/// lower index; device counts that are and are not powers of two (the tree pads to one).
@Suite struct DeviceQueueTests {
    @Test(arguments: 0..<24)
    func theEarliestIsTheSmallestTimeThenTheLowerDevice(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        let sizes = [1, 2, 3, 4, 16, 17, 32, 33]
        let devices = seed < sizes.count ? sizes[seed] : Int.random(in: 1...40, using: &random)
        // Times on a coarse grid, so that ties are common; zero also as -0.0 (equal to 0.0).
        func time() -> Double {
            let step = Int.random(in: -1...12, using: &random)
            return step < 0 ? -0.0 : Double(step) / 4
        }
        let initial = Scratch((0..<devices).map { _ in time() })
        var queue = DeviceQueue(capacity: devices)
        for device in 0..<devices { queue.push(device, at: initial[device]) }
        var reference = Dictionary(uniqueKeysWithValues: (0..<devices).map { ($0, initial[$0]) })
        for _ in 0..<500 {
            let expected = reference.min { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }?.key
            #expect(queue.earliest == expected)
            guard let earliest = expected else { break }
            switch Int.random(in: 0..<5, using: &random) {
            case 0:
                queue.remove(earliest)
                reference[earliest] = nil
            case 1:
                let outside = (0..<devices).filter { reference[$0] == nil }
                guard let device = outside.randomElement(using: &random) else { fallthrough }
                let at = time()
                queue.push(device, at: at)
                reference[device] = at
            case 2:
                let device = reference.keys.sorted().randomElement(using: &random)!
                let at = time()
                queue.retime(device, to: at)
                reference[device] = at
            default:
                let later = reference[earliest]! + time()
                queue.retime(earliest, to: later)
                reference[earliest] = later
            }
        }
    }
}
