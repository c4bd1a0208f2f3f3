/// How pipeline stages (model chunks, in model order) are mapped to devices.
public enum Placement: Sendable, Equatable, Hashable {
    /// Stage `s` on device `s`; as many stages as devices.
    case sequential
    /// Stage `s` on device `s mod devices`, several chunks per device (Megatron / PyTorch "loop").
    case interleaved
    /// Two stages per device in a V: stage `s` on `s` if `s < devices`, else `2·devices − 1 − s`
    /// (Qi et al., "Pipeline Parallelism with Controllable Memory", NeurIPS 2024; PyTorch "v").
    case v
    /// An explicit device for every stage.
    case explicit([Int])

    /// The name used in problem files, or `nil` for an explicit list.
    public var name: String? {
        switch self {
        case .sequential: "sequential"
        case .interleaved: "interleaved"
        case .v: "v"
        case .explicit: nil
        }
    }

    /// Resolves the device of every stage, or explains why the placement does not fit.
    public func devices(stages: Int, devices: Int) throws(ProblemError) -> [Int] {
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
        switch name {
        case "sequential": self = .sequential
        case "interleaved": self = .interleaved
        case "v": self = .v
        default:
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown placement \"\(name)\"; use \"sequential\", \"interleaved\", \"v\" or an array of device indices")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .explicit(let list): try container.encode(list)
        default: try container.encode(name!)
        }
    }
}
