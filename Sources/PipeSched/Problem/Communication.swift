/// How activations and gradients travel between devices: each pass whose output a pass on another
/// device needs sends one message over the link between the two devices.
///
/// A message occupies its link for `transfer` (its size over the link's bandwidth), then arrives
/// `latency` later. A link carries one message at a time in each direction, in the order the
/// sending device's passes ran (`LinkChannels`): this is link contention, as the tabular
/// abstraction of Barley et al. (arXiv 2605.24006) simulates it. With `contention` off, a message
/// still takes its transfer time plus latency, but links carry any number at once (a planning model
/// without the waits, exact for the greedy, the bounds and the exact models alike). With `transfer`
/// 0 (the default, and schema v1's number) a message costs only its latency. With a
/// `Topology`, devices are grouped in nodes: `latency` and `transfer` inside a node (NVLink /
/// NVSwitch), `topology.interNodeLatency` and `interNodeTransfer` between nodes (InfiniBand / RoCE).
/// `latency(from:to:)` and `transfer(from:to:)` are the only ways the rest of the code reads a link;
/// `lag(from:to:scale:)` is the delay of an uncontended message, which every relaxation (bounds,
/// exact models, greedy estimates) may assume.
public struct Communication: Sendable, Equatable, Hashable, Codable {
    /// Latency of one activation or gradient transfer between two different devices (inside a node
    /// when there is a topology).
    public var latency: Double
    /// Time one message of size 1 occupies a link (inside a node when there is a topology): each
    /// stage boundary's `PassCosts.messageSize` and the microbatch's `MicrobatchScale.memory` scale
    /// it (a message is a microbatch's activations at a stage boundary, `Problem.messageScale(of:)`);
    /// 0: links are never busy.
    public var transfer: Double
    /// Devices grouped in nodes with a slower link between them; `nil`: every link is alike.
    public var topology: Topology?
    /// Whether a link carries one message at a time in each direction (`LinkChannels`); `false`:
    /// any number at once, each still delayed by its transfer time and latency.
    public var contention: Bool

    /// One latency for every link.
    public init(latency: Double = 0) { self.init(latency: latency, topology: nil) }

    /// `latency` inside a node, `topology.interNodeLatency` between nodes; `transfer` as the link
    /// occupancy of a message (inside a node); `contention` whether messages wait for their link.
    public init(latency: Double, transfer: Double = 0, topology: Topology?, contention: Bool = true) {
        self.latency = latency
        self.transfer = transfer
        self.topology = topology
        self.contention = contention
    }

    /// Whether messages take time in proportion to their size (a transfer time on some link).
    public var hasTransferTime: Bool { transfer > 0 || (topology?.interNodeTransfer ?? 0) > 0 }

    /// Whether messages occupy links, so they may wait for one another (`LinkChannels`).
    public var linksContend: Bool { contention && hasTransferTime }

    /// Time a message of a microbatch of memory scale `scale` occupies the link from `from` to `to`;
    /// zero on the same device.
    @inline(__always)
    public func transfer(from: Int, to: Int, scale: Double = 1) -> Double {
        if from == to { return 0 }
        if let topology, !topology.sameNode(from, to) { return (topology.interNodeTransfer ?? transfer) * scale }
        return transfer * scale
    }

    /// Delay from a pass's end to its message's arrival on another device when the link is free:
    /// `transfer + latency`; zero on the same device. No schedule's message arrives sooner.
    @inline(__always)
    public func lag(from: Int, to: Int, scale: Double = 1) -> Double {
        from == to ? 0 : transfer(from: from, to: to, scale: scale) + latency(from: from, to: to)
    }

    /// Latency from device `from` to device `to`; zero on the same device.
    @inline(__always)
    public func latency(from: Int, to: Int) -> Double {
        if from == to { return 0 }
        if let topology, !topology.sameNode(from, to) { return topology.interNodeLatency }
        return latency
    }

    /// The largest latency of any link.
    public var maxLatency: Double { max(latency, topology?.interNodeLatency ?? 0) }

    enum CodingKeys: String, CodingKey, CaseIterable { case latency, transfer, contention, devicesPerNode, interNodeLatency, interNodeTransfer }

    /// A number (schema v1: one latency for every link) or `{"latency", "transfer"?, "contention"?}`
    /// with, for devices in nodes, `"devicesPerNode", "interNodeLatency"` and `"interNodeTransfer"?`.
    public init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer().decode(Double.self) {
            self.init(latency: single)
            return
        }
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let nodes = try container.decodeIfPresent(Int.self, forKey: .devicesPerNode)
        let interNode = try container.decodeIfPresent(Double.self, forKey: .interNodeLatency)
        let interNodeTransfer = try container.decodeIfPresent(Double.self, forKey: .interNodeTransfer)
        guard (nodes == nil) == (interNode == nil), interNodeTransfer == nil || nodes != nil else {
            throw ProblemError(field: "communication", message: "devicesPerNode and interNodeLatency (and interNodeTransfer) describe nodes together",
                               fix: "give devicesPerNode and interNodeLatency both (interNodeTransfer is optional), or none of them")
        }
        self.init(latency: try container.decode(Double.self, forKey: .latency),
                  transfer: try container.decodeIfPresent(Double.self, forKey: .transfer) ?? 0,
                  topology: nodes.map { Topology(devicesPerNode: $0, interNodeLatency: interNode!, interNodeTransfer: interNodeTransfer) },
                  contention: try container.decodeIfPresent(Bool.self, forKey: .contention) ?? true)
    }

    public func encode(to encoder: Encoder) throws {
        guard topology != nil || transfer != 0 || !contention else {
            var container = encoder.singleValueContainer()
            try container.encode(latency)
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(latency, forKey: .latency)
        if transfer != 0 { try container.encode(transfer, forKey: .transfer) }
        if !contention { try container.encode(false, forKey: .contention) }
        if let topology {
            try container.encode(topology.devicesPerNode, forKey: .devicesPerNode)
            try container.encode(topology.interNodeLatency, forKey: .interNodeLatency)
            if let interNodeTransfer = topology.interNodeTransfer { try container.encode(interNodeTransfer, forKey: .interNodeTransfer) }
        }
    }

    /// Throws naming the field when a latency is negative or not finite, or the nodes are empty.
    func check() throws(ProblemError) {
        let fix = "give the point-to-point latency in the same time unit as the stage costs"
        let field = topology == nil && transfer == 0 && contention ? "communication" : "communication.latency"
        guard latency.isFinite, latency >= 0 else {
            throw ProblemError(field: field, message: "must be a finite number ≥ 0, got \(latency)", fix: fix)
        }
        try ProblemLimits.checkMagnitude(latency, field: field, fix: fix)
        let transferFix = "give the time one activation message occupies the link (its size over the link's bandwidth), in the time unit of the stage costs"
        for (name, value) in [("transfer", transfer), ("interNodeTransfer", topology?.interNodeTransfer ?? 0)] {
            guard value.isFinite, value >= 0 else {
                throw ProblemError(field: "communication.\(name)", message: "must be a finite time ≥ 0, got \(value)", fix: transferFix)
            }
            try ProblemLimits.checkMagnitude(value, field: "communication.\(name)", fix: transferFix)
        }
        guard let topology else { return }
        guard topology.devicesPerNode >= 1 else {
            throw ProblemError(field: "communication.devicesPerNode", message: "must be at least 1, got \(topology.devicesPerNode)",
                               fix: "give the number of pipeline devices in one node, e.g. 8")
        }
        guard topology.interNodeLatency.isFinite, topology.interNodeLatency >= 0 else {
            throw ProblemError(field: "communication.interNodeLatency", message: "must be a finite number ≥ 0, got \(topology.interNodeLatency)",
                               fix: "give the latency between nodes in the same time unit as the stage costs")
        }
        try ProblemLimits.checkMagnitude(topology.interNodeLatency, field: "communication.interNodeLatency", fix: fix)
    }
}

extension Problem {
    /// Size of the message `producer` sends to a pass of another stage, as a multiple of the message
    /// `communication.transfer` times: its stage boundary's `PassCosts.messageSize` (a forward sends
    /// its stage's output to the next stage; an input-gradient pass `B` or `BW` sends the gradient of
    /// the previous stage's output back: in a graph of stages, of its largest input's, and an
    /// output's forward sends its share of the loss to the other outputs, `StageGraph`), times its
    /// microbatch's memory scale (a microbatch's messages scale with its activations,
    /// `MicrobatchScale`). Every message's link time is read here.
    @inline(__always)
    public func messageScale(of producer: Op) -> Double {
        messageSize(producer.kind, stage: producer.stage, slice: producer.slice) * scale(microbatch: producer.microbatch).memory
    }

    /// The stage boundary's message size a pass of `kind` on a stage's slice sends (`messageScale`
    /// without the microbatch's scale); 1 for passes that send nothing to another stage.
    @inline(__always)
    public func messageSize(_ kind: OpKind, stage: Int, slice: Int) -> Double {
        switch kind {
        case .forward: stages[stage].costs(slice: slice).messageSize
        case .backwardInput, .backward: graph.inputs[stage].reduce(startsPipeline(stage) ? 1 : 0) { max($0, stages[$1].costs(slice: slice).messageSize) }
        case .backwardWeight, .recompute, .offload, .reload: 1
        }
    }

    /// Delay from the end of `producer` to its message's arrival on `device` when the link is free
    /// (`Communication.lag` of its `messageScale`): the delay itself where links do not contend, and
    /// what every relaxation of link contention (bounds, exact models, greedy estimates) assumes.
    @inline(__always)
    public func lag(of producer: Op, to device: Int) -> Double {
        communication.lag(from: stageDevice[producer.stage], to: device, scale: messageScale(of: producer))
    }

    /// The largest message size of any stage boundary and slice.
    private var largestMessageSize: Double {
        stages.reduce(0) { most, stage in stage.slices.reduce(most) { max($0, $1.messageSize) } }
    }

    /// The longest delay any message can take when links are free (the largest message of the
    /// largest microbatch on the slowest link), for horizons: a schedule that runs one pass at a time
    /// never waits for a link.
    public var maxLag: Double {
        let most = scaleSummary.mostMemory * max(1, largestMessageSize)
        return max(communication.latency + communication.transfer * most,
                   communication.topology.map { $0.interNodeLatency + ($0.interNodeTransfer ?? communication.transfer) * most } ?? 0)
    }

    /// Every delay a message may take on a free link (per link kind, boundary size and microbatch
    /// scale), for the exact models' integer scale.
    public var messageLags: [Double] {
        let scales = Set((0..<(costsVaryByMicrobatch ? microbatches : 1)).map { scale(microbatch: $0).memory })
        let sizes = Set(stages.flatMap { $0.slices.map(\.messageSize) } + [1])
        var lags: [Double] = []
        for scale in scales {
            for size in sizes {
                lags.append(communication.latency + communication.transfer * scale * size)
                if let topology = communication.topology {
                    lags.append(topology.interNodeLatency + (topology.interNodeTransfer ?? communication.transfer) * scale * size)
                }
            }
        }
        return lags
    }
}
