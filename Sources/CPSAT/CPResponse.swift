/// What CP-SAT returned (`CpSolverResponse`): status, solution values, objective and proven bound.
public struct CPResponse: Sendable, Equatable {
    /// `CpSolverStatus`.
    public enum Status: Int, Sendable {
        case unknown = 0
        case modelInvalid = 1
        case feasible = 2
        case infeasible = 3
        case optimal = 4
    }

    public var status: Status
    /// One value per variable of the model; empty without a solution.
    public var solution: [Int64]
    public var objectiveValue: Double
    /// A lower bound on the objective of every solution (minimization).
    public var bestObjectiveBound: Double
    public var branches: Int64
    public var wallTime: Double
    /// OR-Tools' explanation, e.g. of an invalid model (`solution_info`).
    public var info: String

    public init(status: Status, solution: [Int64] = [], objectiveValue: Double = 0, bestObjectiveBound: Double = 0,
                branches: Int64 = 0, wallTime: Double = 0, info: String = "") {
        self.status = status
        self.solution = solution
        self.objectiveValue = objectiveValue
        self.bestObjectiveBound = bestObjectiveBound
        self.branches = branches
        self.wallTime = wallTime
        self.info = info
    }

    public var hasSolution: Bool { status == .optimal || status == .feasible }

    /// Decodes the message: status = 1, solution = 2, objective_value = 3, best_objective_bound = 4,
    /// num_branches = 12, wall_time = 15, solution_info = 20.
    init(serialized bytes: [UInt8]) throws(ProtoReader.Malformed) {
        var reader = ProtoReader(bytes)
        var response = CPResponse(status: .unknown)
        while let (field, value) = try reader.next() {
            switch field {
            case 1: response.status = value.int64.flatMap { Status(rawValue: Int($0)) } ?? .unknown
            case 2: response.solution += value.int64s ?? []
            case 3: response.objectiveValue = value.double ?? 0
            case 4: response.bestObjectiveBound = value.double ?? 0
            case 12: response.branches = value.int64 ?? 0
            case 15: response.wallTime = value.double ?? 0
            case 20: response.info = value.string ?? ""
            default: break
            }
        }
        self = response
    }
}
