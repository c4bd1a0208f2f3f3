import Foundation
import PipeSched

/// The canonical identity of a solve request: SHA-256 of a canonical JSON rendering of the problem,
/// method, objective, search options (excluded candidates included) and PipeSched version. Two requests with the same key get the
/// same schedule, so the store answers the second one without solving.
///
/// The problem is rendered through its own `Codable` conformance (defaults made explicit, a uniform
/// memory cap written once) with sorted keys, so field order, whitespace and omitted defaults in the
/// request do not change the key. The `shouldStop` and `onIncumbent` hooks are not part of it.
public struct RequestKey: Sendable, Hashable, CustomStringConvertible {
    /// 64 lowercase hexadecimal digits.
    public let hex: String

    /// `methodSettings` is the canonical text of settings that change the method's result (the exact
    /// solver, gap and threads); `nil` leaves the key as without them.
    public init(problem: Problem, method: String, options: SolveOptions, methodSettings: String? = nil,
                memoryHeadroom: Double? = nil, version: String = PipeSchedVersion.current) {
        let canonical = Canonical(format: Self.formatTag, version: version, method: method, objective: options.objective,
                                  timeLimit: options.timeLimit, seed: options.seed, methodSettings: methodSettings,
                                  memoryHeadroom: memoryHeadroom,
                                  excludedCandidates: options.excludedCandidates.isEmpty ? nil : options.excludedCandidates.sorted(),
                                  problem: problem)
        hex = SHA256.hex(Self.canonicalJSON(canonical))
    }

    /// A key read back from storage.
    public init(hex: String) { self.hex = hex }

    /// The id under which a complete result for this key is stored: the first 32 digits, so the
    /// same request always names the same schedule, also on another host sharing the store.
    public var resultID: String { String(hex.prefix(32)) }

    public var description: String { hex }

    /// Versioned so a change of the canonical form never collides with older keys.
    static let formatTag = "pipesched.request.v1"

    struct Canonical: Encodable {
        var format: String
        var version: String
        var method: String
        var objective: Objective
        var timeLimit: Double?
        var seed: UInt64
        var methodSettings: String?
        /// Absent (not 0) when no headroom is kept, so keys of requests without one are unchanged.
        var memoryHeadroom: Double?
        /// `auto`'s excluded candidates, sorted; absent when none, so other keys are unchanged.
        var excludedCandidates: [String]?
        var problem: Problem
    }

    static func canonicalJSON(_ canonical: Canonical) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // A valid problem holds only finite numbers, so encoding succeeds; should it ever fail, a
        // unique rendering makes the key match nothing rather than collide with another failure.
        return (try? encoder.encode(canonical)) ?? Data(UUID().uuidString.utf8)
    }
}
