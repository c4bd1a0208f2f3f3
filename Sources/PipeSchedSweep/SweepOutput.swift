import Foundation

/// Writes a sweep's files into a folder: results.csv, results.json, bubble-rate.svg, pareto.svg.
public enum SweepOutput {
    /// The file names written.
    public static let files = ["results.csv", "results.json", "bubble-rate.svg", "pareto.svg"]

    public static func write(_ results: SweepResults, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let objective = results.rows.first?.objective ?? "stageSpan"
        let contents: [(String, Data)] = [
            ("results.csv", Data(CSVTable.render(results.rows).utf8)),
            ("results.json", try results.json()),
            ("bubble-rate.svg", Data(SweepPlots.bubbleRate(results.rows, methods: results.methods).utf8)),
            ("pareto.svg", Data(SweepPlots.pareto(results.rows, methods: results.methods, objective: objective).utf8)),
        ]
        for (name, data) in contents { try data.write(to: folder.appendingPathComponent(name), options: .atomic) }
    }
}
