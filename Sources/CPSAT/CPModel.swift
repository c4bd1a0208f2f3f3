/// A CP-SAT model (`CpModelProto`): integer variables with interval domains, constraints, a
/// linear objective to minimize and a solution hint. `validated()` checks everything OR-Tools
/// would reject before it is sent; `serialized()` writes the protobuf message.
public struct CPModel: Sendable {
    /// Domain [lower, upper] of each variable.
    public private(set) var domains: [(lower: Int64, upper: Int64)] = []
    public private(set) var constraints: [CPConstraint] = []
    /// The enforcement literals of each constraint (`enforcement_literal`): it must hold only when
    /// they are all true; empty: always. A literal is a 0/1 variable's index, or `not(v)`.
    public private(set) var enforcement: [[Int]] = []
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

    /// A new 0/1 variable; returns its index (a literal).
    public mutating func addBool() -> Int { addVariable(lower: 0, upper: 1) }

    /// The literal that is true when the 0/1 variable `variable` is 0 (CP-SAT's `-v - 1`).
    public static func not(_ variable: Int) -> Int { -variable - 1 }

    /// Adds a constraint that holds when every literal of `onlyIf` is true (always when empty; an
    /// interval with literals is optional: absent when one is false); returns its index (the index
    /// `noOverlap` refers to for intervals).
    @discardableResult
    public mutating func add(_ constraint: CPConstraint, onlyIf literals: [Int] = []) -> Int {
        constraints.append(constraint)
        enforcement.append(literals)
        return constraints.count - 1
    }

    /// lower ≤ Σ coefficient · variable ≤ upper, terms as `[variable: coefficient, ...]`, enforced by
    /// `onlyIf` (always when empty).
    @discardableResult
    public mutating func addLinear(_ terms: KeyValuePairs<Int, Int64>, lower: Int64, upper: Int64, onlyIf literals: [Int] = []) -> Int {
        add(.linear(terms.map { (variable: $0.key, coefficient: $0.value) }, lower: lower, upper: upper), onlyIf: literals)
    }

    /// The interval [start, start + size) of a start variable and a constant size, present only when
    /// `presence` (a literal) is true if given; returns its index.
    public mutating func addInterval(start: Int, size: Int64, presence: Int? = nil) -> Int {
        add(.interval(start: .variable(start), size: .constant(size), end: CPLinearExpression([(start, 1)], offset: size)),
            onlyIf: presence.map { [$0] } ?? [])
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
        func checkLiteral(_ literal: Int, _ context: String) throws(Invalid) {
            let variable = literal >= 0 ? literal : -literal - 1
            guard domains.indices.contains(variable) else { throw fail("\(context) refers to literal \(literal) of \(domains.count) variables") }
            guard domains[variable].lower >= 0, domains[variable].upper <= 1 else { throw fail("\(context) uses variable \(variable), which is not 0/1, as a literal") }
        }
        for (index, constraint) in constraints.enumerated() {
            let context = "constraint \(index)"
            for literal in enforcement[index] { try checkLiteral(literal, context) }
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
                guard enforcement[index].isEmpty else { throw fail("\(context) is a no-overlap with enforcement literals, which CP-SAT does not support") }
                for interval in intervals {
                    guard constraints.indices.contains(interval), case .interval = constraints[interval] else {
                        throw fail("\(context) refers to \(interval), which is not an interval")
                    }
                }
            case .reservoir(let times, let changes, let minLevel, let maxLevel, let active):
                guard times.count == changes.count else { throw fail("\(context) has \(times.count) times for \(changes.count) changes") }
                guard active.isEmpty || active.count == times.count else { throw fail("\(context) has \(active.count) literals for \(times.count) events") }
                for literal in active { try checkLiteral(literal, context) }
                guard enforcement[index].isEmpty else { throw fail("\(context) is a reservoir with enforcement literals, which CP-SAT does not support") }
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

    /// The `CpModelProto` bytes: variables = 2 (domain = 2), constraints = 3 (enforcement_literal = 2), objective = 4
    /// (vars = 1, coeffs = 4), solution_hint = 6 (vars = 1, values = 2).
    public func serialized() -> [UInt8] {
        var writer = ProtoWriter()
        for domain in domains {
            writer.message(2) { $0.packed(2, [domain.lower, domain.upper]) }
        }
        for (constraint, literals) in zip(constraints, enforcement) {
            writer.message(3) { message in
                message.packed(2, literals)  // enforcement_literal
                constraint.encode(into: &message)
            }
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
