/// The constraints of `ConstraintProto` that PipeSched uses (field numbers from OR-Tools 9.15's
/// `cp_model.proto`, read from the wheel's `cp_model_pb2` descriptors).
public enum CPConstraint: Sendable, Equatable {
    /// lower ≤ Σ coefficient · variable ≤ upper (`linear`, field 12).
    case linear([(variable: Int, coefficient: Int64)], lower: Int64, upper: Int64)
    /// start + size = end (`interval`, field 19); referred to by index from `noOverlap`.
    case interval(start: CPLinearExpression, size: CPLinearExpression, end: CPLinearExpression)
    /// The intervals (indices of `interval` constraints) do not overlap in time (`no_overlap`, field 20).
    case noOverlap(intervals: [Int])
    /// At every time t: minLevel ≤ Σ changes of the events at times ≤ t ≤ maxLevel (`reservoir`, field 24);
    /// with `active` literals (one per event, or empty for all), only the events whose literal is
    /// true count.
    case reservoir(times: [CPLinearExpression], changes: [Int64], minLevel: Int64, maxLevel: Int64, active: [Int] = [])

    public static func == (lhs: CPConstraint, rhs: CPConstraint) -> Bool {
        switch (lhs, rhs) {
        case let (.linear(a, la, ua), .linear(b, lb, ub)):
            return la == lb && ua == ub && a.elementsEqual(b) { $0.variable == $1.variable && $0.coefficient == $1.coefficient }
        case let (.interval(s1, d1, e1), .interval(s2, d2, e2)): return s1 == s2 && d1 == d2 && e1 == e2
        case let (.noOverlap(a), .noOverlap(b)): return a == b
        case let (.reservoir(t1, c1, min1, max1, a1), .reservoir(t2, c2, min2, max2, a2)):
            return t1 == t2 && c1 == c2 && min1 == min2 && max1 == max2 && a1 == a2
        default: return false
        }
    }

    func encode(into writer: inout ProtoWriter) {
        switch self {
        case .linear(let terms, let lower, let upper):
            writer.message(12) { linear in
                linear.packed(1, terms.map(\.variable))
                linear.packed(2, terms.map(\.coefficient))
                linear.packed(3, [lower, upper])
            }
        case .interval(let start, let size, let end):
            // start = 4, end = 5, size = 6.
            writer.message(19) { interval in
                interval.message(4) { start.encode(into: &$0) }
                interval.message(5) { end.encode(into: &$0) }
                interval.message(6) { size.encode(into: &$0) }
            }
        case .noOverlap(let intervals):
            writer.message(20) { $0.packed(1, intervals) }
        case .reservoir(let times, let changes, let minLevel, let maxLevel, let active):
            // min_level = 1, max_level = 2, time_exprs = 3, active_literals = 5, level_changes = 6 (expressions).
            writer.message(24) { reservoir in
                reservoir.int(1, minLevel)
                reservoir.int(2, maxLevel)
                for time in times { reservoir.message(3) { time.encode(into: &$0) } }
                reservoir.packed(5, active)
                for change in changes { reservoir.message(6) { CPLinearExpression.constant(change).encode(into: &$0) } }
            }
        }
    }
}
