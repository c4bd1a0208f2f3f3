import Foundation

/// Runs blocking solver work on a thread of its own, so long synchronous solves never occupy the
/// event loops or Swift's cooperative thread pool (which serve every other request). How many run
/// at once is bounded by `JobQueue`, not here.
enum SolverThread {
    /// Solver stacks: deep recursion is not expected, but the default of secondary threads can be small.
    static let stackSize = 8 << 20

    /// The result of `work`, computed on a new thread.
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: work())
            }
            thread.stackSize = stackSize
            thread.name = "pipesched-solver"
            thread.start()
        }
    }
}
