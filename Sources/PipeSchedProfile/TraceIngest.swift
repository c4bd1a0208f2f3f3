import Foundation
import PipeSched

/// Reads PyTorch profiler Chrome traces of a pipelined run (one file per rank) and takes the median
/// time and memory change of each pass per stage (and slice). The names it recognises are in
/// docs/cost-model.md ("Measured profiles"):
///
/// - `PP:{stage}{F|I|W|B}{microbatch}`, the `record_function` labels of PyTorch's pipelining runtime
///   (`_PipelineScheduleRuntime`; `I` = input gradient, `B` = full backward), with or without the
///   `PP:` prefix and optionally `@{slice}` for sequence slices (`PP:2F5@1`);
/// - `Forward {microbatch}` and `Backward {microbatch}`, the labels of the single-stage schedules
///   (`ScheduleGPipe`, `Schedule1F1B`); the stage is the rank.
///
/// A file without `distributedInfo` whose labelled spans sit in several processes (`pid`) holds
/// several ranks, one per process in `pid` order: PipeSched's own Chrome traces (`export --to
/// chrome-trace`) are read that way. Spans in the `gpu_user_annotation` category (GPU time) are used
/// when a file has them, else the CPU-side spans. With `profile_memory=True` the `[memory]` events give each pass's memory delta.
public enum TraceIngest {
    /// One labelled pass found in a trace.
    struct Span {
        /// The process the span was recorded in (distinguishes ranks in a multi-rank file).
        var process: String
        var stage: Int
        var slice: Int
        var kind: Character
        var microbatch: Int
        var start: Double
        var end: Double
    }

    /// The medians of every pass of every stage across all files (`names` label the files in errors).
    public static func profile(traces: [Data], names: [String]) throws(ProfileError) -> MeasuredProfile {
        var durations: [Key: [Double]] = [:]
        var memory: [Key: [Double]] = [:]
        var device: [Int: Int] = [:]
        var staticByRank: [Int: Double] = [:]
        var microbatches: [Int: Set<Int>] = [:]
        for (index, data) in traces.enumerated() {
            let name = index < names.count ? names[index] : "trace \(index)"
            let file = try parse(data, name: name)
            let rank = file.rank ?? index
            guard (0...MeasuredProfile.maxIndex).contains(rank) else {
                throw ProfileError(field: "\(name): distributedInfo.rank", message: "is \(rank); a rank is from 0 to \(MeasuredProfile.maxIndex)",
                                   fix: "give the trace of a real rank")
            }
            let allocations = file.memory.sorted { $0.time < $1.time }
            let fileSpans = file.spans(rank: file.rank ?? index)
            let processes = Set(fileSpans.map(\.process)).sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }
            let ranksOfFile = file.rank == nil && processes.count > 1
            for span in fileSpans {
                let rank = ranksOfFile ? index + processes.firstIndex(of: span.process)! : file.rank ?? index
                if let other = device[span.stage], other != rank {
                    throw ProfileError(field: name, message: "stage \(span.stage) also appears on rank \(other)", fix: "give one file per rank")
                }
                device[span.stage] = rank
                microbatches[span.stage, default: []].insert(span.microbatch)
                let key = Key(stage: span.stage, slice: span.slice, kind: span.kind)
                durations[key, default: []].append((span.end - span.start) / 1000)
                if let before = allocated(allocations, at: span.start), let after = allocated(allocations, at: span.end) {
                    memory[key, default: []].append((after - before) / 1_073_741_824)
                }
            }
            if let low = allocations.map(\.total).min() { staticByRank[file.rank ?? index] = low / 1_073_741_824 }
        }
        guard !device.isEmpty else {
            throw ProfileError(field: names.joined(separator: ", "), message: "no pass labelled like PP:0F1 or Forward 0 was found",
                               fix: "profile the pipelined step with torch.profiler; see docs/cost-model.md for the labels")
        }
        var rows: [MeasuredProfile.Row] = []
        let stagesPerRank = Dictionary(grouping: device.keys, by: { device[$0]! }).mapValues(\.count)
        let slices = (durations.keys.map(\.slice).max() ?? 0) + 1
        for stage in device.keys.sorted() {
            for slice in 0..<slices {
                func median(_ kind: Character, _ table: [Key: [Double]]) -> Double? { table[Key(stage: stage, slice: slice, kind: kind)].map(Self.median) }
                guard let forward = median("F", durations) else {
                    throw ProfileError(field: "stage \(stage)", message: "has no forward spans\(slices > 1 ? " for slice \(slice)" : "")", fix: "profile whole steps")
                }
                let split = median("I", durations) != nil
                let oldNames = !split && median("W", durations) != nil
                let input: Double, weight: Double, memoryInput: Double
                if split || oldNames {
                    let b: Character = split ? "I" : "B"
                    input = median(b, durations) ?? 0
                    weight = median("W", durations) ?? 0
                    memoryInput = median(b, memory) ?? 0
                } else if let full = median("B", durations) {
                    input = full / 2
                    weight = full / 2
                    memoryInput = median("B", memory) ?? 0
                } else {
                    throw ProfileError(field: "stage \(stage)", message: "has no backward spans (I, W or B)", fix: "profile whole steps")
                }
                let memoryForward = max(0, median("F", memory) ?? 0)
                rows.append(MeasuredProfile.Row(stage: stage, slice: slice, device: device[stage]!, forward: forward,
                                                backwardInput: input, backwardWeight: weight,
                                                memory: MemoryDeltas(forward: memoryForward, backwardInput: memoryInput,
                                                                     backwardWeight: -(memoryForward + memoryInput)),
                                                staticMemory: (staticByRank[device[stage]!] ?? 0) / Double(stagesPerRank[device[stage]!]!)))
            }
        }
        return MeasuredProfile(rows: rows, observedMicrobatches: microbatches.values.map(\.count).max())
    }

    struct Key: Hashable {
        var stage: Int
        var slice: Int
        var kind: Character
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Memory allocated at time `time`: the last `[memory]` event at or before it.
    static func allocated(_ events: [(time: Double, total: Double)], at time: Double) -> Double? {
        var low = 0, high = events.count
        while low < high {
            let mid = (low + high) / 2
            if events[mid].time <= time { low = mid + 1 } else { high = mid }
        }
        return low > 0 ? events[low - 1].total : nil
    }

    /// The labelled spans and memory events of one file.
    struct TraceFile {
        var rank: Int?
        var events: [(name: String, category: String, start: Double, end: Double, process: String)]
        var memory: [(time: Double, total: Double)]

        func spans(rank: Int) -> [Span] {
            let labelled = events.compactMap { event in TraceIngest.label(event.name, rank: rank).map { (event, $0) } }
            let gpu = labelled.contains { $0.0.category == "gpu_user_annotation" }
            return labelled.filter { !gpu || $0.0.category == "gpu_user_annotation" }.map { event, label in
                Span(process: event.process, stage: label.stage, slice: label.slice, kind: label.kind, microbatch: label.microbatch,
                     start: event.start, end: event.end)
            }
        }
    }

    /// Stage, pass kind, microbatch and slice of a span name, or `nil` for anything else.
    static func label(_ name: String, rank: Int) -> (stage: Int, kind: Character, microbatch: Int, slice: Int)? {
        var text = Substring(name.trimmingCharacters(in: .whitespaces))
        for prefix in ["Forward ", "Backward "] where text.hasPrefix(prefix) {
            guard let microbatch = Int(text.dropFirst(prefix.count)), (0...MeasuredProfile.maxIndex).contains(microbatch) else { return nil }
            return (rank, prefix == "Forward " ? "F" : "B", microbatch, 0)
        }
        if let colon = text.firstIndex(of: ":"), text[..<colon].allSatisfy(\.isLetter) { text = text[text.index(after: colon)...] }
        var slice = 0
        if let at = text.firstIndex(of: "@") {
            guard let value = Int(text[text.index(after: at)...]) else { return nil }
            slice = value
            text = text[..<at]
        }
        guard let kindIndex = text.firstIndex(where: { "FIWB".contains($0) }), let stage = Int(text[..<kindIndex]) else { return nil }
        var rest = text[text.index(after: kindIndex)...]
        if text[kindIndex] == "B", rest.hasPrefix("W") { rest = rest.dropFirst() }  // older torch: BW = full backward
        guard let microbatch = Int(rest) else { return nil }
        let range = 0...MeasuredProfile.maxIndex
        guard range.contains(stage), range.contains(microbatch), range.contains(slice) else { return nil }
        return (stage, text[kindIndex], microbatch, slice)
    }

    static func parse(_ data: Data, name: String) throws(ProfileError) -> TraceFile {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw ProfileError(field: name, message: "is not JSON (\(error.localizedDescription))", fix: "give a Chrome trace from torch.profiler's export_chrome_trace")
        }
        let object = root as? [String: Any]
        guard let events = (object?["traceEvents"] ?? root) as? [[String: Any]] else {
            throw ProfileError(field: name, message: "has no traceEvents array", fix: "give a Chrome trace from torch.profiler's export_chrome_trace")
        }
        let rank = (object?["distributedInfo"] as? [String: Any])?["rank"] as? Int
        var file = TraceFile(rank: rank, events: [], memory: [])
        var open: [String: [(name: String, category: String, start: Double, process: String)]] = [:]
        var memory: [(time: Double, total: Double, device: Int)] = []
        for event in events {
            let phase = event["ph"] as? String ?? ""
            let time = (event["ts"] as? NSNumber)?.doubleValue ?? Double(event["ts"] as? String ?? "") ?? 0
            let eventName = event["name"] as? String ?? ""
            let category = event["cat"] as? String ?? ""
            let process = "\(event["pid"] ?? "")"
            switch phase {
            case "X":
                let duration = (event["dur"] as? NSNumber)?.doubleValue ?? 0
                file.events.append((eventName, category, time, time + duration, process))
            case "B":
                open["\(process)/\(event["tid"] ?? "")", default: []].append((eventName, category, time, process))
            case "E":
                let thread = "\(process)/\(event["tid"] ?? "")"
                if let begin = open[thread]?.popLast() { file.events.append((begin.name, begin.category, begin.start, time, begin.process)) }
            case "i", "I":
                guard eventName == "[memory]", let args = event["args"] as? [String: Any],
                      let total = (args["Total Allocated"] as? NSNumber)?.doubleValue else { continue }
                memory.append((time, total, (args["Device Id"] as? NSNumber)?.intValue ?? -1))
            default:
                continue
            }
        }
        // GPU allocations (device id ≥ 0) when the trace has them, else the host's.
        let gpu = memory.contains { $0.device >= 0 }
        file.memory = memory.filter { !gpu || $0.device >= 0 }.map { ($0.time, $0.total) }
        return file
    }
}
