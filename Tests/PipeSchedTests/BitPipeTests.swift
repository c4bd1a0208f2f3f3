import Testing
@testable import PipeSched

/// `bitpipe` against the BitPipe schedule it reads (Wu et al., AAAI 2025; a Megatron-LM
/// `forward_backward_pipelining_with_BitPipe`): its per-rank tables, its placement, and that the
/// order runs (valid, deadlock-free) wherever the runtime runs.
struct BitPipeTests {
    /// Two V-shaped copies of `devices` × 2 stages in opposite directions (the wave placement with two
    /// pipelines), each stage a forward of 1 and a fused backward of 2, `microbatches` per copy.
    static func problem(devices: Int, microbatches: Int, latency: Double = 0, memoryLimit: Double? = nil) throws -> Problem {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1)
        return try Problem(name: "bitpipe-\(devices)x\(microbatches)", microbatches: microbatches, devices: devices, placement: .wave,
                           stages: Array(repeating: stage, count: 4 * devices), communication: Communication(latency: latency),
                           memoryLimit: memoryLimit.map { Array(repeating: $0, count: devices) }, pipelines: 2)
    }

    /// The tables the runtime's comments print for p = 4 and 8 microbatches (4 per copy): each
    /// rank's forward and backward orders as its microbatch ids.
    @Test func theTablesAreTheRuntimes() {
        let forwards = [[0, 1, 2, 10, 3, 11, 8, 9, 4, 5, 6, 14, 7, 15, 12, 13],
                        [0, 2, 1, 3, 10, 8, 11, 9, 4, 6, 5, 7, 14, 12, 15, 13],
                        [2, 0, 3, 1, 8, 10, 9, 11, 6, 4, 7, 5, 12, 14, 13, 15],
                        [2, 3, 0, 8, 1, 9, 10, 11, 6, 7, 4, 12, 5, 13, 14, 15]]
        let backwards = [[8, 9, 10, 2, 11, 3, 0, 1, 12, 13, 14, 6, 15, 7, 4, 5],
                         [8, 10, 9, 11, 2, 0, 3, 1, 12, 14, 13, 15, 6, 4, 7, 5],
                         [10, 8, 11, 9, 0, 2, 1, 3, 14, 12, 15, 13, 4, 6, 5, 7],
                         [10, 11, 8, 0, 9, 1, 2, 3, 14, 15, 12, 4, 13, 5, 6, 7]]
        for rank in 0..<4 {
            let ids = { (passes: [BitPipe.ChunkPass]) in passes.map { BitPipe.runtimeID($0, devices: 4, microbatches: 4) } }
            #expect(ids(BitPipe.forwardOrder(devices: 4, microbatches: 4, rank: rank)) == forwards[rank], "rank \(rank)")
            #expect(ids(BitPipe.backwardOrder(devices: 4, microbatches: 4, rank: rank)) == backwards[rank], "rank \(rank)")
        }
    }

    /// The runtime's first steps for p = 4: its warm-up loop runs 6 forwards on the end ranks and 7 in
    /// the middle, and the first turn of forward and backward adds one forward before the first backward.
    @Test func warmUpCountsFollowTheRank() {
        let beforeFirstBackward = (0..<4).map { rank in
            BitPipe.tokens(devices: 4, microbatches: 4, rank: rank).prefix { if case .forward = $0 { true } else { false } }.count
        }
        #expect(beforeFirstBackward == [6 + 1, 7 + 1, 7 + 1, 6 + 1])
        // Chunk forwards in flight never exceed that: 2p on the middle devices, 3p/2 + 1 on the end ones.
        for (p, m) in [(4, 4), (8, 8), (8, 12)] {
            let most = (0..<p).map { rank in
                BitPipe.tokens(devices: p, microbatches: m, rank: rank).reduce(into: (now: 0, most: 0)) { flight, token in
                    if case .forward = token { flight.now += 1 } else { flight.now -= 1 }
                    flight.most = max(flight.most, flight.now)
                }.most
            }
            #expect(most == (0..<p).map { rank in p + p / 2 + min(rank, p - 1 - rank) + 1 }, "p=\(p) m=\(m)")
            #expect(most.max() == 2 * p && most.first == 3 * p / 2 + 1)
        }
    }

    /// The placement: the first copy down and back up from device 0, the second from device p − 1.
    @Test func theWaveWithTwoPipelinesIsTwoOppositeVs() throws {
        let problem = try Self.problem(devices: 4, microbatches: 2)
        #expect(problem.stageDevice == [0, 1, 2, 3, 3, 2, 1, 0, 3, 2, 1, 0, 0, 1, 2, 3])
        // One chunk per copy is the v placement's two opposite pipelines.
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1)
        let wave = try Problem(name: "w", microbatches: 2, devices: 4, placement: .wave, stages: Array(repeating: stage, count: 8), pipelines: 2)
        let v = try Problem(name: "v", microbatches: 2, devices: 4, placement: .v, stages: Array(repeating: stage, count: 8), pipelines: 2)
        #expect(wave.stageDevice == v.stageDevice)
        // Copies that do not each fill whole waves are refused, never resolved or crashed on.
        #expect(throws: ProblemError.self) { try Placement.wave.devices(stages: 12, devices: 4, pipelines: 2) }
        #expect(throws: ProblemError.self) { try Placement.wave.devices(stages: 2, devices: 1, pipelines: 4) }
        #expect(throws: ProblemError.self) { try Placement.wave.devices(stages: 9, devices: 4, pipelines: 2) }
    }

    /// Every pass once, valid and deadlock-free, with and without link latency, for every size the
    /// runtime accepts; each device runs its forwards of a stage in microbatch order.
    @Test(arguments: [(2, 1), (2, 3), (4, 2), (4, 4), (4, 6), (6, 3), (6, 9), (8, 4), (8, 12), (12, 6)])
    func theOrderRunsWhereTheRuntimeRuns(devices: Int, microbatches: Int) throws {
        for latency in [0.0, 0.3] {
            let problem = try Self.problem(devices: devices, microbatches: microbatches, latency: latency)
            let schedule = try BitPipe().build(problem)
            #expect(schedule.opCount == 2 * problem.stageCount * microbatches)
            let issues = Validator.validate(problem, schedule)
            #expect(issues.isEmpty, "p=\(devices) m=\(microbatches) latency \(latency): \(issues.prefix(3))")
        }
    }

    @Test func problemsTheRuntimeRefusesAreExplained() throws {
        #expect(throws: FamilyError.self) { try BitPipe().build(Self.problem(devices: 4, microbatches: 3)) }
        #expect(throws: FamilyError.self) { try BitPipe().build(Self.problem(devices: 3, microbatches: 3)) }
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1)
        let chimeraShaped = try Problem(name: "v", microbatches: 2, devices: 4, placement: .v, stages: Array(repeating: stage, count: 8), pipelines: 2)
        #expect(throws: FamilyError.self) { try BitPipe().build(chimeraShaped) }
    }
}
