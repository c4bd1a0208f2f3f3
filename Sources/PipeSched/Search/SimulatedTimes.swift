/// The simulator's times of a greedy run's passes so far, kept once the run's clock has run ahead
/// (`State.ranAhead`: a device waited for a pass and then ran another, which the simulator starts
/// earlier), so that the run's cutoff still holds (`State.setCutoff`).
///
/// The simulator starts each pass when its device's previous pass and its dependencies (plus link
/// latency) have ended; the run logs its passes in a topological order, so each pass's simulated
/// start follows from the passes before it, as `State.key(objective:)` re-times a finished run.
/// Until the clock runs ahead the scheduler's own times are the simulator's, so the tables start as
/// copies of the run's.
struct SimulatedTimes {
    /// Per template row (`DependencyTemplate.row(of:)`), stage and cell: when the pass may start as
    /// far as the simulated ends of its scheduled dependencies go.
    let readyAt: Scratch<Double>
    /// Per device: the simulated end of its last pass and the simulated start of its first (NaN
    /// before it has one).
    let lastEnd: Scratch<Double>
    let firstStart: Scratch<Double>

    init(readyAt: Scratch<Double>, lastEnd: Scratch<Double>, firstStart: Scratch<Double>) {
        self.readyAt = Scratch(copying: readyAt)
        self.lastEnd = Scratch(copying: lastEnd)
        self.firstStart = Scratch(copying: firstStart)
    }

    /// Times the next pass of `device`, readiness at `index` of `readyAt`, lasting `duration`: its
    /// simulated start and end.
    @inline(__always)
    func run(device: Int, index: Int, duration: Double) -> (start: Double, end: Double) {
        let start = max(lastEnd[device], readyAt[index])
        lastEnd[device] = start + duration
        if firstStart[device].isNaN { firstStart[device] = start }
        return (start, start + duration)
    }
}
