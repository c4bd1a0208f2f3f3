import PipeSched
import PipeSchedProfile

/// A placement axis value: `sequential`, `v`, `interleaved` (2 chunks per device) or
/// `interleaved:K` (K chunks per device), `wave` (4 chunks per device, two waves down and up the
/// devices) or `wave:K`, `bidirectional` (two copies of the model in opposite directions, the `v`
/// placement with two pipelines: Chimera's and DualPipe's), `bidirectional-v` (two V-shaped copies
/// in opposite directions, the `wave` placement with two pipelines and 4 stages per device:
/// BitPipe's), or `base` for the base problem's own placement.
public enum PlacementChoice: Sendable, Hashable, CustomStringConvertible {
    case base
    case sequential
    case v
    case interleaved(chunks: Int)
    case wave(chunks: Int)
    case bidirectional
    case bidirectionalV

    static func parse(_ value: Any, field: String) throws(GridError) -> PlacementChoice {
        let fix = "use sequential, interleaved, interleaved:K (K chunks per device), v, wave, wave:K (K ≥ 2), bidirectional, bidirectional-v or base"
        guard let text = (value as? String)?.trimmingCharacters(in: .whitespaces).lowercased() else {
            throw GridError(field: field, message: "is not a placement name", fix: fix)
        }
        switch text {
        case "base": return .base
        case "sequential": return .sequential
        case "v": return .v
        case "bidirectional": return .bidirectional
        case "bidirectional-v": return .bidirectionalV
        case "interleaved": return .interleaved(chunks: 2)
        case "wave": return .wave(chunks: ProfileOptions.defaultChunks(.wave))
        default:
            if text.hasPrefix("interleaved:"), let chunks = Int(text.dropFirst("interleaved:".count)), chunks >= 1 {
                return .interleaved(chunks: chunks)
            }
            if text.hasPrefix("wave:"), let chunks = Int(text.dropFirst("wave:".count)), chunks >= 2 {
                return .wave(chunks: chunks)
            }
            throw GridError(field: field, message: "\"\(text)\" is not a placement", fix: fix)
        }
    }

    /// The placement and chunks per device this value names; `nil` for `base`.
    var shape: (placement: Placement, chunks: Int)? {
        switch self {
        case .base: nil
        case .sequential: (.sequential, 1)
        case .v: (.v, 2)
        case .interleaved(let chunks): (.interleaved, chunks)
        case .wave(let chunks): (.wave, chunks)
        case .bidirectional: (.v, 2)
        case .bidirectionalV: (.wave, 4)
        }
    }

    /// How many pipelines (copies of the model, `Problem.pipelines`) the value names; `nil` for `base`.
    var pipelines: Int? {
        switch self {
        case .base: nil
        case .bidirectional, .bidirectionalV: 2
        case .sequential, .v, .interleaved, .wave: 1
        }
    }

    /// The placement and chunks per device for a problem of `devices` devices built from `base`.
    func resolve(base: Problem) -> (placement: Placement, chunks: Int)? {
        if let shape { return shape }
        switch base.placement {
        case .sequential: return (.sequential, 1)
        case .v: return (.v, 2)
        case .interleaved, .wave: return (base.placement, base.stageCount / base.devices)
        case .explicit: return nil
        }
    }

    public var description: String {
        switch self {
        case .base: "base"
        case .sequential: "sequential"
        case .v: "v"
        case .interleaved(let chunks): chunks == 2 ? "interleaved" : "interleaved:\(chunks)"
        case .wave(let chunks): chunks == 4 ? "wave" : "wave:\(chunks)"
        case .bidirectional: "bidirectional"
        case .bidirectionalV: "bidirectional-v"
        }
    }
}
