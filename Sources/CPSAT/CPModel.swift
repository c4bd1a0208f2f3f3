/// A CP-SAT model (`CpModelProto`): integer variables with interval domains, constraints, a
/// linear objective to minimize and a solution hint. `validated()` checks everything OR-Tools
/// would reject before it is sent; `serialized()` writes the protobuf message.
public struct CPModel: Sendable {
    /// Domain [lower, upper] of each variable.
    public private(set) var domains: [(lower: Int64, upper: Int64)] = []
    public private(set) var constraints: [CPConstraint] = []
    /// Minimize Σ coefficient · variable (empty: a feasibility problem).
    public var objective: [(variable: Int, coefficient: Int64)] = []
    /// Values suggested to the search (`solution_hint`); need not be feasible.
    public var hint: [(variable: Int, value: Int64)] = []

    public init() {}

    public var variableCount: Int { domains.count }

    /// A new variable in [lower, upper]; returns its index.
    public mutating func addVariable(lower: Int64, upper: Int64) -> Int {
        domains.append((lower, upper))
        return domains.count - 1
    }

    /// Adds a constraint; returns its index (the index `noOverlap` refers to for intervals).
    @discardableResult
    public mutating func add(_ constraint: CPConstraint) -> Int {
        constraints.append(constraint)
        return constraints.count - 1
    }

    /// lower ≤ Σ coefficient · variable ≤ upper, terms as `[variable: coefficient, ...]`.
    @discardableResult
    public mutating func addLinear(_ terms: KeyValuePairs<Int, Int64>, lower: Int64, upper: Int64) -> Int {
        add(.linear(terms.map { (variable: $0.key, coefficient: $0.value) }, lower: lower, upper: upper))
    }

    /// The interval [start, start + size) of a start variable and a constant size; returns its index.
    public mutating func addInterval(start: Int, size: Int64) -> Int {
        add(.interval(start: .variable(start), size: .constant(size), end: CPLinearExpression([(start, 1)], offset: size)))
    }

    /// Why a model cannot be sent: the first violated rule.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Values above this are refused: CP-SAT works with 64-bit integers and requires sums of terms
    /// to stay far from overflow.
    public static let magnitudeLimit: Int64 = 1 << 50

    /// Checks the model against the rules of OR-Tools' model checker that this encoder can break:
    /// variable and interval references in range, non-empty domains, sizes that cannot overflow,
    /// reservoirs that start within their levels, hints on existing variables.
    public func validate() throws(Invalid) {
        func fail(_ message: String) -> Invalid { Invalid(description: message) }
        let limit = Self.magnitudeLimit
        for (index, domain) in domains.enumerated() {
            guard domain.lower <= domain.upper else { throw fail("variable \(index) has the empty domain [\(domain.lower), \(domain.upper)]") }
            guard abs(domain.lower) <= limit, abs(domain.upper) <= limit else { throw fail("variable \(index) has a domain beyond ±2^50") }
        }
        func checkTerms(_ terms: [(variable: Int, coefficient: Int64)], _ context: String) throws(Invalid) {
            var magnitude = 0.0
            for term in terms {
                guard domains.indices.contains(term.variable) else { throw fail("\(context) refers to variable \(term.variable) of \(domains.count)") }
                let domain = domains[term.variable]
                magnitude += Double(term.coefficient.magnitude) * Double(max(domain.lower.magnitude, domain.upper.magnitude))
            }
            guard magnitude <= Double(limit) else { throw fail("\(context) can reach \(magnitude), beyond 2^50") }
        }
        func checkExpression(_ expression: CPLinearExpression, _ context: String) throws(Invalid) {
            try checkTerms(expression.terms, context)
            guard abs(expression.offset) <= limit else { throw fail("\(context) has an offset beyond ±2^50") }
        }
        for (index, constraint) in constraints.enumerated() {
            let context = "constraint \(index)"
            switch constraint {
            case .linear(let terms, let lower, let upper):
                guard lower <= upper else { throw fail("\(context) has the empty range [\(lower), \(upper)]") }
                try checkTerms(terms, context)
            case .interval(let start, let size, let end):
                try checkExpression(start, context)
                try checkExpression(size, context)
                try checkExpression(end, context)
                guard size.terms.isEmpty, size.offset >= 0 else { throw fail("\(context) is an interval of negative or variable size") }
            case .noOverlap(let intervals):
                for interval in intervals {
                    guard constraints.indices.contains(interval), case .interval = constraints[interval] else {
                        throw fail("\(context) refers to \(interval), which is not an interval")
                    }
                }
            case .reservoir(let times, let changes, let minLevel, let maxLevel):
                guard times.count == changes.count else { throw fail("\(context) has \(times.count) times for \(changes.count) changes") }
                guard minLevel <= 0, 0 <= maxLevel else { throw fail("\(context) must admit level 0: [\(minLevel), \(maxLevel)]") }
                for time in times { try checkExpression(time, context) }
                let total = changes.reduce(0.0) { $0 + Double($1.magnitude) }
                guard total <= Double(limit) else { throw fail("\(context) has level changes summing beyond 2^50") }
            }
        }
        try checkTerms(objective, "the objective")
        for entry in hint where !domains.indices.contains(entry.variable) {
            throw fail("the hint refers to variable \(entry.variable) of \(domains.count)")
        }
    }

    /// The `CpModelProto` bytes: variables = 2 (domain = 2), constraints = 3, objective = 4
    /// (vars = 1, coeffs = 4), solution_hint = 6 (vars = 1, values = 2).
    public func serialized() -> [UInt8] {
        var writer = ProtoWriter()
        for domain in domains {
            writer.message(2) { $0.packed(2, [domain.lower, domain.upper]) }
        }
        for constraint in constraints {
            writer.message(3) { constraint.encode(into: &$0) }
        }
        if !objective.isEmpty {
            writer.message(4) { objective in
                objective.packed(1, self.objective.map(\.variable))
                objective.packed(4, self.objective.map(\.coefficient))
            }
        }
        if !hint.isEmpty {
            writer.message(6) { hint in
                hint.packed(1, self.hint.map(\.variable))
                hint.packed(2, self.hint.map(\.value))
            }
        }
        return writer.bytes
    }
}
