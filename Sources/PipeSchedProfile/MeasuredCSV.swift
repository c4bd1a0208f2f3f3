import Foundation
import PipeSched

/// A plain CSV of measured per-stage times (ms) and memory (GiB), one row per stage (and slice):
///
///     stage,slice,device,forward,backwardInput,backwardWeight,memoryForward,memoryBackwardInput,memoryBackwardWeight,staticMemory
///
/// Only `stage`, `forward`, `backwardInput` and `backwardWeight` are required. `slice` defaults to 0,
/// `device` to the stage, memory deltas to 0 except `memoryBackwardWeight` to −(forward + backwardInput)
/// deltas, `staticMemory` to 0. Lines starting with `#` and blank lines are skipped.
public enum MeasuredCSV {
    static let columns = ["stage", "slice", "device", "forward", "backwardInput", "backwardWeight",
                          "memoryForward", "memoryBackwardInput", "memoryBackwardWeight", "staticMemory"]

    /// Parses the CSV text, naming the line and column of any bad cell.
    public static func parse(_ text: String) throws(ProfileError) -> MeasuredProfile {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
            .map { (number: $0.offset + 1, cells: $0.element.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }) }
            .filter { !($0.cells.allSatisfy(\.isEmpty)) && !($0.cells.first?.hasPrefix("#") ?? false) }
        guard let header = lines.first else { throw ProfileError(field: "line 1", message: "the file is empty", fix: "start with a header line: \(columns.joined(separator: ","))") }
        for name in header.cells where !columns.contains(name) {
            throw ProfileError(field: "line \(header.number)", message: "unknown column \"\(name)\"", fix: "use \(columns.joined(separator: ", "))")
        }
        for name in ["stage", "forward", "backwardInput", "backwardWeight"] where !header.cells.contains(name) {
            throw ProfileError(field: "line \(header.number)", message: "the column \"\(name)\" is missing", fix: "add it to the header")
        }
        var rows: [MeasuredProfile.Row] = []
        for line in lines.dropFirst() {
            guard line.cells.count == header.cells.count else {
                throw ProfileError(field: "line \(line.number)", message: "has \(line.cells.count) cells, the header \(header.cells.count)", fix: "give one value per column")
            }
            var values: [String: Double] = [:]
            for (name, cell) in zip(header.cells, line.cells) where !cell.isEmpty {
                guard let value = Double(cell), value.isFinite else {
                    throw ProfileError(field: "line \(line.number), \(name)", message: "\"\(cell)\" is not a number", fix: "give a finite number")
                }
                values[name] = value
            }
            func integer(_ name: String, default fallback: Int?) throws(ProfileError) -> Int {
                guard let value = values[name] else {
                    if let fallback { return fallback }
                    throw ProfileError(field: "line \(line.number), \(name)", message: "is empty", fix: "give a value")
                }
                guard value >= 0, value == value.rounded(), value <= Double(MeasuredProfile.maxIndex) else {
                    throw ProfileError(field: "line \(line.number), \(name)", message: "must be an integer from 0 to \(MeasuredProfile.maxIndex)",
                                       fix: "give an index")
                }
                return Int(value)
            }
            func number(_ name: String) throws(ProfileError) -> Double {
                guard let value = values[name] else { throw ProfileError(field: "line \(line.number), \(name)", message: "is empty", fix: "give a value") }
                return value
            }
            let stage = try integer("stage", default: nil)
            let forward = values["memoryForward"] ?? 0, input = values["memoryBackwardInput"] ?? 0
            rows.append(MeasuredProfile.Row(stage: stage, slice: try integer("slice", default: 0), device: try integer("device", default: stage),
                                            forward: try number("forward"), backwardInput: try number("backwardInput"),
                                            backwardWeight: try number("backwardWeight"),
                                            memory: MemoryDeltas(forward: forward, backwardInput: input,
                                                                 backwardWeight: values["memoryBackwardWeight"] ?? -(forward + input)),
                                            staticMemory: values["staticMemory"] ?? 0))
        }
        return MeasuredProfile(rows: rows)
    }

    /// Writes a profile with every column.
    public static func render(_ profile: MeasuredProfile) -> String {
        var text = columns.joined(separator: ",") + "\n"
        for r in profile.rows {
            let cells: [String] = [String(r.stage), String(r.slice), String(r.device)]
                + [r.forward, r.backwardInput, r.backwardWeight, r.memory.forward, r.memory.backwardInput, r.memory.backwardWeight, r.staticMemory].map { "\($0)" }
            text += cells.joined(separator: ",") + "\n"
        }
        return text
    }
}
