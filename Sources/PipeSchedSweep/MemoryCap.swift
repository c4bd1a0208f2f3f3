import Foundation
import PipeSched

/// A memory-cap axis value: no cap, the base problem's caps, an absolute cap for every device, a
/// multiple of the 1F1B peak (the largest per-device peak of 1F1B on the same model, devices and
/// microbatches, without slices), written `1.0x`, or per-device caps in Zero Bubble's unit, K·p
/// microbatches' activations on top of static memory (`Problem.activationCaps`), written `1.5p`.
public enum MemoryCap: Sendable, Hashable, CustomStringConvertible {
    case none
    case base
    case absolute(Double)
    case multipleOfOneFOneBPeak(Double)
    case activations(Double)

    /// Reads `none`/null, `base`, a number, `NUMBERx` or `NUMBERp`.
    static func parse(_ value: Any?, field: String) throws(GridError) -> MemoryCap {
        let fix = "give none, base, an absolute cap such as 40, a multiple of the 1F1B peak such as 0.8x, or K·p microbatches' activations such as 1.5p"
        switch value {
        case nil: return .none
        case let number as Int: return try positive(Double(number), field: field, fix: fix, make: MemoryCap.absolute)
        case let number as Double: return try positive(number, field: field, fix: fix, make: MemoryCap.absolute)
        case let text as String:
            let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
            if trimmed == "none" || trimmed == "null" || trimmed == "~" { return .none }
            if trimmed == "base" { return .base }
            if trimmed.hasSuffix("x"), let factor = Double(trimmed.dropLast()) {
                return try positive(factor, field: field, fix: fix, make: MemoryCap.multipleOfOneFOneBPeak)
            }
            if trimmed.hasSuffix("p"), let factor = Double(trimmed.dropLast()) {
                return try positive(factor, field: field, fix: fix, make: MemoryCap.activations)
            }
            if let number = Double(trimmed) { return try positive(number, field: field, fix: fix, make: MemoryCap.absolute) }
            throw GridError(field: field, message: "\"\(text)\" is not a memory cap", fix: fix)
        default:
            if value is NSNull { return .none }
            throw GridError(field: field, message: "has the wrong type", fix: fix)
        }
    }

    private static func positive(_ value: Double, field: String, fix: String, make: (Double) -> MemoryCap) throws(GridError) -> MemoryCap {
        guard value > 0, value.isFinite else { throw GridError(field: field, message: "must be positive, got \(value)", fix: fix) }
        return make(value)
    }

    /// Whether the point starts from the base's caps (the hardware's memory): `base`, and the
    /// activation caps, which never exceed them.
    var keepsBaseCaps: Bool {
        switch self {
        case .base, .activations: true
        case .none, .absolute, .multipleOfOneFOneBPeak: false
        }
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .base: "base"
        case .absolute(let value): value.readable
        case .multipleOfOneFOneBPeak(let factor): "\(factor.readable)x"
        case .activations(let factor): "\(factor.readable)p"
        }
    }
}
