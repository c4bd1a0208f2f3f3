import Foundation
import PipeSched
import PipeSchedStore

/// A validated `POST /v1/solve` body: `{problem, method, objective, timeLimit, seed, wait,
/// memoryHeadroom}`, for the exact methods `{solver, gap, threads}`, and for `auto` `exclude`.
///
/// The problem is decoded exactly as the CLI decodes a problem file, so a bad problem gets the same
/// field, message and fix (`stages[2].memory: deltas sum to -0.5; they must sum to 0 or more ...; ...`).
public struct SolveRequest: Sendable {
    public var problem: Problem
    public var method: String
    public var objective: Objective
    public var timeLimit: Double?
    public var seed: UInt64
    /// Seconds to wait for a job before answering `202`; 0 answers at once.
    public var wait: Double
    /// The exact methods' settings, when the request gives `solver`, `gap` or `threads`.
    public var exact: ExactSolverSettings?
    /// A margin under every cap, as `solve --memory-headroom` keeps it (`MemoryHeadroom`); 0 for none.
    public var memoryHeadroom: Double = 0
    /// The candidates `auto` leaves out (`exclude`), as `solve --exclude` does.
    public var excludedCandidates: Set<String> = []

    /// Fields the body may carry; anything else is rejected, as in problem files.
    static let fields: Set<String> = ["problem", "method", "objective", "timeLimit", "seed", "wait", "solver", "gap", "threads", "memoryHeadroom",
                                      "exclude"]

    public init(problem: Problem, method: String = "auto", objective: Objective = .stageSpan, timeLimit: Double? = nil,
                seed: UInt64 = 1, wait: Double = 0) {
        self.problem = problem
        self.method = method
        self.objective = objective
        self.timeLimit = timeLimit
        self.seed = seed
        self.wait = wait
    }

    /// Parses and checks a body against the server's limits; `methods` are the names it offers, and
    /// `auto` the method whose candidates `exclude` may name. `waitParameter` is the `?wait=` query
    /// value, which overrides the body's.
    public static func parse(_ body: Data, waitParameter: String?, limits: ServerLimits, methods: Set<String>,
                             exactMethods: ExactMethods? = nil, auto: (any SchedulingMethod)? = nil) throws(APIError) -> SolveRequest {
        var request = try parse(body, limits: limits, methods: methods, exactMethods: exactMethods, auto: auto)
        try request.applyWait(parameter: waitParameter, limits: limits)
        return request
    }

    /// Applies a `?wait=` query value, which overrides the body's `wait`.
    public mutating func applyWait(parameter: String?, limits: ServerLimits) throws(APIError) {
        guard let parameter else { return }
        guard let seconds = Double(parameter) else {
            throw .invalidRequest(field: "wait", "query parameter \"\(parameter)\" is not a number", fix: "give seconds, e.g. ?wait=10")
        }
        wait = try Self.waitSeconds(seconds, limits: limits)
    }

    /// Parses and checks a body (without query parameters).
    static func parse(_ body: Data, limits: ServerLimits, methods: Set<String>, exactMethods: ExactMethods? = nil,
                      auto: (any SchedulingMethod)? = nil) throws(APIError) -> SolveRequest {
        let members = try TopLevelJSON.requestMembers(body, allowed: fields, example: "{\"problem\": {...}, \"method\": \"...\"}")
        guard let problemData = members["problem"] else {
            throw .invalidRequest(field: "problem", "is missing", fix: "add the problem, in the same schema as problem files (docs/problem-format.md)")
        }
        guard problemData.first == UInt8(ascii: "{") else {
            throw .invalidRequest(field: "problem", "is not a JSON object", fix: "give the problem as an object (docs/problem-format.md)")
        }
        // The size is checked inside the decoder, before any array sized by the problem is built.
        let problemLimits = limits.problemLimits
        var request: SolveRequest
        do {
            request = SolveRequest(problem: try Problem.decode(json: problemData, limits: problemLimits))
        } catch {
            throw problemLimits.isRefusal(error) ? .problemTooLarge(error) : .invalidProblem(error)
        }
        if let method = members["method"] {
            let name = try value(String.self, method, field: "method", expected: "a method name")
            guard methods.contains(name) else {
                throw .invalidRequest(field: "method", "unknown method \"\(name)\"", fix: "GET /v1/methods lists the methods")
            }
            request.method = name
        }
        if let objective = members["objective"] {
            let name = try value(String.self, objective, field: "objective", expected: "\"stageSpan\" or \"makespan\"")
            guard let parsed = Objective(rawValue: name) else {
                throw .invalidRequest(field: "objective", "is \"\(name)\"; it must be one of \(Objective.allCases.map(\.rawValue).joined(separator: ", "))",
                                      fix: "use \"stageSpan\" (default) or \"makespan\"")
            }
            request.objective = parsed
        }
        if let timeLimit = members["timeLimit"] {
            let seconds = try value(Double.self, timeLimit, field: "timeLimit", expected: "a positive number of seconds")
            guard seconds > 0, seconds.isFinite else {
                throw .invalidRequest(field: "timeLimit", "must be a positive number of seconds", fix: "give seconds, e.g. 5")
            }
            guard seconds <= limits.maxTimeLimit else {
                throw .invalidRequest(field: "timeLimit", "is \(seconds.readable) s, over this server's cap of \(limits.maxTimeLimit.readable) s",
                                      fix: "ask for \(limits.maxTimeLimit.readable) s or less")
            }
            request.timeLimit = seconds
        }
        if let seed = members["seed"] {
            request.seed = try value(UInt64.self, seed, field: "seed", expected: "a non-negative integer")
        }
        if let wait = members["wait"] {
            request.wait = try waitSeconds(try value(Double.self, wait, field: "wait", expected: "a number of seconds"), limits: limits)
        }
        request.exact = try exactSettings(members, exactMethods: exactMethods)
        if let headroom = members["memoryHeadroom"] {
            let percent = try value(Double.self, headroom, field: "memoryHeadroom", expected: "a percentage of each cap in [0, 100)")
            do {
                // Checked here (a margin the caps cannot give is the request's fault), applied when solving.
                _ = try MemoryHeadroom(percent: percent, field: "memoryHeadroom").apply(to: request.problem, field: "memoryHeadroom")
            } catch {
                throw .invalidRequest(field: "memoryHeadroom", error.message, fix: error.fix)
            }
            request.memoryHeadroom = percent
        }
        if let exclude = members["exclude"] {
            let names = try value([String].self, exclude, field: "exclude", expected: "a list of auto's candidate names")
            guard request.method == "auto", let auto else {
                throw .invalidRequest(field: "exclude", "goes with the method auto, not \(request.method)", fix: "leave out exclude, or use method auto")
            }
            do { request.excludedCandidates = try auto.exclusion(names, field: "exclude") } catch {
                throw .invalidRequest(field: "exclude", error.message, fix: error.fix)
            }
        }
        return request
    }

    /// The `solver`, `gap` and `threads` fields, checked as `pipesched solve` checks its options.
    private static func exactSettings(_ members: [String: Data], exactMethods: ExactMethods?) throws(APIError) -> ExactSolverSettings? {
        let given = ["solver", "gap", "threads"].filter { members[$0] != nil }
        guard let field = given.first else { return nil }
        guard let exactMethods else {
            throw .invalidRequest(field: field, "is not available: this server has no exact solvers", fix: "leave out solver, gap and threads")
        }
        var settings = ExactSolverSettings(solver: exactMethods.defaultSolver)
        if let solver = members["solver"] {
            let name = try value(String.self, solver, field: "solver", expected: "a solver name")
            guard exactMethods.solvers.contains(name) else {
                throw .invalidRequest(field: "solver", "is \"\(name)\"; this server has \(exactMethods.solvers.joined(separator: ", "))",
                                      fix: "use one of \(exactMethods.solvers.joined(separator: ", "))")
            }
            settings.solver = name
        }
        if let gap = members["gap"] {
            let relative = try value(Double.self, gap, field: "gap", expected: "a relative gap in [0, 1)")
            guard relative >= 0, relative < 1 else {
                throw .invalidRequest(field: "gap", "must be a relative gap in [0, 1)", fix: "give for example 0.01 (0 proves optimality)")
            }
            settings.gap = relative
        }
        if let threads = members["threads"] {
            let count = try value(Int.self, threads, field: "threads", expected: "a whole number of threads")
            let most = ProcessInfo.processInfo.activeProcessorCount
            guard count >= 1, count <= most else {
                throw .invalidRequest(field: "threads", "must be from 1 to \(most) (this server's cores)", fix: "give 1 to \(most)")
            }
            settings.threads = count
        }
        return settings
    }

    /// The request's identity in the store: problem, method, options (excluded candidates included),
    /// exact-solver settings and the memory headroom.
    func key(cap: Double) -> RequestKey {
        RequestKey(problem: problem, method: method, options: options(cap: cap), methodSettings: exact?.canonical,
                   memoryHeadroom: memoryHeadroom > 0 ? memoryHeadroom : nil)
    }

    /// The margin to keep under the caps, when the request asks for one.
    var headroom: MemoryHeadroom? { memoryHeadroom > 0 ? try? MemoryHeadroom(percent: memoryHeadroom) : nil }

    /// The options the solver runs with (before hooks): the time limit capped and defaulted for jobs.
    func options(cap: Double) -> SolveOptions {
        SolveOptions(objective: objective, timeLimit: SolveMode.effectiveTimeLimit(method: method, requested: timeLimit, cap: cap), seed: seed,
                     excludedCandidates: excludedCandidates)
    }

    private static func waitSeconds(_ seconds: Double, limits: ServerLimits) throws(APIError) -> Double {
        guard seconds >= 0, seconds <= limits.maxWait else {
            throw .invalidRequest(field: "wait", "must be a number of seconds from 0 to \(limits.maxWait.readable)",
                                  fix: "give how long to wait for a job before getting its id, e.g. 10")
        }
        return seconds
    }

    /// Decodes one member's value, naming the field when its type is wrong.
    static func value<T: Decodable>(_ type: T.Type, _ data: Data, field: String, expected: String) throws(APIError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw .invalidRequest(field: field, "has the wrong type or value; expected \(expected)", fix: "give \(expected)")
        }
    }
}
