import Foundation
import PipeSchedServer
import Testing

/// Admission control: slots, the line, refusal, cancellation and closing.
@Suite struct JobQueueTests {
    @Test func slotsAreGrantedUpToTheLimitThenTheLineFills() async throws {
        let queue = JobQueue(slots: 2, capacity: 1)
        let first = try await queue.acquire()
        let second = try await queue.acquire()
        #expect(await queue.runningCount == 2)
        let ticket = try await queue.enter()
        #expect(await queue.waitingCount == 1)
        await #expect(throws: JobQueue.Refusal.full(waiting: 1)) { try await queue.enter() }
        let waiter = Task { try await queue.wait(for: ticket) }
        await first.release()
        let third = try await waiter.value
        #expect(await queue.waitingCount == 0)
        #expect(await queue.runningCount == 2)
        await second.release()
        await third.release()
        #expect(await queue.runningCount == 0)
    }

    @Test func lineIsFirstComeFirstServed() async throws {
        let queue = JobQueue(slots: 1, capacity: 3)
        let holder = try await queue.acquire()
        let order = Order()
        let tickets = [try await queue.enter(), try await queue.enter(), try await queue.enter()]
        // Wait in reverse order of arrival: the slots still go in order of the tickets.
        let tasks = tickets.enumerated().reversed().map { index, ticket in
            Task {
                let slot = try await queue.wait(for: ticket)
                await order.append(index)
                await slot.release()
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        await holder.release()
        for task in tasks { try await task.value }
        #expect(await order.values == [0, 1, 2])
    }

    @Test func cancelledWaiterLeavesTheLine() async throws {
        let queue = JobQueue(slots: 1, capacity: 2)
        let holder = try await queue.acquire()
        let waiter = Task { try await queue.acquire() }
        while await queue.waitingCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(await queue.waitingCount == 0)
        await holder.release()
        #expect(await queue.runningCount == 0)
    }

    @Test func grantedTicketGivenUpReturnsItsSlot() async throws {
        let queue = JobQueue(slots: 1, capacity: 0)
        let ticket = try await queue.enter()
        let task = Task { try await queue.wait(for: ticket) }
        task.cancel()
        _ = try? await task.value
        #expect(await queue.runningCount == 0)
    }

    @Test func closingRefusesNewSolvesAndFailsWaitingOnes() async throws {
        let queue = JobQueue(slots: 1, capacity: 2)
        let holder = try await queue.acquire()
        let waiter = Task { try await queue.acquire() }
        while await queue.waitingCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        await queue.close()
        await #expect(throws: JobQueue.Refusal.closed) { try await waiter.value }
        await #expect(throws: JobQueue.Refusal.closed) { try await queue.enter() }
        await holder.release()
    }

    @Test func gaugesSeeEveryChange() async throws {
        let seen = Order()
        let queue = JobQueue(slots: 1, capacity: 1) { running, waiting in Task { await seen.append(running * 10 + waiting) } }
        let slot = try await queue.acquire()
        await slot.release()
        try await Task.sleep(for: .milliseconds(20))
        #expect(await Set(seen.values) == [10, 0])
    }

    actor Order {
        var values: [Int] = []
        func append(_ value: Int) { values.append(value) }
    }
}
