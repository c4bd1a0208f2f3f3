import Foundation

/// Seeds of the property tests that exhaustive search referees: the first `count` in `make test`
/// (each suite's share of the suite's time budget), or as many as `PIPESCHED_REFEREE_SEEDS` asks where
/// that is more (`make referee`: the same tests over hundreds of seeds, beyond CI's budget).
enum RefereeSeeds {
    static func first(_ count: Int) -> [UInt64] {
        let asked = ProcessInfo.processInfo.environment["PIPESCHED_REFEREE_SEEDS"].flatMap(Int.init) ?? 0
        return Array(0..<UInt64(max(count, asked)))
    }
}
