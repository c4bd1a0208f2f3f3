import PipeSched

/// The time unit of a problem's costs, which fixes how they map to a trace's microseconds.
public enum TraceTimeUnit: String, Sendable, CaseIterable {
    case ns, us, ms, s

    /// Microseconds in one unit.
    public var microseconds: Double {
        switch self {
        case .ns: 0.001
        case .us: 1
        case .ms: 1000
        case .s: 1_000_000
        }
    }
}

/// A schedule as a Chrome / Perfetto trace (Trace Event Format JSON, for `chrome://tracing` and
/// ui.perfetto.dev).
///
/// Each device is a process named "device d" with one thread track "compute" (and one per copy
/// stream when the schedule offloads activations: `PP:{stage}O{microbatch}` and `L`); each pass is one
/// complete ("X") event with its real start and duration, named as PyTorch's pipelining runtime
/// names its `record_function` spans: `PP:{stage}{letter}{microbatch}` with PyTorch's letters (F, I
/// for our B, W, B for our BW; `@{slice}` for a sequence slice), so PipeSched's traces sit beside
/// PyTorch's and `pipesched profile --from-trace` reads them. Chrome gets a fixed `cname` per kind,
/// and `args` carry our kind, stage, microbatch and slice. With the problem, each device also gets a "memory" counter track (static memory
/// plus the running sum of deltas, stepping when each pass starts) and its cap as a process label,
/// and every transfer between devices is a flow event (an arrow, `ChromeTraceTransfers`).
public struct ChromeTrace: Sendable {
    /// The unit of the schedule's times.
    public var timeUnit: TraceTimeUnit

    public init(timeUnit: TraceTimeUnit = .ms) { self.timeUnit = timeUnit }

    /// Chrome's reserved colour name for a pass kind.
    public static func colorName(_ kind: OpKind) -> String {
        switch kind {
        case .forward: "rail_response"
        case .backwardInput: "rail_idle"
        case .backwardWeight: "rail_load"
        case .backward: "detailed_memory_dump"
        case .recompute: "thread_state_runnable"
        case .offload: "olive"
        case .reload: "yellow"
        }
    }

    /// The trace JSON of `document`; memory counters need `problem`.
    public func render(_ document: ScheduleDocument, problem: Problem? = nil) -> String {
        let scale = timeUnit.microseconds
        var events: [String] = []
        let origin = document.timeline.compactMap { $0.first?.start }.min() ?? 0
        for (device, row) in document.timeline.enumerated() {
            let pid = device + 1
            var label = "device \(device)"
            if let problem, problem.memoryLimit != nil { label += ", memory cap \(problem.cap(device: device).readable)" }
            events.append(#"{"name":"process_name","ph":"M","pid":\#(pid),"args":{"name":\#(Self.string("device \(device)"))}}"#)
            events.append(#"{"name":"process_sort_index","ph":"M","pid":\#(pid),"args":{"sort_index":\#(device)}}"#)
            events.append(#"{"name":"process_labels","ph":"M","pid":\#(pid),"args":{"labels":\#(Self.string(label))}}"#)
            events.append(#"{"name":"thread_name","ph":"M","pid":\#(pid),"tid":1,"args":{"name":"compute"}}"#)
            if row.contains(where: \.overlapped) {
                events.append(#"{"name":"thread_name","ph":"M","pid":\#(pid),"tid":2,"args":{"name":"overlapped backward"}}"#)
            }
            if row.contains(where: { $0.op == .offload }) {
                events.append(#"{"name":"thread_name","ph":"M","pid":\#(pid),"tid":3,"args":{"name":"copy device to host"}}"#)
            }
            if row.contains(where: { $0.op == .reload }) {
                events.append(#"{"name":"thread_name","ph":"M","pid":\#(pid),"tid":4,"args":{"name":"copy host to device"}}"#)
            }
            for entry in row {
                let kind = entry.op.rawValue
                // An overlapped F&B pair: the forward on the compute track, the backward beside it;
                // offloads and reloads on their copy streams' tracks.
                let tid = switch entry.op.stream {
                case .compute: entry.overlapped && entry.op != .forward ? 2 : 1
                case .deviceToHost: 3
                case .hostToDevice: 4
                }
                let overlapped = entry.overlapped ? #","overlapped":true"# : ""
                events.append(#"{"name":"\#(Self.name(entry))","cat":"\#(Self.category(entry.op))","ph":"X","pid":\#(pid),"tid":\#(tid),"ts":\#(Self.number(entry.start * scale)),"dur":\#(Self.number((entry.end - entry.start) * scale)),"cname":"\#(Self.colorName(entry.op))","args":{"kind":"\#(kind)","stage":\#(entry.stage),"microbatch":\#(entry.microbatch),"slice":\#(entry.slice),"start":\#(Self.number(entry.start)),"end":\#(Self.number(entry.end))\#(overlapped)}}"#)
            }
            guard let problem, device < problem.devices else { continue }
            let ops = row.map { $0.timedOp.op }
            let levels = problem.memoryLevels(device: device, order: ops).levels
            if let first = row.first, first.start > origin {
                events.append(Self.counter(pid: pid, time: origin * scale, value: problem.staticMemory(device: device)))
            }
            for (time, level) in zip(Problem.memoryStepTimes(row.map(\.timedOp)), levels) {
                events.append(Self.counter(pid: pid, time: time * scale, value: level))
            }
            if let last = row.last, let level = levels.last {
                events.append(Self.counter(pid: pid, time: last.end * scale, value: level))
            }
        }
        if let problem { events += ChromeTraceTransfers(problem: problem, scale: scale).events(document) }
        let m = document.metrics
        let other: [(String, String)] = [
            ("generator", Self.string("pipesched")), ("problem", Self.string(document.problem)),
            ("method", Self.string(document.method)), ("objective", Self.string(document.objective.rawValue)),
            ("timeUnit", Self.string(timeUnit.rawValue)), ("makespan", Self.number(m.makespan)),
            ("stageSpan", Self.number(m.stageSpan)), ("bubbleRate", Self.number(m.bubbleRate)),
            ("lowerBound", Self.number(m.lowerBound)), ("gap", Self.number(m.gap)),
        ] + (problem?.units.map { [("memoryUnit", Self.string($0.memory))] } ?? [])
        let otherText = other.map { "\(Self.string($0.0)):\($0.1)" }.joined(separator: ",")
        return "{\"displayTimeUnit\":\"ms\",\"otherData\":{\(otherText)},\"traceEvents\":[\n"
            + events.joined(separator: ",\n") + "\n]}\n"
    }

    /// PyTorch's span name of a pass, e.g. `PP:0F1`, `PP:3I0`, `PP:2F5@1`.
    public static func name(_ entry: ScheduleDocument.Entry) -> String {
        let letter = TorchActionKind(entry.op).map(TorchLetters.current.letter) ?? entry.op.rawValue
        return "PP:\(entry.stage)\(letter)\(entry.microbatch)" + (entry.slice > 0 ? "@\(entry.slice)" : "")
    }

    private static func counter(pid: Int, time: Double, value: Double) -> String {
        #"{"name":"memory","ph":"C","pid":\#(pid),"ts":\#(number(time)),"args":{"memory":\#(number(value))}}"#
    }

    private static func category(_ kind: OpKind) -> String {
        switch kind {
        case .forward: "forward"
        case .backwardInput: "backward-input"
        case .backwardWeight: "backward-weight"
        case .backward: "backward"
        case .recompute: "recompute"
        case .offload: "offload"
        case .reload: "reload"
        }
    }

    /// A JSON number: integers without a fraction, others in Swift's shortest round-trip form.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }

    /// A JSON string literal.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
