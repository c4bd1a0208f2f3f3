import Testing
@testable import PipeSched

/// `SecondChunkBound`: the step it rests on against exhaustive search over forward orders, every
/// schedule the project builds on larger interleaved problems, and its value where it applies.
@Suite struct SecondChunkBoundTests {
    /// Interleaved problems of `devices` devices and `microbatches` microbatches, seeded: the second
    /// chunk's forwards longer or shorter than the first's, and a device's first stage sometimes
    /// longer than an earlier one (where the bound must not apply on that device). Some have link
    /// latency, some are capped.
    static func problem(seed: UInt64, devices: Int, microbatches: Int) throws -> Problem {
        var random = SeededGenerator(seed: seed &* 6_271 &+ 11)
        func draw(_ values: [Double]) -> Double { values.randomElement(using: &random)! }
        let stages = (0..<2 * devices).map { stage in
            let forward = stage < devices ? draw([0.5, 1, 1, 1.5]) : draw([1, 1.5, 2, 3])
            return StageProfile(forward: forward, backwardInput: draw([0.5, 1, 2]), backwardWeight: draw([0.5, 1]),
                                memory: MemoryDeltas(forward: 1, backwardInput: 0, backwardWeight: -1))
        }
        let unlimited = try Problem(name: "second-chunk-\(seed)", microbatches: microbatches, devices: devices, placement: .interleaved,
                                    stages: stages, communication: Communication(latency: draw([0, 0, 0.25, 1])))
        return seed % 3 == 1 ? TestProblems.capped(unlimited, scaled: false, using: &random) : unlimited
    }

    /// Whole schedules cannot be searched exhaustively where the bound matters (it beats the
    /// one-machine bound with heads only from `a + 2` microbatches on; with 2 devices and 3
    /// microbatches one device already has more than 200,000 orders), so on larger interleaved
    /// problems every schedule the project builds must meet it: the greedy grid's best for the
    /// makespan, every family that fits, and the schedules whose devices start with a later
    /// microbatch (`LateStartScheduler`).
    @Test(arguments: RefereeSeeds.first(12))
    func noScheduleBeatsIt(seed: UInt64) throws {
        let problem = try Self.problem(seed: seed, devices: [3, 4][Int(seed % 2)], microbatches: [4, 6, 8][Int(seed % 3)])
        let bound = LowerBound.parts(problem, objective: .makespan).secondChunk
        // The bound does not read the caps, so it holds for the schedules of the uncapped problem
        // too, which the families and the late starts (blind to caps) fit.
        let uncapped = try problem.withMemoryLimit(nil)
        #expect(LowerBound.parts(uncapped, objective: .makespan).secondChunk == bound)
        // Each schedule with the problem it is measured on.
        var schedules: [(Problem, Schedule)] = ScheduleFamilies.all.compactMap { try? $0.build(uncapped) }.map { (uncapped, $0) }
        for device in 0..<problem.devices {
            for microbatch in [0, 1] { schedules.append((uncapped, LateStartScheduler.orders(uncapped, device: device, microbatch: microbatch))) }
        }
        if let greedy = GreedySearch.best(problem, objective: .makespan) { schedules.append((problem, greedy.schedule)) }
        var measured = 0
        for (candidate, schedule) in schedules {
            guard let score = ScheduleScore(candidate, schedule, objective: .makespan) else { continue }
            measured += 1
            #expect(bound <= score.value * (1 + 1e-9), "bound \(bound) > \(score.value) on \(problem.name)")
        }
        #expect(measured > 2 * problem.devices, "\(problem.name)")
    }

    /// The step the bound rests on, refereed over every forward order where exhaustive search over
    /// whole schedules cannot go: until a device's first forward of its second stage (at `T`) no
    /// backward runs anywhere (each waits for the last stage's forward, after `T`), so the forwards
    /// alone decide `T` and the `n` forwards of its first stage the device runs before it. For every
    /// per-device order of the forwards (each stage's microbatches in order: relabelling keeps a
    /// timeline, and the lemma is about timelines), simulated as soon as possible from the step's
    /// first pass, `T − first start − n × F(a)` is at least the wave (`SecondChunkBound.wave`), and
    /// the problems include orders that meet it. Interleaved problems of 2 devices and 3 or 4
    /// microbatches, and of 3 devices and 3 microbatches.
    @Test(arguments: [(2, 3), (2, 4), (3, 3)])
    func theWaveOutlastsWhatTheDeviceDoesBeforeIt(devices: Int, microbatches: Int) throws {
        var met = 0, applied = 0
        for seed in RefereeSeeds.first(6) {
            let problem = try Self.problem(seed: seed &+ 100, devices: devices, microbatches: microbatches)
            let chains = MicrobatchChains(problem)
            let waves = (0..<devices).map { SecondChunkBound.wave(problem, device: $0, chains: chains) }
            guard waves.contains(where: { $0 != nil }) else { continue }
            applied += 1
            var tight = false
            for schedule in Self.forwardOrders(problem) {
                guard let timeline = try? Simulator.simulate(problem, schedule).timeline else { continue }
                let origin = timeline.compactMap { $0.first?.start }.min()!
                for (device, wave) in waves.enumerated() {
                    guard let wave else { continue }
                    let stages = problem.deviceStages[device].sorted()
                    let row = timeline[device]
                    let turn = try #require(row.firstIndex { $0.op.stage == stages[1] })
                    let items = row[..<turn].reduce(0.0) { $0 + ($1.end - $1.start) }
                    let slack = row[turn].start - origin - items - wave
                    #expect(slack >= -1e-9 * max(1, row[turn].start), "device \(device) of \(problem.name): \(schedule.orders)")
                    if abs(slack) <= 1e-9 * max(1, row[turn].start) { tight = true }
                }
            }
            if tight { met += 1 }
        }
        #expect(applied >= 3 && met >= 1, "applies on \(applied) problems, met on \(met)")
    }

    /// Every combination of per-device forward orders of `problem`, each stage's microbatches in
    /// ascending order.
    static func forwardOrders(_ problem: Problem) -> [Schedule] {
        func interleavings(_ stages: [Int]) -> [[Op]] {
            var result: [[Op]] = []
            func extend(_ order: [Op], _ next: [Int]) {
                if next.indices.allSatisfy({ next[$0] == problem.microbatches }) { result.append(order); return }
                for (index, stage) in stages.enumerated() where next[index] < problem.microbatches {
                    var advanced = next
                    advanced[index] += 1
                    extend(order + [.forward(stage, next[index])], advanced)
                }
            }
            extend([], Array(repeating: 0, count: stages.count))
            return result
        }
        var schedules: [[[Op]]] = [[]]
        for device in 0..<problem.devices {
            let orders = interleavings(problem.deviceStages[device])
            schedules = schedules.flatMap { prefix in orders.map { prefix + [$0] } }
        }
        return schedules.map { Schedule(orders: $0) }
    }

    /// The formula on an interleaved problem of 3 devices, link latency 0.5: device 2 runs stages 2
    /// and 5, whose wave is stages 3 and 4 on the devices of stages 0 and 1: 2 + 3 and two links,
    /// 6, beside its work 8 × (1 + 2 + 1) + 8 × (1 + 2 + 1) = 64: 70; device 1 runs stages 1 and 4
    /// (work 8 × 4 + 8 × 6 = 80), whose wave is stage 3 on the device of stage 0 and one link: 82.5,
    /// the bound. Under stageSpan, where a device's first forward outlasts an earlier stage's (then
    /// an item may give the device more than it costs the wave), and on a V, it is 0.
    @Test func theWaveAndTheWorkOfTheLastDevice() throws {
        let stage = { (forward: Double) in
            StageProfile(forward: forward, backwardInput: 2, backwardWeight: 1, memory: MemoryDeltas(forward: 1, backwardInput: 0, backwardWeight: -1))
        }
        let problem = try Problem(microbatches: 8, devices: 3, placement: .interleaved, stages: [1, 1, 1, 2, 3, 1].map(stage),
                                  communication: Communication(latency: 0.5))
        #expect(abs(LowerBound.parts(problem, objective: .makespan).secondChunk - 82.5) < 1e-9)
        #expect(LowerBound.parts(problem, objective: .stageSpan).secondChunk == 0)
        let longerFirst = try Problem(microbatches: 8, devices: 3, placement: .interleaved, stages: [0.5, 1, 1.5, 2, 3, 1].map(stage))
        #expect(LowerBound.parts(longerFirst, objective: .makespan).secondChunk == 0)
        let v = try Problem(microbatches: 8, devices: 3, placement: .v, stages: [1, 1, 1, 2, 3, 1].map(stage))
        #expect(LowerBound.parts(v, objective: .makespan).secondChunk == 0)
    }
}
