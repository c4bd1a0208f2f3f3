import Foundation
import PipeSchedStore

/// Remembers parsed solve bodies by their exact bytes, so a repeated request (the common case for
/// store hits) skips decoding, validation and hashing. Whatever it returns is what parsing the same
/// bytes again would give. Bounded: when full it starts over.
final class RequestMemo: Sendable {
    /// A body's bytes, hashed in full (Foundation's `Data` hashes only a prefix).
    struct Body: Hashable, Sendable {
        let bytes: Data

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    private let entries = LockedState([Body: (request: SolveRequest, key: RequestKey)]())
    let capacity: Int
    /// Larger bodies are parsed every time (they are rare, and would crowd the memo).
    let largestBody: Int

    init(capacity: Int = 4096, largestBody: Int = 64 << 10) {
        self.capacity = capacity
        self.largestBody = largestBody
    }

    /// The parsed request and its key: remembered, or from `parse` (then remembered).
    func parsed(_ body: Data, parse: (Data) throws(APIError) -> (request: SolveRequest, key: RequestKey)) throws(APIError) -> (request: SolveRequest, key: RequestKey) {
        guard body.count <= largestBody else { return try parse(body) }
        let memoKey = Body(bytes: body)
        if let known = entries.withLock({ $0[memoKey] }) { return known }
        let result = try parse(body)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[memoKey] = result
        }
        return result
    }
}
