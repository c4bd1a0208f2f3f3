/// An affine expression `sum(coefficient_i * variable_i) + constant`.
///
/// Terms are kept in insertion order and may repeat a variable; they are merged
/// when the expression becomes part of a constraint or objective (see ``normalized()``).
/// Appending is amortised O(1), so build large sums with `+=`, ``addTerm(_:coefficient:)``
/// or `sum()` rather than with chains of `a = a + b`.
public struct LinearExpression: Sendable {
    /// The `coefficient * variable` terms, possibly with repeated variables.
    public private(set) var terms: [LinearTerm]
    /// The constant part.
    public var constant: Double

    /// The empty expression (value 0).
    public init() {
        terms = []
        constant = 0
    }

    /// The expression `1 * variable`.
    public init(_ variable: Variable) {
        terms = [LinearTerm(variable, 1)]
        constant = 0
    }

    /// A constant expression.
    public init(constant: Double) {
        terms = []
        self.constant = constant
    }

    /// An expression from explicit terms and a constant.
    public init(terms: [LinearTerm], constant: Double = 0) {
        self.terms = terms
        self.constant = constant
    }

    /// Appends `coefficient * variable`.
    public mutating func addTerm(_ variable: Variable, coefficient: Double = 1) {
        terms.append(LinearTerm(variable, coefficient))
    }

    /// Appends all terms of `other` scaled by `factor`, and adds `factor * other.constant`.
    public mutating func add(_ other: LinearExpression, times factor: Double = 1) {
        terms.reserveCapacity(terms.count + other.terms.count)
        if factor == 1 {
            terms.append(contentsOf: other.terms)
        } else {
            for term in other.terms {
                terms.append(LinearTerm(term.variable, term.coefficient * factor))
            }
        }
        constant += other.constant * factor
    }

    /// The same expression with repeated variables merged, terms sorted by variable
    /// index and exact zero coefficients dropped.
    public func normalized() -> LinearExpression {
        LinearExpression(terms: Self.merge(terms), constant: constant)
    }

    /// The value of the expression for `values` (indexed by ``Variable/index``).
    /// - Precondition: every variable index is within `values`.
    public func evaluate(_ values: [Double]) -> Double {
        var total = constant
        for term in terms {
            total += term.coefficient * values[term.variable.index]
        }
        return total
    }

    /// The sum of a sequence of expressions, built in one pass.
    public static func sum<S: Sequence>(_ expressions: S) -> LinearExpression where S.Element == LinearExpression {
        var result = LinearExpression()
        for expression in expressions {
            result.add(expression)
        }
        return result
    }

    static func merge(_ terms: [LinearTerm]) -> [LinearTerm] {
        guard !terms.isEmpty else { return [] }
        let sorted = terms.sorted { $0.variable.index < $1.variable.index }
        var merged: [LinearTerm] = []
        merged.reserveCapacity(sorted.count)
        for term in sorted {
            if let last = merged.last, last.variable == term.variable {
                merged[merged.count - 1].coefficient += term.coefficient
            } else {
                merged.append(term)
            }
        }
        // NaN coefficients are kept (NaN != 0) so that validation can report them.
        return merged.filter { $0.coefficient != 0 }
    }
}

extension Sequence where Element == LinearExpression {
    /// The sum of the expressions (see ``LinearExpression/sum(_:)``).
    public func sum() -> LinearExpression { LinearExpression.sum(self) }
}

extension Sequence where Element == Variable {
    /// The expression `1 * v1 + 1 * v2 + ...`.
    public func sum() -> LinearExpression {
        LinearExpression(terms: map { LinearTerm($0, 1) })
    }
}

extension LinearExpression: CustomStringConvertible {
    public var description: String {
        var parts = terms.map { "\($0.coefficient)*\($0.variable)" }
        if constant != 0 || parts.isEmpty { parts.append("\(constant)") }
        return parts.joined(separator: " + ")
    }
}
