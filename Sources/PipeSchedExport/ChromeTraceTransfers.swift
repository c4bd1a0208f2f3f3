import PipeSched

/// The transfers of a schedule as Chrome / Perfetto flow events: one arrow per activation or
/// gradient that crosses devices, from the pass that produces it to the pass that waits for it.
///
/// Which passes wait for which comes from the one dependency rule (`Problem.forEachDependency`); a
/// pass on the same device needs no transfer. The flow starts on the producer's slice (`ph: "s"`,
/// bound to it by its start time) and ends on the consumer's slice (`ph: "f"`, `bp: "e"`); `args`
/// give when the data was ready, when it arrived (ready + the link latency) and the consumer's start.
struct ChromeTraceTransfers {
    let problem: Problem
    /// Multiplier from the problem's time unit to trace microseconds.
    let scale: Double

    /// The flow events of `document`, a schedule of `problem`; none when the timeline does not match
    /// the problem's stages.
    func events(_ document: ScheduleDocument) -> [String] {
        struct Placed { var device: Int; var entry: ScheduleDocument.Entry }
        var passes: [Op: Placed] = [:]
        var gradients: [[Int]: Placed] = [:]
        for (device, row) in document.timeline.enumerated() {
            for entry in row {
                let op = entry.timedOp.op
                guard op.stage < problem.stageCount else { return [] }
                passes[op] = Placed(device: device, entry: entry)
                if op.kind.producesInputGradient { gradients[[op.stage, op.microbatch, op.slice]] = Placed(device: device, entry: entry) }
            }
        }
        var events: [String] = []
        var id = 0
        for (device, row) in document.timeline.enumerated() {
            for entry in row {
                problem.forEachDependency(of: entry.timedOp.op) { dependency in
                    let producer: Placed?
                    switch dependency {
                    case .op(let needed): producer = passes[needed]
                    case .inputGradient(let stage, let microbatch, let slice): producer = gradients[[stage, microbatch, slice]]
                    case .ifScheduled: producer = nil  // R or L, on the backward's own device: never a transfer
                    }
                    guard let producer, producer.device != device else { return }
                    id += 1
                    let arrival = producer.entry.end + problem.communication.latency(from: producer.device, to: device)
                    let args = #""args":{"ready":\#(ChromeTrace.number(producer.entry.end)),"arrival":\#(ChromeTrace.number(arrival)),"consumerStart":\#(ChromeTrace.number(entry.start))}"#
                    events.append(#"{"name":"transfer","cat":"transfer","ph":"s","id":\#(id),"pid":\#(producer.device + 1),"tid":1,"ts":\#(ChromeTrace.number(producer.entry.start * scale)),\#(args)}"#)
                    events.append(#"{"name":"transfer","cat":"transfer","ph":"f","bp":"e","id":\#(id),"pid":\#(device + 1),"tid":1,"ts":\#(ChromeTrace.number(entry.start * scale)),\#(args)}"#)
                }
            }
        }
        return events
    }
}
