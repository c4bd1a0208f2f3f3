import PipeSched

/// Reads a PyTorch compute-only schedule CSV (for example one dumped from PyTorch's own
/// `ScheduleInterleavedZeroBubble`, `ScheduleZBVZeroBubble` or `ScheduleDualPipeV` with
/// `_dump_csv(path, format="compute_only")`) into per-device orders our simulator can evaluate.
///
/// Rows are ranks, as for Python's `csv.reader`: lines end with `\n`, `\r\n` (what Python's
/// `csv.writer` writes) or `\r`; a blank line in the middle is a rank with no action; a final line
/// break ends the last row. Cells are trimmed; empty cells (idle steps) are dropped; every other
/// cell must be a whole compute action in the letters of `version`, and `(a;b)OVERLAP_F_B` cells
/// become their sub-actions in order.
public struct TorchCSVReader: Sendable {
    /// The PyTorch version whose letters are read.
    public var version: TorchVersion

    public init(version: TorchVersion = .tested) { self.version = version }

    /// The rows of a CSV text, without any rule check.
    public func parse(_ text: String) throws(TorchScheduleError) -> TorchSchedule {
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        if lines.last?.isEmpty == true { lines.removeLast() }
        var rows: [[TorchCell]] = []
        for (rank, line) in lines.enumerated() {
            var row: [TorchCell] = []
            for (column, raw) in line.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
                var cell = Substring(raw.trimmed(" \t"))
                if cell.count >= 2, cell.hasPrefix("\""), cell.hasSuffix("\"") { cell = cell.dropFirst().dropLast() }
                if let parsed = try TorchCell.parse(cell, version: version, where: "rank \(rank), column \(column)") {
                    row.append(parsed)
                }
            }
            rows.append(row)
        }
        return TorchSchedule(rows: rows)
    }

    /// Parses `text`, checks it with PyTorch's loader rules for `problem`'s ranks, stages and
    /// microbatches, checks that it places every stage on the problem's device, and returns the orders.
    public func schedule(_ text: String, for problem: Problem) throws(TorchScheduleError) -> Schedule {
        guard problem.sequenceSlices == 1 else {
            throw TorchScheduleError(.slices, "the problem splits microbatches into \(problem.sequenceSlices) sequence slices, but a PyTorch schedule has no slices; use a problem with sequenceSlices 1")
        }
        guard problem.pipelines == 1 else { throw TorchCSVWriter.severalPipelines(problem.pipelines) }
        guard problem.graph.isChain else { throw TorchCSVWriter.stageGraph }
        let torch = try parse(text)
        let placement = try TorchRules.check(torch, ranks: problem.devices, stages: problem.stageCount,
                                             microbatches: problem.microbatches, letters: version.letters)
        if let stage = placement.indices.first(where: { placement[$0] != problem.stageDevice[$0] }) {
            throw TorchScheduleError(.placement, "the CSV runs stage \(stage) on rank \(placement[stage]), but the problem places it on device \(problem.stageDevice[stage]); the CSV's placement is \(placement), the problem's \(problem.stageDevice)")
        }
        return torch.schedule
    }
}
