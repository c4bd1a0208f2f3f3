/// How a sequence is cut into slices.
public enum SliceSplit: String, Sendable, Equatable, CaseIterable {
    /// Slices of equal length.
    case uniform
    /// Slices of equal cost under causal attention: earlier slices are longer (Seq1F1B's
    /// computation-wise partition).
    case balanced
}

/// Slice lengths of a sequence of `length` tokens.
///
/// The cost of the slice of `l` tokens after `P` earlier tokens is `α·l + β·(l·P + l²/2)`: α per token
/// (linear layers, embedding, head), β per causal query–key pair. The balanced split puts the cut
/// points where the cumulative cost `C(x) = α·x + β·x²/2` reaches `j/K · C(length)`, that is
/// `x_j = (−α + √(α² + 2β·C_j)) / β`, rounded to whole tokens (Seq1F1B, arXiv 2406.03488, §4; its
/// reference implementation solves the same equation with sympy in `split_solver.py`).
public enum SequenceSplit {
    public static func lengths(length: Int, slices: Int, split: SliceSplit, perToken alpha: Double, perPair beta: Double) -> [Int] {
        precondition(slices >= 1 && slices <= length, "need 1 ≤ slices ≤ sequence length")
        guard split == .balanced, beta > 0 else {
            return (0..<slices).map { length / slices + ($0 < length % slices ? 1 : 0) }
        }
        let total = alpha * Double(length) + beta * Double(length) * Double(length) / 2
        var cuts = [0]
        for j in 1..<slices {
            let target = total * Double(j) / Double(slices)
            let x = (-alpha + (alpha * alpha + 2 * beta * target).squareRoot()) / beta
            let lowest = cuts[j - 1] + 1, highest = length - (slices - j)
            cuts.append(min(max(Int(x.rounded()), lowest), highest))
        }
        cuts.append(length)
        return (0..<slices).map { cuts[$0 + 1] - cuts[$0] }
    }
}
