/// The validated, solver-ready form of a model plus options, shared by both backends:
/// dense objective, integer bounds rounded inward, and the checks of ``MILPOptions``.
struct PreparedProblem {
    let model: MILPModel
    let options: MILPOptions
    let columnCount: Int
    let rowCount: Int
    let isInteger: [Bool]
    let integerCount: Int
    /// Column bounds; integer columns rounded inward (`ceil(lower)`, `floor(upper)`).
    let columnLower: [Double]
    let columnUpper: [Double]
    /// Dense objective coefficients (without the constant).
    let objective: [Double]
    /// True if some integer column has no integer value between its bounds.
    let integerBoundsEmpty: Bool

    init(model: MILPModel, options: MILPOptions) throws(LinearProgrammingError) {
        try model.validate()
        try Self.check(options, variableCount: model.variableCount)
        self.model = model
        self.options = options
        columnCount = model.variableCount
        rowCount = model.constraintCount
        isInteger = model.kinds.map(\.isIntegral)
        integerCount = isInteger.lazy.filter { $0 }.count
        var lower = model.lowerBounds
        var upper = model.upperBounds
        var empty = false
        for j in 0..<columnCount where isInteger[j] {
            // The tolerance keeps e.g. 0.9999999999 from becoming an empty domain.
            lower[j] = (lower[j] - 1e-9).rounded(.up)
            upper[j] = (upper[j] + 1e-9).rounded(.down)
            if lower[j] > upper[j] { empty = true }
        }
        columnLower = lower
        columnUpper = upper
        integerBoundsEmpty = empty
        var dense = [Double](repeating: 0, count: columnCount)
        for term in model.objective.terms {
            dense[term.variable.index] += term.coefficient
        }
        objective = dense
    }

    static func check(_ options: MILPOptions, variableCount: Int) throws(LinearProgrammingError) {
        if let limit = options.timeLimit, limit.isNaN || limit < 0 {
            throw .invalidOption(name: "timeLimit", value: "\(limit)", requirement: "nil or a number of seconds >= 0")
        }
        if !options.relativeGap.isFinite || options.relativeGap < 0 {
            throw .invalidOption(name: "relativeGap", value: "\(options.relativeGap)", requirement: "a finite number >= 0")
        }
        if options.threads < 1 {
            throw .invalidOption(name: "threads", value: "\(options.threads)", requirement: ">= 1")
        }
        if let cutoff = options.cutoff, !cutoff.isFinite {
            throw .invalidOption(name: "cutoff", value: "\(cutoff)", requirement: "nil or a finite objective value")
        }
        if let start = options.start {
            guard start.count == variableCount else {
                throw .startLengthMismatch(expected: variableCount, actual: start.count)
            }
            if let j = start.firstIndex(where: { !$0.isFinite }) {
                throw .nonFiniteStartValue(variable: "\(j)", value: start[j])
            }
        }
    }

    var sense: ObjectiveSense { model.sense }
    var objectiveConstant: Double { model.objective.constant }
    var hasObjective: Bool { !model.objective.terms.isEmpty }

    /// The row-wise matrix: row `i` owns entries `rowStarts[i] ..< rowStarts[i + 1]`.
    var rowStarts: [Int] { model.rowStarts }
    var rowColumns: [Int] { model.rowColumns }
    var rowCoefficients: [Double] { model.rowCoefficients }
    var rowLower: [Double] { model.rowLower }
    var rowUpper: [Double] { model.rowUpper }

    /// The cutoff moved to the objective's terms (constant removed) and loosened by a
    /// tiny tolerance so that solutions exactly at the cutoff stay feasible.
    func termCutoff(_ cutoff: Double) -> Double {
        let slack = 1e-6 * Swift.max(1, abs(cutoff))
        let shifted = cutoff - objectiveConstant
        return sense == .minimize ? shifted + slack : shifted - slack
    }

    /// Solution values as reported: integer columns rounded to the nearest integer.
    func cleaned(_ values: [Double]) -> [Double] {
        var result = values
        for j in 0..<columnCount where isInteger[j] {
            result[j] = result[j].rounded()
        }
        return result
    }

    /// `bound` if it is a usable number. A bound on the wrong side of the incumbent by no more than
    /// the solver's tolerances (relative 1e-6) is rounding noise and reads as the incumbent's value;
    /// further off it is reported as it is, never clamped, so a wrong bound cannot hide.
    func reportedBound(_ bound: Double?, objective: Double?) -> Double? {
        guard let bound, bound.isFinite, abs(bound) < 1e40 else { return nil }
        guard let objective else { return bound }
        let wrongSide = sense == .minimize ? bound - objective : objective - bound
        return wrongSide > 0 && wrongSide <= 1e-6 * Swift.max(1, abs(objective)) ? objective : bound
    }

    /// The result for solves that end before any solver work: the model is trivially
    /// infeasible, or cancellation / the time limit hit before the start.
    func earlyResult(solverName: String, clock: SolveClock) -> MILPResult? {
        if integerBoundsEmpty {
            return MILPResult(status: .infeasible, seconds: clock.elapsed, solverName: solverName,
                               message: "an integer variable has no integer value between its bounds")
        }
        if options.shouldStop?() == true {
            return stopped(solverName: solverName, clock: clock, reason: "stopped by shouldStop before the solve started")
        }
        if clock.remaining(of: options.timeLimit) == 0 {
            return stopped(solverName: solverName, clock: clock, reason: "time limit reached before the solve started")
        }
        return nil
    }

    func stopped(solverName: String, clock: SolveClock, reason: String) -> MILPResult {
        MILPResult(status: .noSolution, seconds: clock.elapsed, solverName: solverName, message: reason)
    }

    /// The constraint matrix in column-major (CSC) form, converted from the row-wise model in
    /// O(non-zeros): column starts, row index and coefficient of every entry, as the solvers' C APIs
    /// take it.
    func columnMajorMatrix() -> (starts: [Int32], index: [Int32], value: [Double]) {
        var starts = [Int32](repeating: 0, count: columnCount + 1)
        for column in rowColumns { starts[column + 1] += 1 }
        for j in 0..<columnCount { starts[j + 1] += starts[j] }
        var next = starts.map(Int.init)
        var index = [Int32](repeating: 0, count: rowColumns.count)
        var value = [Double](repeating: 0, count: rowColumns.count)
        for row in 0..<rowCount {
            for entry in rowStarts[row]..<rowStarts[row + 1] {
                let column = rowColumns[entry]
                index[next[column]] = Int32(row)
                value[next[column]] = rowCoefficients[entry]
                next[column] += 1
            }
        }
        return (starts, index, value)
    }
}
