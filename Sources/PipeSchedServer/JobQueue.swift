/// Admission control for solves: at most `slots` run at once and at most `capacity` wait for a
/// slot, first come first served. A solve that finds the queue full is refused at once (the server
/// answers `429`), so load beyond the machine's means never piles up.
///
/// Admission is two steps, so a request can be refused before it is answered `202`: `enter()` takes
/// a place at once or throws, and `wait(for:)` later suspends until that place gets a slot.
public actor JobQueue {
    /// Why a solve was not admitted.
    public enum Refusal: Error, Sendable, Equatable {
        /// `capacity` solves are already waiting.
        case full(waiting: Int)
        /// The queue was closed for shutdown.
        case closed
    }

    /// A place in the queue, from `enter()`.
    public struct Ticket: Sendable, Hashable {
        fileprivate let number: UInt64
    }

    /// A slot held by a running solve; give it back with `release()`.
    public struct Slot: Sendable {
        fileprivate let queue: JobQueue
        /// Frees the slot for the next waiting solve.
        public func release() async { await queue.release() }
    }

    public let slots: Int
    public let capacity: Int
    private var running = 0
    private var waiting: [Ticket] = []
    /// Tickets that were given a slot before they started waiting for it.
    private var granted: Set<Ticket> = []
    private var sleepers: [Ticket: CheckedContinuation<Void, any Error>] = [:]
    private var nextNumber: UInt64 = 0
    private var closed = false
    private let onChange: @Sendable (_ running: Int, _ waiting: Int) -> Void

    /// `onChange` sees the counts after every change (for gauges).
    public init(slots: Int, capacity: Int, onChange: @escaping @Sendable (_ running: Int, _ waiting: Int) -> Void = { _, _ in }) {
        self.slots = max(1, slots)
        self.capacity = max(0, capacity)
        self.onChange = onChange
    }

    /// Solves holding a slot now.
    public var runningCount: Int { running }
    /// Solves waiting now.
    public var waitingCount: Int { waiting.count }
    /// Slots no solve holds (0 while any waits).
    public var freeSlots: Int { waiting.isEmpty && !closed ? slots - running : 0 }

    /// Takes a slot if one is free, else a place in the line; throws `Refusal` when the line is full
    /// or the queue is closed.
    public func enter() throws(Refusal) -> Ticket {
        if closed { throw .closed }
        let ticket = Ticket(number: nextNumber)
        nextNumber += 1
        if running < slots && waiting.isEmpty {
            running += 1
            granted.insert(ticket)
        } else {
            guard waiting.count < capacity else { throw .full(waiting: waiting.count) }
            waiting.append(ticket)
        }
        onChange(running, waiting.count)
        return ticket
    }

    /// Suspends until `ticket` has a slot. Throws `Refusal.closed` when the queue closed first, and
    /// `CancellationError` when the calling task is cancelled (the ticket then leaves the line).
    public func wait(for ticket: Ticket) async throws -> Slot {
        if Task.isCancelled {
            leave(ticket)
            throw CancellationError()
        }
        if granted.remove(ticket) != nil { return Slot(queue: self) }
        guard waiting.contains(ticket) else { throw Refusal.closed }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                sleepers[ticket] = continuation
            }
        } onCancel: {
            Task { await self.leave(ticket) }
        }
        return Slot(queue: self)
    }

    /// `enter()` and `wait(for:)` in one step.
    public func acquire() async throws -> Slot {
        try await wait(for: enter())
    }

    /// Refuses new solves and fails every waiting one with `Refusal.closed`; running ones go on.
    public func close() {
        closed = true
        let refused = waiting
        waiting.removeAll()
        for ticket in refused { sleepers.removeValue(forKey: ticket)?.resume(throwing: Refusal.closed) }
        onChange(running, 0)
    }

    private func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            // The slot passes straight to the first in line.
            let next = waiting.removeFirst()
            if let sleeper = sleepers.removeValue(forKey: next) { sleeper.resume() } else { granted.insert(next) }
        }
        onChange(running, waiting.count)
    }

    /// Gives up a ticket that has not started: out of the line (its waiter gets `CancellationError`),
    /// or its slot back if it was granted one it has not picked up. No effect once `wait(for:)` has
    /// returned a slot.
    public func withdraw(_ ticket: Ticket) {
        leave(ticket)
    }

    private func leave(_ ticket: Ticket) {
        if granted.remove(ticket) != nil {
            release()
        } else if let index = waiting.firstIndex(of: ticket) {
            waiting.remove(at: index)
            sleepers.removeValue(forKey: ticket)?.resume(throwing: CancellationError())
            onChange(running, waiting.count)
        }
    }
}
