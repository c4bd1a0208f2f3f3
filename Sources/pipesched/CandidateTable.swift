import PipeSched

/// The `solve --all` table: one row per candidate method of `auto`.
struct CandidateTable {
    let text: String

    init(_ report: AutoSearch.Report, objective: Objective) {
        let header = ["method", objective.rawValue, "bubble", "peak memory", "seconds", ""]
        var rows: [[String]] = []
        for candidate in report.candidates {
            let seconds = String(format: "%.3f", candidate.seconds)
            switch candidate.outcome {
            case .scheduled(let value, let peak, let bubble):
                let mark = candidate.method == report.bestMethod ? "best" : ""
                rows.append([candidate.method, value.readable, String(format: "%.2f%%", bubble * 100), peak.readable, seconds, mark])
            case .doesNotFit(let reason):
                rows.append([candidate.method, "-", "-", "-", seconds, reason])
            case .overCapOrStuck:
                rows.append([candidate.method, "-", "-", "-", seconds, "over the memory cap or deadlocked"])
            }
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        text = ([header] + rows).map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
