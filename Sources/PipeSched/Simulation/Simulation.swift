/// The result of simulating a schedule: as-soon-as-possible times, memory over time and the
/// critical path.
public struct Simulation: Sendable {
    /// Timed passes per device, in execution order.
    public let timeline: Timeline
    /// Memory in use on each device after each of its passes starts (static memory included).
    public let memoryAfterOp: [[Double]]
    /// Peak memory per device (static memory included).
    public let peakMemory: [Double]
    /// The chain of passes that determines the end of the last pass: each one waited for the next
    /// one in this list (by its device or by a dependency), first pass first.
    public let criticalPath: [Op]
}
