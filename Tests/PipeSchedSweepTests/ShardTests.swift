import Testing
@testable import PipeSchedSweep

/// `--shard K/N` splits the points deterministically, each exactly once.
@Suite struct ShardTests {
    @Test(arguments: 1...6)
    func sharesCoverTheGridExactlyOnce(count: Int) throws {
        let points = try SweepFixtures.grid().points
        var seen: [Int: Int] = [:]
        for index in 1...count {
            let shard = try Shard(index: index, count: count)
            for point in points where shard.contains(point.index) { seen[point.index, default: 0] += 1 }
        }
        #expect(seen.count == points.count)
        #expect(seen.values.allSatisfy { $0 == 1 })
    }

    @Test func sharesDifferInSizeByAtMostOne() throws {
        let points = try SweepFixtures.grid().points
        let sizes = try (1...3).map { index in try points.filter { try Shard(index: index, count: 3).contains($0.index) }.count }
        #expect(sizes.max()! - sizes.min()! <= 1)
    }

    @Test func parsing() throws {
        #expect(try Shard(parsing: "2/4") == Shard(index: 2, count: 4))
        for bad in ["0/4", "5/4", "2", "a/b", "1/0", "-1/2"] {
            #expect(throws: GridError.self, "\(bad)") { try Shard(parsing: bad) }
        }
    }
}
