/// A fixed-size buffer that a hot loop reads and writes through a pointer: no copy-on-write
/// uniqueness check and no bounds check per access (callers index within `count`). Freed with the
/// last reference. Used for the greedy list scheduler's per-run state (`State`, `DeviceQueue`) and
/// its tables (`PassTable`, `DependencyTemplate`, `ListScheduler.Setup`), and for the simulator's
/// per-pass times (`Simulator`), which every local search move pays for.
///
/// Sendable only in the way those use it: a table is written while it is built and only read once
/// it is shared; a run's state never leaves the run.
final class Scratch<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(repeating value: Element, count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: value, count: count)
    }

    init(_ values: [Element]) {
        count = values.count
        base = .allocate(capacity: max(count, 1))
        _ = UnsafeMutableBufferPointer(start: base, count: count).initialize(from: values)
    }

    /// A copy of `other`'s elements (one block copy).
    init(copying other: Scratch<Element>) {
        count = other.count
        base = .allocate(capacity: max(count, 1))
        base.initialize(from: other.base, count: count)
    }

    /// A buffer of `other`'s size holding a copy of its first `prefix` elements and leaving the rest
    /// uninitialized: only for trivial elements that are written before they are read.
    init(copying other: Scratch<Element>, prefix: Int) {
        precondition(_isPOD(Element.self), "only trivial elements may be left uninitialized")
        count = other.count
        base = .allocate(capacity: max(count, 1))
        base.initialize(from: other.base, count: prefix)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always) subscript(index: Int) -> Element {
        get { base[index] }
        set { base[index] = newValue }
    }
}
