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

    /// Our per-device orders as PyTorch rows (device `d` is rank `d`), each overlapped F&B pair one
    /// `(F;B)OVERLAP_F_B` cell. Slices and recomputation passes must already be refused
    /// (`TorchCSVWriter`); an `R` has no cell.
    public init(_ schedule: Schedule) {
        rows = schedule.orders.enumerated().map { device, order in
            var row: [TorchCell] = []
            var k = 0
            while k < order.count {
                if schedule.overlapsNext(device: device, position: k), k + 1 < order.count,
                   let first = TorchAction(order[k]), let second = TorchAction(order[k + 1]) {
                    row.append(.overlapped([first, second]))
                    k += 2
                    continue
                }
                if let action = TorchAction(order[k]) { row.append(.action(action)) }
                k += 1
            }
            return row
        }
    }

    /// Our per-device orders. An overlapped cell of a forward and a backward (`B` or `BW`) of another
    /// stage is an overlapped pair (`OverlappedPass.swift`); any other overlapped cell becomes its
    /// sub-actions in order, as PyTorch runs it.
    public var schedule: Schedule {
        var overlaps: [Set<Int>] = []
        let orders = rows.map { row in
            var order: [Op] = []
            var pairs = Set<Int>()
            for cell in row {
                let ops = cell.actions.map(\.op)
                if case .overlapped = cell, ops.count == 2, Problem.canOverlap(ops[0], ops[1]) { pairs.insert(order.count) }
                order += ops
            }
            overlaps.append(pairs)
            return order
        }
        return Schedule(orders: orders, overlaps: overlaps)
    }

    /// The CSV text with a version's letters: one line per rank, cells separated by commas.
    public func csv(_ letters: TorchLetters) -> String {
        rows.map { $0.map { $0.text(letters) }.joined(separator: ",") + "\n" }.joined()
    }
}
