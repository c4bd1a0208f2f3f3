import Foundation

/// CP-SAT works in integers: times (durations, latency) and memory (deltas, caps) are multiplied
/// by a factor and rounded.
///
/// When some power of ten up to 10^6 makes every value an integer, the scale is `exact` and the
/// integer model is the real one. Otherwise values are rounded down (and caps up), which makes the
/// integer model a relaxation: every real schedule, its times rounded down, satisfies it, because
/// ⌊a + b⌋ ≥ ⌊a⌋ + ⌊b⌋. Its bound then holds for the real problem after subtracting one unit
/// (`boundSlack`: a span rounded down can exceed the real span times the factor by less than one),
/// and its schedules are only orders: PipeSched simulates them in real numbers either way.
struct IntegerScale: Sendable, Equatable {
    let factor: Double
    let exact: Bool

    /// Values are kept below this many units (CP-SAT's model checker and our own stay far from
    /// overflow at 2^50 with sums of thousands of terms).
    static let resolution = 1e7

    /// A scale for `values`, whose largest sum that matters is about `magnitude`.
    init(values: [Double], magnitude: Double) {
        let magnitude = max(magnitude, values.map(abs).max() ?? 0, 1e-300)
        for exponent in 0...6 {
            let factor = pow(10, Double(exponent))
            guard magnitude * factor <= Self.resolution * 1000 else { break }
            if values.allSatisfy({ value in
                let scaled = value * factor
                return abs(scaled - scaled.rounded()) <= 1e-9 * max(1, abs(scaled))
            }) {
                self.factor = factor
                exact = true
                return
            }
        }
        factor = Self.resolution / magnitude
        exact = false
    }

    /// The value in units, rounded down (exact values are rounded to the nearest integer).
    func down(_ value: Double) -> Int64 {
        let scaled = value * factor
        return Int64(exact ? scaled.rounded() : scaled.rounded(.down))
    }

    /// The value in units, rounded up (exact values are rounded to the nearest integer).
    func up(_ value: Double) -> Int64 {
        let scaled = value * factor
        return Int64(exact ? scaled.rounded() : scaled.rounded(.up))
    }

    /// Units subtracted from the integer model's bound before it holds for real schedules.
    var boundSlack: Int64 { exact ? 0 : 1 }

    /// A real value from units.
    func real(_ units: Double) -> Double { units / factor }
}
