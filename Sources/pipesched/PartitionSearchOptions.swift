import ArgumentParser
import PipeSched
import PipeSchedProfile

/// The options of `profile --partition search`.
struct PartitionSearchOptions: ParsableArguments {
    @Option(help: "--partition search: the method that solves uniform, balanced and the finalists; its schedule decides (`pipesched methods`).")
    var method: String = "auto"

    @Option(help: "--partition search: the fast method that scores the explored partitions.")
    var exploreMethod: String = "greedy"

    @Option(help: "--partition search: how many partitions the explore phase may solve.")
    var exploreEvaluations: Int = 48

    @Option(help: "--partition search: explored partitions (besides uniform and balanced) solved again with --method.")
    var finalists: Int = 2

    @Option(help: "--partition search: what to minimize, stageSpan (default) or makespan.")
    var objective: Objective = .stageSpan

    @Option(help: "--partition search: seconds for each solve of a searching method (auto: 10).")
    var timeLimit: Double?

    @Option(help: "--partition search: seed of the local search's move order.")
    var seed: UInt64 = 1

    @Option(help: "--partition search: also write the best partition's schedule JSON here.")
    var scheduleOutput: String?

    func validate(searching: Bool, fromModel: Bool) throws {
        let given = [scheduleOutput != nil, timeLimit != nil, method != "auto", exploreMethod != "greedy", exploreEvaluations != 48, finalists != 2]
        guard searching else {
            if given.contains(true) { throw ValidationError("--method, --explore-method, --explore-evaluations, --finalists, --time-limit and --schedule-output go with --partition search") }
            return
        }
        guard fromModel else { throw ValidationError("--partition search needs --model and --hardware: measured profiles fix the stages") }
        let names = MethodRegistry.withExactMethods().methods.map(\.name)
        for (flag, name) in [("--method", method), ("--explore-method", exploreMethod)] where !names.contains(name) {
            throw ValidationError("\(flag) \(name) is not a method; `pipesched methods` lists them: \(names.joined(separator: ", "))")
        }
        if exploreEvaluations < 0 { throw ValidationError("--explore-evaluations must be 0 or more") }
        if finalists < 0 { throw ValidationError("--finalists must be 0 or more") }
        if let timeLimit, !(timeLimit > 0) { throw ValidationError("--time-limit must be a positive number of seconds") }
    }

    /// The search these options describe.
    func search(registry: MethodRegistry) -> ScheduleAwarePartition {
        ScheduleAwarePartition(registry: registry, exploreMethod: exploreMethod, finalMethod: method,
                               options: SolveOptions(objective: objective, timeLimit: timeLimit, seed: seed),
                               maxEvaluations: exploreEvaluations, finalists: finalists)
    }
}
