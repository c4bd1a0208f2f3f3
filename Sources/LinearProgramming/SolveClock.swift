/// Wall-clock bookkeeping for one solve call: elapsed time and remaining time budget.
struct SolveClock: Sendable {
    let start = ContinuousClock.now

    /// Seconds since the clock was created.
    var elapsed: Double { Self.seconds(ContinuousClock.now - start) }

    /// Seconds left of `limit` (never negative); `nil` when there is no limit.
    func remaining(of limit: Double?) -> Double? {
        guard let limit, limit.isFinite else { return nil }
        return Swift.max(0, limit - elapsed)
    }

    /// The instant `seconds` after the start (used as a hard deadline by callbacks).
    func instant(after seconds: Double) -> ContinuousClock.Instant {
        start + .nanoseconds(Int64(Swift.min(seconds, 1e9) * 1e9))
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
