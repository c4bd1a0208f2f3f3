import PipeSched

/// The `solve --all` table: one row per candidate method of `auto`, with each schedule's makespan
/// beside its value where the objective is stageSpan.
struct CandidateTable {
    let text: String

    init(_ report: AutoSearch.Report, objective: Objective) {
        let makespan = objective != .makespan
        let header = ["method", objective.rawValue] + (makespan ? ["makespan"] : []) + ["bubble", "peak memory", "seconds", ""]
        let blank = makespan ? ["-", "-", "-", "-"] : ["-", "-", "-"]
        var rows: [[String]] = []
        for candidate in report.candidates {
            let seconds = String(format: "%.3f", candidate.seconds)
            switch candidate.outcome {
            case .scheduled(let value, let peak, let bubble, let span):
                let mark = candidate.method == report.bestMethod ? "best" : ""
                rows.append([candidate.method, value.readable] + (makespan ? [span.readable] : [])
                             + [String(format: "%.2f%%", bubble * 100), peak.readable, seconds, mark])
            case .doesNotFit(let reason):
                rows.append([candidate.method] + blank + [seconds, reason])
            case .overCapOrStuck:
                rows.append([candidate.method] + blank + [seconds, "over the memory cap or deadlocked"])
            }
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        text = ([header] + rows).map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
