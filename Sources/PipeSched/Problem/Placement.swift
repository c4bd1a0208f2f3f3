/// How pipeline stages (model chunks, in model order) are mapped to devices.
public enum Placement: Sendable, Equatable, Hashable {
    /// Stage `s` on device `s`; as many stages as devices.
    case sequential
    /// Stage `s` on device `s mod devices`, several chunks per device (Megatron / PyTorch "loop").
    case interleaved
    /// Two stages per device in a V: stage `s` on `s` if `s < devices`, else `2·devices − 1 − s`
    /// (Qi et al., "Pipeline Parallelism with Controllable Memory", NeurIPS 2024; PyTorch "v").
    case v
    /// Stages in waves across the devices (Hanayo's wave, Liu et al., SC 2023): chunk `c = s / devices`
    /// runs down the devices when `c` is even and back up when it is odd, so the pipeline turns on
    /// the first or last device at each wave's end without a transfer. Two chunks are the V. With
    /// two pipelines (`Pipelines.swift`) each copy of the model has its own waves and the second
    /// runs the first's mirrored (device `d` ↔ `devices − 1 − d`), so the two start at opposite
    /// ends: with two chunks per copy, BitPipe's two V-shaped pipelines in opposite directions (Wu
    /// et al., AAAI 2025); with one, the `v` placement's two opposite pipelines.
    case wave
    /// An explicit device for every stage.
    case explicit([Int])

    /// The named placements, in the order help texts list them.
    public static let named: [Placement] = [.sequential, .interleaved, .v, .wave]

    /// The name used in problem files, or `nil` for an explicit list.
    public var name: String? {
        switch self {
        case .sequential: "sequential"
        case .interleaved: "interleaved"
        case .v: "v"
        case .wave: "wave"
        case .explicit: nil
        }
    }

    /// The placement of a problem-file name, or `nil` for an unknown one.
    public init?(name: String) {
        guard let placement = Self.named.first(where: { $0.name == name }) else { return nil }
        self = placement
    }

    /// Resolves the device of every stage, or explains why the placement does not fit. `pipelines`
    /// (the copies of the model the stages form, checked by the caller) matters to the wave only.
    public func devices(stages: Int, devices: Int, pipelines: Int = 1) throws(ProblemError) -> [Int] {
        switch self {
        case .sequential:
            guard stages == devices else {
                throw ProblemError(field: "placement",
                                   message: "\"sequential\" needs one stage per device, but there are \(stages) stages and \(devices) devices",
                                   fix: "use \"interleaved\" or \"v\" for several chunks per device, or set devices to \(stages)")
            }
            return Array(0..<stages)
        case .interleaved:
            guard stages % devices == 0 else {
                throw ProblemError(field: "placement",
                                   message: "\"interleaved\" needs a multiple of devices (\(devices)) stages, got \(stages)",
                                   fix: "give \(devices * max(1, stages / devices)) or \(devices * (stages / devices + 1)) stages")
            }
            return (0..<stages).map { $0 % devices }
        case .v:
            guard stages == 2 * devices else {
                throw ProblemError(field: "placement",
                                   message: "\"v\" needs exactly 2 stages per device (\(2 * devices) stages), got \(stages)",
                                   fix: "give \(2 * devices) stages or choose another placement")
            }
            return (0..<stages).map { $0 < devices ? $0 : 2 * devices - 1 - $0 }
        case .wave:
            let copyStages = stages / max(1, pipelines)
            guard stages % max(1, pipelines) == 0, copyStages >= devices, copyStages % devices == 0, stages >= 2 * devices else {
                // The nearest counts that fit: whole waves in every copy, at least two stages per device.
                let unit = max(1, pipelines) * devices
                let fewer = max((2 * devices + unit - 1) / unit * unit, stages / unit * unit)
                throw ProblemError(field: "placement",
                                   message: "\"wave\" needs a multiple of devices (\(devices)) stages per pipeline, at least two per device in all, got \(stages)"
                                       + (pipelines > 1 ? " in \(pipelines) pipelines" : ""),
                                   fix: "give \(fewer) or \(fewer + unit) stages")
            }
            return (0..<stages).map { stage in
                let local = stage % copyStages, position = local % devices
                let wave = (local / devices).isMultiple(of: 2) ? position : devices - 1 - position
                return (stage / copyStages).isMultiple(of: 2) ? wave : devices - 1 - wave
            }
        case .explicit(let list):
            guard list.count == stages else {
                throw ProblemError(field: "placement",
                                   message: "an explicit placement lists \(list.count) devices for \(stages) stages",
                                   fix: "give exactly one device index per stage")
            }
            for (stage, device) in list.enumerated() where device < 0 || device >= devices {
                throw ProblemError(field: "placement[\(stage)]",
                                   message: "device \(device) is out of range 0..<\(devices)",
                                   fix: "use a device index between 0 and \(devices - 1)")
            }
            let used = Set(list)
            if used.count != devices {
                let idle = (0..<devices).filter { !used.contains($0) }
                throw ProblemError(field: "placement",
                                   message: "devices \(idle) hold no stage",
                                   fix: "give every device at least one stage, or lower devices")
            }
            return list
        }
    }
}

extension Placement: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let list = try? container.decode([Int].self) {
            self = .explicit(list)
            return
        }
        let name = try container.decode(String.self)
        guard let placement = Placement(name: name) else {
            let names = Placement.named.compactMap(\.name).map { "\"\($0)\"" }.joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown placement \"\(name)\"; use \(names) or an array of device indices")
        }
        self = placement
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .explicit(let list): try container.encode(list)
        default: try container.encode(name!)
        }
    }
}
