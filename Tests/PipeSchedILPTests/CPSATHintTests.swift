import Foundation
import PipeSched
import PipeSchedCPSAT
import Testing

/// CP-SAT's solution hint on models with optional passes. On this problem (Llama 3 8B at 32k tokens
/// with full recomputation, so every backward allocates and a fused `BW` is an option: `pipesched
/// profile --model Models/models/llama3-8b-32k.json --hardware Models/hardware/h100-80gb.json
/// --devices 8 --microbatches 16 --recompute full`), a hint of the heuristic's starts made OR-Tools
/// 9.15 abort the whole process ("Infeasible solution! source: 'main [hint]'"), with 1, 2 or 3
/// workers; without the hint the same model solves. A crash here ends the test run.
@Suite struct CPSATHintTests {
    static let problemJSON = #"""
    {"communication": {"contention": false, "latency": 0.01, "transfer": 5.36870912}, "devices": 8, "memoryLimit": 80, "microbatches": 16,
     "name": "llama3-8b-32k-p8-m16", "partition": [4, 4, 4, 4, 4, 4, 5, 3], "placement": "sequential", "units": {"memory": "GiB", "time": "ms"},
     "stages": [
      {"backwardInput": 555.8703881577351, "backwardWeight": 144.5263009210111, "forward": 233.46556302624873, "memory": {"backwardInput": 16.125, "backwardWeight": -17.25, "forward": 1.125}, "staticMemory": 20.828125},
      {"backwardInput": 555.8703881577351, "backwardWeight": 144.5263009210111, "forward": 233.46556302624873, "memory": {"backwardInput": 16, "backwardWeight": -17, "forward": 1}, "staticMemory": 13},
      {"backwardInput": 555.8703881577351, "backwardWeight": 144.5263009210111, "forward": 233.46556302624873, "memory": {"backwardInput": 16, "backwardWeight": -17, "forward": 1}, "staticMemory": 13},
      {"backwardInput": 555.8703881577351, "backwardWeight": 144.5263009210111, "forward": 233.46556302624873, "memory": {"backwardInput": 16, "backwardWeight": -17, "forward": 1}, "staticMemory": 13},
      {"backwardInput": 555.8703881577351, "backwardWeight": 144.5263009210111, "forward": 233.46556302624873, "memory": {"backwardInput": 16, "backwardWeight": -17, "forward": 1}, "staticMemory": 13},
      {"backwardInput": 555.8703881577351, "backwardWeight": 144.5263009210111, "forward": 233.46556302624873, "memory": {"backwardInput": 16, "backwardWeight": -17, "forward": 1}, "staticMemory": 13},
      {"backwardInput": 694.8379851971689, "backwardWeight": 180.6578761512639, "forward": 291.8319537828109, "memory": {"backwardInput": 20, "backwardWeight": -21.25, "forward": 1.25}, "staticMemory": 16.25},
      {"backwardInput": 503.9312487642467, "backwardWeight": 195.42318333670374, "forward": 262.1276299156319, "memory": {"backwardInput": 3.921875, "backwardWeight": -20.828125, "forward": 16.90625}, "staticMemory": 17.578125}]}
    """#

    @Test func aModelWithFusedOptionsSolvesWithoutAborting() throws {
        let problem = try Problem.decode(json: Data(Self.problemJSON.utf8))
        #expect(problem.fusedBackwardCanLowerPeak)
        let registry = MethodRegistry.withExactMethods(cpsat: CPSATSettings(workers: 1))
        let solution = try registry.solve(problem, method: "cpsat", options: SolveOptions(timeLimit: 3))
        #expect(solution.evaluation.isValid)
        #expect(solution.evaluation.metrics.stageSpan >= solution.evaluation.metrics.lowerBound - 1e-9)
    }
}
