import Testing
@testable import PipeSched

/// Per-rank orders in the notation `scripts/peer_orders.py` writes from PyTorch's own schedule code:
/// `<stage><letter><microbatch>`, with `I` PyTorch's backward-input (our `B`) and `B` its full
/// backward (our fused `BW`); what the suites comparing families with PyTorch's classes share.
enum PyTorchOrders {
    static func action(_ op: Op) -> String {
        let letter = switch op.kind {
        case .forward: "F"
        case .backwardInput: "I"
        case .backwardWeight: "W"
        case .backward: "B"
        case .recompute, .offload, .reload: op.kind.rawValue
        }
        return "\(op.stage)\(letter)\(op.microbatch)"
    }

    /// Expects `schedule` to run PyTorch's `ranks` and to be valid on `problem`.
    static func expect(_ schedule: Schedule, are ranks: [String], on problem: Problem, _ label: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        for (rank, order) in schedule.orders.enumerated() {
            #expect(order.map(action).joined(separator: ",") == ranks[rank], "rank \(rank) of \(label)", sourceLocation: sourceLocation)
        }
        #expect(Validator.validate(problem, schedule).isEmpty, "\(label)", sourceLocation: sourceLocation)
    }
}
