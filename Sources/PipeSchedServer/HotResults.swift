import DequeModule
import PipeSchedStore

/// The most recently used complete results, in memory, by result id (for complete results the id is
/// the request key's prefix, so a key finds its entry too). Store hits are answered from here
/// without a database read; the store stays the truth (a result evicted here is read again from it).
/// Bounded by the bytes of the documents it holds; the least recently used go first.
///
/// Every use is appended to a queue with its clock; eviction pops the queue from the oldest end and
/// skips uses that a later use of the same entry (or its eviction) made stale, so an insert into a
/// full cache costs amortized constant time rather than a scan of every entry. The queue is rebuilt
/// from the entries when stale uses outnumber them.
final class HotResults: Sendable {
    private struct State {
        var entries: [String: (result: StoredResult, lastUse: UInt64)] = [:]
        var uses: Deque<(id: String, clock: UInt64)> = []
        var bytes = 0
        var clock: UInt64 = 0

        /// Marks the held entry `id` as used now.
        mutating func use(_ id: String) {
            clock += 1
            entries[id]?.lastUse = clock
            uses.append((id, clock))
            if uses.count > 2 * entries.count + 64 {
                uses = Deque(entries.map { (id: $0.key, clock: $0.value.lastUse) }.sorted { $0.clock < $1.clock })
            }
        }
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
            guard let result = state.entries[id]?.result else { return nil }
            state.use(id)
            return result
        }
    }

    /// Holds a complete result (partial ones, without a key, are not worth holding).
    func insert(_ result: StoredResult) {
        guard result.key != nil else { return }
        let size = Self.size(result)
        guard size <= capacity / 4 else { return }
        state.withLock { state in
            if let old = state.entries.updateValue((result, 0), forKey: result.id) { state.bytes -= Self.size(old.result) }
            state.use(result.id)
            state.bytes += size
            while state.bytes > capacity, let oldest = state.uses.popFirst() {
                guard let entry = state.entries[oldest.id], entry.lastUse == oldest.clock else { continue }  // used again since
                state.entries[oldest.id] = nil
                state.bytes -= Self.size(entry.result)
            }
        }
    }

    /// How many results are held (for tests).
    var count: Int { state.withLock { $0.entries.count } }

    private static func size(_ result: StoredResult) -> Int { (result.document?.count ?? 0) + result.problem.count + 256 }
}
