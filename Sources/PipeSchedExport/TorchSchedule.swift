import PipeSched

/// A compute-only PyTorch pipeline schedule: one row of cells per rank, each row in execution order.
///
/// This is what `_PipelineScheduleRuntime._load_csv(path, format="compute_only")` reads: row `r` is
/// rank `r`, each cell names a global stage, and PyTorch infers the stage-to-rank placement from the
/// rows. Empty cells (idle steps) carry no meaning for that runtime and are not kept.
public struct TorchSchedule: Sendable, Equatable {
    /// One list of cells per rank.
    public var rows: [[TorchCell]]

    public init(rows: [[TorchCell]]) { self.rows = rows }

    /// Our per-device orders as PyTorch rows (device `d` is rank `d`). Slices and recomputation
    /// passes must already be refused (`TorchCSVWriter`); an `R` has no cell.
    public init(_ schedule: Schedule) {
        rows = schedule.orders.map { $0.compactMap { TorchAction($0).map { .action($0) } } }
    }

    /// Our per-device orders; an overlapped cell becomes its sub-actions in order.
    public var schedule: Schedule {
        Schedule(orders: rows.map { $0.flatMap { $0.actions.map(\.op) } })
    }

    /// The CSV text with a version's letters: one line per rank, cells separated by commas.
    public func csv(_ letters: TorchLetters) -> String {
        rows.map { $0.map { $0.text(letters) }.joined(separator: ",") + "\n" }.joined()
    }
}
