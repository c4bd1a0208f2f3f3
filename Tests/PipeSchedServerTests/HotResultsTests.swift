import Foundation
import PipeSched
import PipeSchedStore
import Testing
@testable import PipeSchedServer

/// The in-memory result cache and the parsed-body memo.
@Suite struct HotResultsTests {
    func result(_ name: String, bytes: Int) -> StoredResult {
        let problem = try! Problem(name: name, microbatches: 2, devices: 1,
                                   stages: [StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1)])
        let key = RequestKey(problem: problem, method: "gpipe", options: SolveOptions())
        return StoredResult(id: key.resultID, key: key, method: "gpipe", objective: .stageSpan, problem: Data(),
                            outcome: .schedule(document: Data(count: bytes), metrics: Metrics(makespan: 1, stageSpan: 1, bubbleRate: 0,
                                                                                            peakMemory: [0], lowerBound: 1, gap: 0)),
                            solveSeconds: 0)
    }

    @Test func heldResultsAreFoundByKeyAndId() throws {
        let hot = HotResults(capacity: 1 << 20)
        let stored = result("a", bytes: 1000)
        hot.insert(stored)
        #expect(hot.result(forKey: try #require(stored.key)) == stored)
        #expect(hot.result(id: stored.id) == stored)
        #expect(hot.result(id: "other") == nil)
    }

    @Test func leastRecentlyUsedGoFirstWhenFull() throws {
        // Each entry counts 1,000 document bytes plus 256: four fit in 6,000, five do not.
        let hot = HotResults(capacity: 6000)
        let items = ["a", "b", "c", "d", "e"].map { result($0, bytes: 1000) }
        for item in items.prefix(4) { hot.insert(item) }
        _ = hot.result(id: items[0].id)
        hot.insert(items[4])
        #expect(hot.result(id: items[1].id) == nil)
        for index in [0, 2, 3, 4] { #expect(hot.result(id: items[index].id) != nil) }
    }

    /// Random inserts and lookups against a plain model (evict the entry used longest ago until the
    /// bytes fit): the cache holds exactly the model's entries after every operation, including
    /// after its use queue was rebuilt (many lookups between inserts).
    @Test(arguments: [1, 2, 3] as [UInt64])
    func evictsExactlyAsAPlainLeastRecentlyUsedModel(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let items = (0..<40).map { result("r\($0)", bytes: Int.random(in: 100...3000, using: &generator)) }
        let size = { (item: StoredResult) in (item.document?.count ?? 0) + item.problem.count + 256 }
        let capacity = 20_000
        let hot = HotResults(capacity: capacity)
        var model: [String: UInt64] = [:]
        var clock: UInt64 = 0
        for _ in 0..<3000 {
            let item = items[Int.random(in: 0..<items.count, using: &generator)]
            clock += 1
            if Int.random(in: 0..<4, using: &generator) == 0 {
                hot.insert(item)
                model[item.id] = clock
                while model.keys.reduce(0, { sum, id in sum + size(items.first { $0.id == id }!) }) > capacity,
                      let oldest = model.min(by: { $0.value < $1.value }) {
                    model[oldest.key] = nil
                }
            } else {
                let found = hot.result(id: item.id)
                #expect((found != nil) == (model[item.id] != nil))
                if found != nil { model[item.id] = clock }
            }
            #expect(hot.count == model.count)
        }
    }

    @Test func partialAndOversizedResultsAreNotHeld() {
        let hot = HotResults(capacity: 10_000)
        var partial = result("p", bytes: 10)
        partial.key = nil
        hot.insert(partial)
        #expect(hot.result(id: partial.id) == nil)
        let big = result("big", bytes: 5000)
        hot.insert(big)
        #expect(hot.result(id: big.id) == nil)
    }

    @Test func memoParsesEachDistinctBodyOnce() throws {
        let memo = RequestMemo(capacity: 2)
        let counter = LockedState(0)
        let problem = try! Problem(microbatches: 2, devices: 1, stages: [StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1)])
        func parse(_ body: Data) throws(APIError) -> (request: SolveRequest, key: RequestKey) {
            counter.withLock { $0 += 1 }
            return (SolveRequest(problem: problem), RequestKey(problem: problem, method: "auto", options: SolveOptions()))
        }
        for body in ["x", "x", "y", "x", "z", "z"] { _ = try memo.parsed(Data(body.utf8), parse: parse) }
        // x, y parsed; z fills the memo past its capacity, which starts it over.
        #expect(counter.withLock { $0 } == 3)
    }
}
