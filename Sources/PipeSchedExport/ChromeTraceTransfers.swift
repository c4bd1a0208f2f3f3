import PipeSched

/// The transfers of a schedule as Chrome / Perfetto flow events: one arrow per activation or
/// gradient that crosses devices, from the pass that produces it to the pass that waits for it.
///
/// Which passes wait for which comes from the one dependency rule (`Problem.forEachDependency`); a
/// pass on the same device needs no transfer. Each message's times come from `Messages`, as the
/// simulator sends them. The flow starts on the producer's slice (`ph: "s"`, bound to it by its
/// start time) and ends on the consumer's slice (`ph: "f"`, `bp: "e"`); `args` give when the data
/// was ready, when its link took it, when it arrived and the consumer's start. Where messages occupy
/// links (`Communication.transfer`), each also appears on the sender's track "link to device k" for
/// as long as it holds the link.
struct ChromeTraceTransfers {
    let problem: Problem
    /// Multiplier from the problem's time unit to trace microseconds.
    let scale: Double

    /// Track of the link from a device to device `to` (after the compute and copy tracks).
    static func linkTrack(to: Int) -> Int { 10 + to }

    /// The flow events of `document`, a schedule of `problem`, and the link tracks' events; none when
    /// the timeline does not match the problem's stages.
    func events(_ document: ScheduleDocument) -> [String] {
        struct Placed { var device: Int; var entry: ScheduleDocument.Entry }
        var passes: [Op: Placed] = [:]
        var gradients: [[Int]: Placed] = [:]
        for (device, row) in document.timeline.enumerated() {
            for entry in row {
                let op = entry.timedOp.op
                guard op.stage < problem.stageCount, op.microbatch < problem.microbatches else { return [] }
                passes[op] = Placed(device: device, entry: entry)
                if op.kind.producesInputGradient { gradients[[op.stage, op.microbatch, op.slice]] = Placed(device: device, entry: entry) }
            }
        }
        let messages = Messages(problem, document.timedTimeline)
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
                    let message = messages.byProducer[producer.entry.timedOp.op]
                    let ready = producer.entry.end
                    let leaves = message?.leaves ?? ready
                    let arrival = message?.arrives ?? ready + problem.communication.lag(from: producer.device, to: device,
                                                                                         scale: problem.messageScale(of: producer.entry.timedOp.op))
                    let left = problem.communication.linksContend ? #""leaves":\#(ChromeTrace.number(leaves)),"# : ""
                    let args = #""args":{"ready":\#(ChromeTrace.number(ready)),\#(left)"arrival":\#(ChromeTrace.number(arrival)),"consumerStart":\#(ChromeTrace.number(entry.start))}"#
                    events.append(#"{"name":"transfer","cat":"transfer","ph":"s","id":\#(id),"pid":\#(producer.device + 1),"tid":1,"ts":\#(ChromeTrace.number(producer.entry.start * scale)),\#(args)}"#)
                    events.append(#"{"name":"transfer","cat":"transfer","ph":"f","bp":"e","id":\#(id),"pid":\#(device + 1),"tid":1,"ts":\#(ChromeTrace.number(entry.start * scale)),\#(args)}"#)
                    if let occupied = message?.holdsLink, occupied > 0 {
                        let op = producer.entry.timedOp.op
                        events.append(#"{"name":"\#(op) to device \#(device)","cat":"link","ph":"X","pid":\#(producer.device + 1),"tid":\#(Self.linkTrack(to: device)),"ts":\#(ChromeTrace.number(leaves * scale)),"dur":\#(ChromeTrace.number(occupied * scale)),\#(args)}"#)
                    }
                }
            }
        }
        guard problem.communication.linksContend else { return events }
        // Names of the link tracks in use.
        var links = Set<[Int]>()
        for message in messages.byProducer.values { links.insert([message.from, message.to]) }
        for link in links.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            events.append(#"{"name":"thread_name","ph":"M","pid":\#(link[0] + 1),"tid":\#(Self.linkTrack(to: link[1])),"args":{"name":"link to device \#(link[1])"}}"#)
        }
        return events
    }
}
