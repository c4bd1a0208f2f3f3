import ArgumentParser
import PipeSched

/// The size limits every command applies to its inputs before reading them (docs/cli.md): a larger
/// problem or file is refused with exit 2 and the option that raises the limit.
struct LimitOptions: ParsableArguments {
    @Option(help: "Largest problem in passes (stages × microbatches × sequence slices × 3) any input may have.")
    var maxPasses = ProblemLimits.standard.maxPasses

    @Option(help: "Largest number of stages (and devices) any input may have.")
    var maxStages = ProblemLimits.standard.maxStages

    @Option(help: "Largest input file in bytes.")
    var maxInputBytes = Input.defaultMaxBytes

    var problemLimits: ProblemLimits {
        ProblemLimits(maxPasses: maxPasses, maxStages: maxStages)
    }

    func validate() throws {
        if let problem = problemLimits.problem { throw ValidationError(problem) }
        if maxInputBytes < 1024 { throw ValidationError("--max-input-bytes must be at least 1024") }
    }
}
