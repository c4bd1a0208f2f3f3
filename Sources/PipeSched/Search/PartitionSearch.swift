/// Chooses the layer partition (model layers per stage) together with the schedule: every candidate
/// partition becomes its own problem, is solved, and the one comparator (`ScheduleScore`) picks the
/// winner; the idea of AdaPtis's joint partition and schedule search (Guo et al., 2025) on a given
/// placement, cap and microbatch count.
///
/// 1. **Seeds**: the partitions the caller always wants compared (`uniform` and `balanced`).
/// 2. **Explore** with a fast method (e.g. `greedy`), hill-climbing from each seed, best first:
///    a move takes one layer from one stage to another (the layers between shift by one stage), the
///    moves off the busiest devices are tried first and the first improvement is kept. A move whose
///    problem's lower bound (`LowerBound`) already reaches the incumbent's value is skipped without
///    solving: no schedule of it can be better. Partitions whose problem cannot exist (a stage over
///    the memory cap) or whose solve fails are skipped.
/// 3. **Finals**: the seeds and the best explored partitions are solved again with the final
///    method (e.g. `auto`) and compared with `ScheduleScore`; seeds come first, so a partition
///    that only ties a seed never replaces it.
///
/// The winner is therefore never worse than any seed under the final method. Explore counts its
/// solves (`maxEvaluations`), so a run is reproducible whenever the methods are.
public struct PartitionSearch: Sendable {
    /// Model units (layers) to split.
    public let units: Int
    /// Pipeline stages.
    public let stages: Int
    /// What to minimize.
    public var objective: Objective
    /// Solves the explore phase may spend.
    public var maxEvaluations: Int
    /// Explored partitions, besides the seeds, that the final method solves again.
    public var finalists: Int
    /// Polled between solves; `true` ends the explore phase with what it has.
    public var shouldStop: (@Sendable () -> Bool)?

    public init(units: Int, stages: Int, objective: Objective = .stageSpan, maxEvaluations: Int = 48, finalists: Int = 2,
                shouldStop: (@Sendable () -> Bool)? = nil) {
        self.units = units
        self.stages = stages
        self.objective = objective
        self.maxEvaluations = maxEvaluations
        self.finalists = finalists
        self.shouldStop = shouldStop
    }

    /// One partition the search solved with the final method.
    public struct Candidate: Sendable {
        /// Where it came from: a seed's name, or `search`.
        public var origin: String
        /// Layers per stage.
        public var partition: [Int]
        /// Its problem.
        public var problem: Problem
        /// Its schedule under the final method, or why there is none.
        public var outcome: Result<Solution, PartitionSearchError>
        /// The final schedule's score, when it was solved.
        public var score: ScheduleScore?
    }

    /// What the search did and found.
    public struct Report: Sendable {
        /// Seeds first, then the explored finalists, each solved with the final method.
        public var candidates: [Candidate]
        /// Index of the winner in `candidates`.
        public var bestIndex: Int
        /// Solves the explore phase spent.
        public var explored: Int
        /// Moves skipped because their lower bound could not beat the incumbent.
        public var prunedByBound: Int

        /// The winning candidate.
        public var best: Candidate { candidates[bestIndex] }
    }

    /// Searches from `seeds` (name, layers per stage). `build` makes the problem of a partition,
    /// `explore` and `final` solve one (they may be the same method).
    public func run(seeds: [(name: String, partition: [Int])], build: ([Int]) throws -> Problem,
                    explore: (Problem) throws(SolveError) -> Solution,
                    final: (Problem) throws(SolveError) -> Solution) throws(PartitionSearchError) -> Report {
        for seed in seeds { try check(seed.partition, origin: seed.name) }
        var problems: [[Int]: Problem] = [:]
        var failed = Set<[Int]>()
        func problem(_ partition: [Int]) -> Problem? {
            if let known = problems[partition] { return known }
            if failed.contains(partition) { return nil }
            guard let made = try? build(partition) else { failed.insert(partition); return nil }
            problems[partition] = made
            return made
        }
        var scores: [[Int]: ScheduleScore] = [:]
        var explored = 0, pruned = 0
        func score(_ partition: [Int]) -> ScheduleScore? {
            if let known = scores[partition] { return known }
            guard !failed.contains(partition), let made = problem(partition) else { return nil }
            explored += 1
            guard let solution = try? explore(made) else { failed.insert(partition); return nil }
            let result = ScheduleScore(made, solution.evaluation, objective: objective)
            scores[partition] = result
            return result
        }
        func stop() -> Bool { explored >= maxEvaluations || (shouldStop?() ?? false) }

        let starts = seeds.compactMap { seed in score(seed.partition).map { (seed.partition, $0) } }
            .sorted { $0.1.isBetter(than: $1.1) }
        for (start, startScore) in starts where !stop() {
            var current = (start, startScore)
            var improved = true
            while improved && !stop() {
                improved = false
                guard let currentProblem = problem(current.0) else { break }
                for next in moves(from: current.0, problem: currentProblem) where !failed.contains(next) {
                    if let known = scores[next] {
                        if known.isBetter(than: current.1) { current = (next, known); improved = true; break }
                        continue
                    }
                    if stop() { break }
                    guard let nextProblem = problem(next) else { continue }
                    if LowerBound.value(nextProblem, objective: objective) >= current.1.value * (1 - 1e-9) {
                        pruned += 1
                        continue
                    }
                    guard let nextScore = score(next) else { continue }
                    if nextScore.isBetter(than: current.1) {
                        current = (next, nextScore)
                        improved = true
                        break
                    }
                }
            }
        }

        let seedPartitions = Set(seeds.map(\.partition))
        let ranked = scores.filter { !seedPartitions.contains($0.key) }.sorted { lhs, rhs in
            lhs.value.isBetter(than: rhs.value) || (!rhs.value.isBetter(than: lhs.value) && lhs.key.lexicographicallyPrecedes(rhs.key))
        }
        var finals: [(String, [Int])] = []
        for seed in seeds where !finals.contains(where: { $0.1 == seed.partition }) { finals.append((seed.name, seed.partition)) }
        for (partition, _) in ranked.prefix(finalists) { finals.append(("search", partition)) }

        var candidates: [Candidate] = []
        var bestIndex: Int?
        var bestFinal: ScheduleScore?
        for (origin, partition) in finals {
            guard let made = problem(partition) else {
                if seedPartitions.contains(partition) {
                    throw PartitionSearchError(partition: partition, origin: origin, message: "its problem cannot be built (a stage does not fit the memory cap)")
                }
                continue
            }
            let outcome: Result<Solution, PartitionSearchError>
            do {
                outcome = .success(try final(made))
            } catch {
                outcome = .failure(PartitionSearchError(partition: partition, origin: origin, message: error.description))
            }
            let finalScore = (try? outcome.get()).map { ScheduleScore(made, $0.evaluation, objective: objective) }
            candidates.append(Candidate(origin: origin, partition: partition, problem: made, outcome: outcome, score: finalScore))
            guard let finalScore else { continue }
            if bestFinal == nil || finalScore.isBetter(than: bestFinal!) {
                bestFinal = finalScore
                bestIndex = candidates.count - 1
            }
        }
        guard let bestIndex else {
            let reasons = candidates.compactMap { candidate -> String? in
                if case .failure(let error) = candidate.outcome { return error.description }
                return nil
            }
            throw PartitionSearchError(partition: seeds.first?.partition ?? [], origin: "every candidate",
                                       message: "no partition could be scheduled: " + reasons.joined(separator: "; "))
        }
        return Report(candidates: candidates, bestIndex: bestIndex, explored: explored, prunedByBound: pruned)
    }

    /// Partitions one layer away from `partition`: take a layer from stage `a` (which keeps at least
    /// one) and give it to stage `b`. Moves off the stages of the busiest devices come first, onto the
    /// least busy devices' stages first; ties in stage order.
    func moves(from partition: [Int], problem: Problem) -> [[Int]] {
        let load = problem.stages.indices.map { problem.work(device: problem.stageDevice[$0]) }
        var pairs: [(Int, Int)] = []
        for a in partition.indices where partition[a] > 1 {
            for b in partition.indices where b != a { pairs.append((a, b)) }
        }
        pairs.sort { lhs, rhs in
            if load[lhs.0] != load[rhs.0] { return load[lhs.0] > load[rhs.0] }
            if load[lhs.1] != load[rhs.1] { return load[lhs.1] < load[rhs.1] }
            return lhs < rhs
        }
        return pairs.map { a, b in
            var next = partition
            next[a] -= 1
            next[b] += 1
            return next
        }
    }

    private func check(_ partition: [Int], origin: String) throws(PartitionSearchError) {
        guard partition.count == stages, partition.reduce(0, +) == units, partition.allSatisfy({ $0 >= 1 }) else {
            throw PartitionSearchError(partition: partition, origin: origin,
                                       message: "must give each of the \(stages) stages at least one of the \(units) layers")
        }
    }
}

/// Why a partition search could not run or a candidate partition could not be scheduled.
public struct PartitionSearchError: Error, Sendable, CustomStringConvertible {
    /// The partition (layers per stage) concerned.
    public var partition: [Int]
    /// Its origin (`uniform`, `balanced`, `search`).
    public var origin: String
    public var message: String

    public init(partition: [Int], origin: String, message: String) {
        self.partition = partition
        self.origin = origin
        self.message = message
    }

    public var description: String { "partition \(origin) \(partition): \(message)" }
}
