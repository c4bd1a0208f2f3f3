/// `LinearExpressionProto`: Σ coefficient · variable + offset, over integer variables by index.
public struct CPLinearExpression: Sendable, Equatable {
    public var terms: [(variable: Int, coefficient: Int64)]
    public var offset: Int64

    public init(_ terms: [(variable: Int, coefficient: Int64)] = [], offset: Int64 = 0) {
        self.terms = terms
        self.offset = offset
    }

    /// One variable.
    public static func variable(_ index: Int) -> CPLinearExpression { CPLinearExpression([(index, 1)]) }

    /// A constant.
    public static func constant(_ value: Int64) -> CPLinearExpression { CPLinearExpression(offset: value) }

    public static func == (lhs: CPLinearExpression, rhs: CPLinearExpression) -> Bool {
        lhs.offset == rhs.offset && lhs.terms.elementsEqual(rhs.terms) { $0.variable == $1.variable && $0.coefficient == $1.coefficient }
    }

    /// Fields: vars = 1, coeffs = 2, offset = 3 (cp_model.proto).
    func encode(into writer: inout ProtoWriter) {
        writer.packed(1, terms.map(\.variable))
        writer.packed(2, terms.map(\.coefficient))
        writer.int(3, offset)
    }
}
