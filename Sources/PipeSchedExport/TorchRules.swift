import PipeSched

/// The checks PyTorch applies when it loads a compute-only schedule CSV, done before we write one
/// (so PyTorch never rejects our files) and when we read one.
///
/// From `_validate_schedule` (torch 2.13/2.15): one row per rank; each stage on one rank; per stage
/// exactly one forward per microbatch, as many `I` as `W`, and `B + (I+W)/2` backwards per stage;
/// within a row an `I` or `B` after its `F` and a `W` after its `I`. From `_add_send_recv`: the rows
/// must drain under its round-robin send/recv rule, or PyTorch fails with "Malformed compute
/// schedule" (checked with the core's `RuntimeOrderCheck`). Stricter than PyTorch: every cell at
/// most once, stages and microbatches in range, no rank without actions, and each microbatch's
/// backward either one `B` or one `I` and one `W`. Overlapped cells are checked as their
/// sub-actions in order.
public enum TorchRules {
    /// Checks `schedule` for `ranks` ranks, `stages` stages and `microbatches` microbatches and
    /// returns the rank of each stage; `letters` only shape the messages.
    @discardableResult
    public static func check(_ schedule: TorchSchedule, ranks: Int, stages: Int, microbatches: Int,
                             letters: TorchLetters = .current) throws(TorchScheduleError) -> [Int] {
        guard schedule.rows.count == ranks else {
            throw TorchScheduleError(.ranks, "the schedule has \(schedule.rows.count) rows, but PyTorch expects one row per rank (\(ranks)) (\"Schedule has incorrect number of ranks\")")
        }
        var stageRank = [Int?](repeating: nil, count: stages)
        var seen = Set<TorchAction>()
        for (rank, row) in schedule.rows.enumerated() {
            guard !row.isEmpty else {
                throw TorchScheduleError(.ranks, "rank \(rank) has no actions; every rank must run at least one stage")
            }
            for (column, cell) in row.enumerated() {
                for action in cell.actions {
                    let place = "rank \(rank), position \(column)"
                    let name = action.text(letters)
                    guard action.stage < stages else {
                        throw TorchScheduleError(.count, "\(place): \(name) names stage \(action.stage), but there are \(stages) stages (0–\(stages - 1))")
                    }
                    guard action.microbatch < microbatches else {
                        throw TorchScheduleError(.count, "\(place): \(name) names microbatch \(action.microbatch), but there are \(microbatches) microbatches (0–\(microbatches - 1))")
                    }
                    if let other = stageRank[action.stage], other != rank {
                        throw TorchScheduleError(.placement, "\(place): stage \(action.stage) runs on rank \(other) and on rank \(rank); PyTorch runs each stage on exactly one rank")
                    }
                    stageRank[action.stage] = rank
                    guard seen.insert(action).inserted else {
                        throw TorchScheduleError(.count, "\(place): \(name) appears a second time; each action must run once")
                    }
                    try checkOrder(action, seen: seen, place: place, letters: letters)
                }
            }
        }
        for stage in 0..<stages {
            try checkCounts(stage: stage, of: stages, seen: seen, microbatches: microbatches, letters: letters)
        }
        let placement = stageRank.map { $0! }
        try checkLowering(schedule, placement: placement, ranks: ranks, microbatches: microbatches, letters: letters)
        return placement
    }

    /// Within a row: `I`/`B` after `F`, `W` after `I`, and no `B` beside an `I`/`W` of the same microbatch.
    private static func checkOrder(_ action: TorchAction, seen: Set<TorchAction>, place: String,
                                   letters: TorchLetters) throws(TorchScheduleError) {
        func has(_ kind: TorchActionKind) -> Bool { seen.contains(TorchAction(kind, stage: action.stage, microbatch: action.microbatch)) }
        func named(_ kind: TorchActionKind) -> String { TorchAction(kind, stage: action.stage, microbatch: action.microbatch).text(letters) }
        let name = action.text(letters)
        switch action.kind {
        case .forward:
            return
        case .backwardInput, .fullBackward:
            guard has(.forward) else {
                throw TorchScheduleError(.order, "\(place): \(name) runs before its forward \(named(.forward)) (PyTorch: \"without first running Forward\")")
            }
        case .backwardWeight:
            guard has(.backwardInput) else {
                throw TorchScheduleError(.order, "\(place): \(name) runs before its input backward \(named(.backwardInput)) (PyTorch: \"Running Backward Weight ... without first running Backward Input\")")
            }
        }
        if has(.fullBackward) && (has(.backwardInput) || has(.backwardWeight)) {
            throw TorchScheduleError(.count, "\(place): stage \(action.stage), microbatch \(action.microbatch) has both a full backward \(named(.fullBackward)) and a split \(named(.backwardInput))/\(named(.backwardWeight)); use one or the other")
        }
    }

    /// Per stage: one forward per microbatch, as many `I` as `W`, and every microbatch's backward.
    private static func checkCounts(stage: Int, of stages: Int, seen: Set<TorchAction>, microbatches m: Int,
                                    letters: TorchLetters) throws(TorchScheduleError) {
        func count(_ kind: TorchActionKind) -> Int { (0..<m).filter { seen.contains(TorchAction(kind, stage: stage, microbatch: $0)) }.count }
        let forwards = count(.forward), inputs = count(.backwardInput), weights = count(.backwardWeight), full = count(.fullBackward)
        if forwards == 0 && inputs + weights + full == 0 {
            throw TorchScheduleError(.count, "stage \(stage) appears in no row; PyTorch needs every stage 0–\(stages - 1) on some rank")
        }
        guard forwards == m else {
            let missing = (0..<m).filter { !seen.contains(TorchAction(.forward, stage: stage, microbatch: $0)) }
            throw TorchScheduleError(.count, "stage \(stage) has \(forwards) forwards (\(letters.forward)), expected \(m), one per microbatch; missing microbatches \(list(missing))")
        }
        guard inputs == weights else {
            throw TorchScheduleError(.count, "stage \(stage) has \(inputs) input backwards (\(letters.backwardInput)) but \(weights) weight backwards (\(letters.backwardWeight)); PyTorch needs equal counts")
        }
        guard full + inputs == m else {
            let missing = (0..<m).filter {
                !seen.contains(TorchAction(.fullBackward, stage: stage, microbatch: $0)) && !seen.contains(TorchAction(.backwardInput, stage: stage, microbatch: $0))
            }
            throw TorchScheduleError(.count, "stage \(stage) has \(full) full backwards (\(letters.fullBackward)) and \(inputs) input/weight pairs, expected \(m) backwards in all; microbatches \(list(missing)) have none")
        }
    }

    /// PyTorch's `_add_send_recv` round robin, run by the core's `RuntimeOrderCheck` on a unit-cost
    /// problem with the file's placement.
    private static func checkLowering(_ schedule: TorchSchedule, placement: [Int], ranks: Int, microbatches: Int,
                                      letters: TorchLetters) throws(TorchScheduleError) {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1)
        let problem: Problem
        do {
            problem = try Problem(name: "torch-csv", microbatches: microbatches, devices: ranks, placement: .explicit(placement),
                                  stages: Array(repeating: stage, count: placement.count))
        } catch {
            throw TorchScheduleError(.placement, "the schedule's placement cannot be checked: \(error)")
        }
        guard let stuck = RuntimeOrderCheck.stuckPasses(problem, schedule.schedule) else { return }
        let heads = stuck.map { op in "rank \(placement[op.stage]) at \(TorchAction(op)?.text(letters) ?? op.description)" }
        throw TorchScheduleError(.cycle, "the ranks wait on each other in a cycle, so PyTorch's send/recv lowering fails (\"Malformed compute schedule, can't schedule sends/recvs\"); stuck: \(heads.joined(separator: ", "))")
    }

    private static func list(_ values: [Int]) -> String {
        values.count <= 8 ? values.map(String.init).joined(separator: ", ")
            : values.prefix(8).map(String.init).joined(separator: ", ") + ", ... (\(values.count) in all)"
    }
}
