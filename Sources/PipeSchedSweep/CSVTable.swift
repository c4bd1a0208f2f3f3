import Foundation

/// `results.csv`: one line per row, RFC 4180 quoting, numbers in full precision.
enum CSVTable {
    static let header = ["point", "label", "devices", "microbatches", "memoryCap", "memoryCapValue", "memoryHeadroom", "sequenceSlices", "placement",
                         "method", "status", "objective", "value", "makespan", "stageSpan", "bubbleRate", "peakMemory", "lowerBound",
                         "gap", "torchClass", "torchValue", "torchMakespan", "solveSeconds", "cached", "resultId", "message"]

    static func render(_ rows: [SweepRow]) -> String {
        var lines = [header.joined(separator: ",")]
        for row in rows {
            let fields: [String] = [
                String(row.point), row.label, String(row.devices), String(row.microbatches), row.memoryCap, number(row.memoryCapValue),
                number(row.memoryHeadroom), String(row.sequenceSlices), row.placement, row.method, row.status.rawValue, row.objective, number(row.value),
                number(row.makespan), number(row.stageSpan), number(row.bubbleRate), number(row.peakMemory), number(row.lowerBound),
                number(row.gap), row.torchClass ?? "", number(row.torchValue), number(row.torchMakespan), number(row.solveSeconds), String(row.cached), row.resultID ?? "", row.message ?? "",
            ]
            lines.append(fields.map(quote).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
