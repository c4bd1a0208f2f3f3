import PipeSched

/// `profile --partition search`: the layer partition chosen together with the schedule for the
/// builder's placement, cap and microbatch count. The uniform and balanced partitions are always
/// candidates (`PartitionSearch`'s seeds), so the result is never worse than either under the final
/// method.
public struct ScheduleAwarePartition: Sendable {
    /// The methods by name (the CLI passes the one with the exact methods).
    public var registry: MethodRegistry
    /// The fast method that scores the explored partitions.
    public var exploreMethod: String
    /// The method that solves the seeds and finalists; its schedule is the result.
    public var finalMethod: String
    /// Objective, time limit (per final solve) and seed of every solve.
    public var options: SolveOptions
    /// Solves the explore phase may spend.
    public var maxEvaluations: Int
    /// Explored partitions, besides uniform and balanced, the final method solves again.
    public var finalists: Int

    public init(registry: MethodRegistry = Methods.standard, exploreMethod: String = "greedy", finalMethod: String = "auto",
                options: SolveOptions = SolveOptions(), maxEvaluations: Int = 48, finalists: Int = 2) {
        self.registry = registry
        self.exploreMethod = exploreMethod
        self.finalMethod = finalMethod
        self.options = options
        self.maxEvaluations = maxEvaluations
        self.finalists = finalists
    }

    /// Searches the partition of `builder`'s model and returns every finalist, the winner marked.
    public func run(_ builder: ProblemBuilder) throws(PartitionSearchError) -> PartitionSearch.Report {
        let seeds: [(name: String, partition: [Int])]
        do {
            seeds = try PartitionStrategy.allCases.map { strategy throws(ProfileError) in (strategy.rawValue, try builder.partition(strategy)) }
        } catch {
            throw PartitionSearchError(partition: [], origin: "seeds", message: error.description)
        }
        var quiet = options
        quiet.onIncumbent = nil
        let search = PartitionSearch(units: builder.unitCount, stages: builder.options.copyStages, objective: options.objective,
                                     maxEvaluations: maxEvaluations, finalists: finalists, shouldStop: options.shouldStop)
        let registry = registry, exploreMethod = exploreMethod, finalMethod = finalMethod
        return try search.run(seeds: seeds, build: { partition in try builder.build(partition: partition) },
                              explore: { problem throws(SolveError) in try registry.solve(problem, method: exploreMethod, options: quiet) },
                              final: { problem throws(SolveError) in try registry.solve(problem, method: finalMethod, options: quiet) })
    }
}
