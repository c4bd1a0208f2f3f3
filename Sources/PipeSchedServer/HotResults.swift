import PipeSchedStore

/// The most recently used complete results, in memory, by result id (for complete results the id is
/// the request key's prefix, so a key finds its entry too). Store hits are answered from here
/// without a database read; the store stays the truth (a result evicted here is read again from it).
/// Bounded by the bytes of the documents it holds; the least recently used go first.
final class HotResults: Sendable {
    private struct State {
        var entries: [String: (result: StoredResult, lastUse: UInt64)] = [:]
        var bytes = 0
        var clock: UInt64 = 0
    }

    private let state = LockedState(State())
    /// Most bytes of documents held; 0 turns the cache off.
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// The complete result for a request key, if held.
    func result(forKey key: RequestKey) -> StoredResult? {
        result(id: key.resultID).flatMap { $0.key == key ? $0 : nil }
    }

    /// A result by id, if held.
    func result(id: String) -> StoredResult? {
        state.withLock { state in
            guard var entry = state.entries[id] else { return nil }
            state.clock += 1
            entry.lastUse = state.clock
            state.entries[id] = entry
            return entry.result
        }
    }

    /// Holds a complete result (partial ones, without a key, are not worth holding).
    func insert(_ result: StoredResult) {
        guard result.key != nil else { return }
        let size = Self.size(result)
        guard size <= capacity / 4 else { return }
        state.withLock { state in
            state.clock += 1
            if let old = state.entries.updateValue((result, state.clock), forKey: result.id) { state.bytes -= Self.size(old.result) }
            state.bytes += size
            while state.bytes > capacity, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                state.entries[oldest.key] = nil
                state.bytes -= Self.size(oldest.value.result)
            }
        }
    }

    private static func size(_ result: StoredResult) -> Int { (result.document?.count ?? 0) + result.problem.count + 256 }
}
