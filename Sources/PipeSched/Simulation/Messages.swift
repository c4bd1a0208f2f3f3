/// The messages of a timed schedule: each pass whose output a pass on another device needs sends one
/// message there when it ends, over the link between the two devices (`Communication`). Where
/// messages occupy links, each waits for its link (`LinkChannels`), in the order the sending
/// device's passes ran, as the simulator sends them.
///
/// The timed validator checks every pass against its messages' arrivals here; the Chrome trace
/// draws them.
public struct Messages: Sendable {
    /// One message: from the device of the pass that sent it to the device that needs it, when it
    /// left (its link was free and the pass had ended), how long it holds its link from then
    /// (`Communication.transfer`, 0 where messages do not occupy links) and when it arrived.
    public struct Message: Sendable, Equatable {
        public let from: Int
        public let to: Int
        public let leaves: Double
        public let holdsLink: Double
        public let arrives: Double
    }

    /// Each message, by the pass that sent it.
    public let byProducer: [Op: Message]

    public init(_ problem: Problem, _ timeline: Timeline) {
        var device: [Op: Int] = [:]
        var gradient: [Cell: Op] = [:]
        for (d, row) in timeline.enumerated() {
            for timed in row {
                device[timed.op] = d
                if timed.op.kind.producesInputGradient { gradient[Cell(timed.op)] = timed.op }
            }
        }
        var destination: [Op: Int] = [:]
        for (d, row) in timeline.enumerated() {
            for timed in row {
                problem.forEachDependency(of: timed.op) { dependency in
                    guard let producer = Self.producer(of: dependency, gradient: gradient), let from = device[producer], from != d,
                          destination[producer] == nil else { return }
                    destination[producer] = d
                }
            }
        }
        var links = LinkChannels(problem)
        var messages: [Op: Message] = [:]
        for (d, row) in timeline.enumerated() {
            for timed in row {
                guard let to = destination[timed.op] else { continue }
                let scale = problem.messageScale(of: timed.op)
                let arrives = links.send(from: d, to: to, at: timed.end, scale: scale)
                let leaves = arrives - problem.communication.lag(from: d, to: to, scale: scale)
                let holds = problem.communication.linksContend ? problem.communication.transfer(from: d, to: to, scale: scale) : 0
                messages[timed.op] = Message(from: d, to: to, leaves: leaves, holdsLink: holds,
                                             arrives: arrives)
            }
        }
        byProducer = messages
    }

    /// The pass a dependency names, when the timeline has it (a cell's input gradient comes from its
    /// `B` or its fused `BW`).
    static func producer(of dependency: Dependency, gradient: [Cell: Op]) -> Op? {
        switch dependency {
        case .op(let op), .ifScheduled(let op): op
        case .inputGradient(let stage, let microbatch, let slice): gradient[Cell(stage: stage, microbatch: microbatch, slice: slice)]
        }
    }
}
