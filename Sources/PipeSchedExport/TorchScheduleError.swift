/// Why a PyTorch schedule CSV cannot be written, read or loaded, with the rule it breaks.
///
/// The rules are those of PyTorch's loader (`_validate_schedule`) and its send/recv lowering
/// (`_add_send_recv`), plus stricter checks of our own that PyTorch skips (duplicate cells, junk
/// after a cell) and the export policy (placement, slices, version).
public struct TorchScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rule a schedule breaks.
    public enum Rule: String, Sendable, Equatable {
        /// A cell is not a compute action of the chosen PyTorch version.
        case syntax
        /// The number of rows differs from the number of ranks, or a rank has no action.
        case ranks
        /// A stage sits on two ranks, on a rank other than the problem's, or in a placement torchtitan cannot build.
        case placement
        /// Within a row, an input backward or full backward before its forward, or a weight backward before its input backward.
        case order
        /// Wrong number of forwards or backwards of a stage, a repeated cell, or a stage or microbatch out of range.
        case count
        /// The per-rank orders wait on each other: PyTorch's lowering fails with "Malformed compute schedule".
        case cycle
        /// The schedule splits sequences into slices, which PyTorch has no action for.
        case slices
        /// The PyTorch version has no schedule CSV loader.
        case version
        /// The schedule recomputes activations in passes of its own (`R`), which PyTorch has no action for.
        case memoryActions
        /// The problem runs several pipelines (`Problem.pipelines`), which PyTorch's pipelining reads as one.
        case pipelines
        /// The problem's stages form a graph (`StageGraph`), which PyTorch's pipelining runs as a chain.
        case stageGraph
    }

    public var rule: Rule
    public var message: String

    public init(_ rule: Rule, _ message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { message }
}
