import Foundation
import Synchronization
import Testing
@testable import LinearProgramming

/// `DetachedSolve`, which CBC and HiGHS run in: the waiting solve gives up at its limit or a stop
/// request while the solver's thread goes on, and the cleanup runs exactly once, after both.
@Suite struct DetachedSolveTests {
    /// A solver call that does not return before `release` is signalled (one that polls nothing).
    final class Body: Sendable {
        let release = DispatchSemaphore(value: 0)
        let cleanups = Atomic<Int>(0)
        let returned = Atomic<Bool>(false)
    }

    @Test func aSolverThatReturnsInTimeIsWaitedForAndCleanedUpOnRelease() {
        let body = Body()
        let run = DetachedSolve(cleanup: { body.cleanups.add(1, ordering: .relaxed) }, body: { body.returned.store(true, ordering: .relaxed) })
        let solved = run.waitUntilSolved(within: 10, shouldStop: nil)
        let returned = body.returned.load(ordering: .relaxed)
        #expect(solved && returned)
        #expect(body.cleanups.load(ordering: .relaxed) == 0)
        run.release()
        #expect(body.cleanups.load(ordering: .relaxed) == 1)
    }

    @Test func theWaitEndsAtItsLimitAndTheThreadCleansUpWhenTheSolverReturns() {
        let body = Body()
        let done = DispatchSemaphore(value: 0)
        let run = DetachedSolve(cleanup: {
            body.cleanups.add(1, ordering: .relaxed)
            done.signal()
        }, body: { body.release.wait() })
        let start = Date()
        let solved = run.waitUntilSolved(within: 0.1, shouldStop: nil)
        #expect(!solved)
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(body.cleanups.load(ordering: .relaxed) == 0)
        body.release.signal()
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(body.cleanups.load(ordering: .relaxed) == 1)
    }

    /// A stop request ends the wait after the grace period, unless the solver returns within it.
    @Test func aStopRequestEndsTheWaitAfterTheGrace() {
        let stalled = Body()
        let done = DispatchSemaphore(value: 0)
        let run = DetachedSolve(cleanup: { done.signal() }, body: { stalled.release.wait() })
        let stopped = !run.waitUntilSolved(within: nil, shouldStop: { true }, grace: 0.05)
        #expect(stopped)
        stalled.release.signal()
        #expect(done.wait(timeout: .now() + 10) == .success)

        let quick = Body()
        let answering = DetachedSolve(cleanup: { quick.cleanups.add(1, ordering: .relaxed) }, body: {
            Thread.sleep(forTimeInterval: 0.05)  // the solver's own callback ends it within the grace
        })
        let answered = answering.waitUntilSolved(within: nil, shouldStop: { true }, grace: 5)
        #expect(answered)
        answering.release()
        #expect(quick.cleanups.load(ordering: .relaxed) == 1)
    }

    @Test func abandonmentIsWithinFivePercentOfLimitsFromTenSeconds() {
        for limit in [10.0, 30, 60, 600] { #expect(DetachedSolve.abandonAfter(limit) <= 1.05 * limit) }
    }
}
