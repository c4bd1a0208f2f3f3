import Testing
@testable import PipeSched

/// `chimera` against Li and Hoefler's schedule (SC 2021): the table of their generator, the two
/// pipelines never on one device at once, and the idle steps the paper counts.
struct ChimeraTests {
    /// Two copies of `devices` stages in opposite directions, each stage a forward and a fused
    /// backward of 1 (the cells of the paper's tables), `microbatches` per pipeline.
    static func problem(devices: Int, microbatches: Int, latency: Double = 0) throws -> Problem {
        let stage = StageProfile(forward: 1, backwardInput: 0.5, backwardWeight: 0.5)
        return try Problem(name: "chimera-\(devices)x\(microbatches)", microbatches: microbatches, devices: devices, placement: .v,
                           stages: Array(repeating: stage, count: 2 * devices), communication: Communication(latency: latency),
                           pipelines: 2)
    }

    /// Chimera's schedule generator (`Shigangli/Chimera`, `chimera_pipeline_rank.py`), stepped as it
    /// runs: a group of p / 2 microbatches per pipeline enters one every second step, each moves a
    /// stage a step, turns at the last stage (its backward there takes the next step) and leaves
    /// after its backward on the first stage; when a group's first microbatch leaves, a new group of
    /// the same pipeline enters on that step. Microbatches are numbered in the order they enter, as
    /// the runtime's queues take them. Valid where the generator is: whole units, and at most two
    /// per pipeline beyond p = 4 (with more, its groups spawn on every leaving microbatch and overlap),
    /// one at p = 2 (a group of one microbatch never spawns the next).
    static func generatorOrders(devices p: Int, microbatches m: Int) -> [[Op]] {
        struct Flight { var microbatch: Int; var stage: Int; var forward: Bool }
        struct Group { var start: Int; var count: Int; var first: Int; var flights: [Flight] = [] }
        let unit = p / 2
        var groups = [[Group(start: 0, count: min(unit, m), first: 0)], [Group(start: 0, count: min(unit, m), first: 0)]]
        var entered = [min(unit, m), min(unit, m)]
        var orders = Array(repeating: [Op](), count: p)
        var step = 0
        while groups.joined().contains(where: { !$0.flights.isEmpty || step - $0.start < 2 * $0.count }) {
            var row = Array(repeating: Op?.none, count: p)
            for pipeline in 0..<2 {
                var index = 0
                while index < groups[pipeline].count {
                    var group = groups[pipeline][index]
                    var left = false
                    group.flights = group.flights.compactMap { flight in
                        var next = flight
                        if next.forward && next.stage == p - 1 { next.forward = false }
                        else if !next.forward && next.stage == 0 { left = true; return nil }
                        else { next.stage += next.forward ? 1 : -1 }
                        return next
                    }
                    let age = step - group.start
                    if age % 2 == 0 && age / 2 < group.count {
                        group.flights.append(Flight(microbatch: group.first + age / 2, stage: 0, forward: true))
                    }
                    if left && !group.flights.isEmpty && entered[pipeline] < m {
                        let count = min(unit, m - entered[pipeline])
                        groups[pipeline].append(Group(start: step, count: count, first: entered[pipeline]))
                        entered[pipeline] += count
                    }
                    for flight in group.flights {
                        let device = pipeline == 0 ? flight.stage : p - 1 - flight.stage
                        let stage = pipeline * p + flight.stage
                        #expect(row[device] == nil, "p=\(p) m=\(m): two passes on device \(device) at step \(step)")
                        row[device] = flight.forward ? .forward(stage, flight.microbatch) : .backward(stage, flight.microbatch)
                    }
                    groups[pipeline][index] = group
                    index += 1
                }
            }
            for device in 0..<p { if let op = row[device] { orders[device].append(op) } }
            step += 1
        }
        return orders
    }

    @Test(arguments: [(2, 1), (4, 2), (4, 8), (4, 14), (6, 3), (6, 6), (8, 4), (8, 8), (12, 6), (12, 12), (16, 16)])
    func everyDeviceRunsTheGeneratorsTable(devices: Int, microbatches: Int) throws {
        let schedule = try Chimera().build(Self.problem(devices: devices, microbatches: microbatches))
        #expect(schedule.orders == Self.generatorOrders(devices: devices, microbatches: microbatches))
    }

    /// The paper's Figure 3 (D = 4, two microbatches a pipeline), device 0: the down pipeline's two
    /// forwards at steps 0 and 2, the up pipeline's last stage (problem stage 7) running its two
    /// microbatches forward, backward, forward, backward at steps 3 to 6, then the down pipeline's
    /// backwards at 7 and 9; idle at steps 1 and 8, D − 2 of them.
    @Test func deviceZeroOfTheFourStageUnit() throws {
        let schedule = try Chimera().build(Self.problem(devices: 4, microbatches: 2))
        #expect(schedule.orders[0] == [.forward(0, 0), .forward(0, 1), .forward(7, 0), .backward(7, 0),
                                       .forward(7, 1), .backward(7, 1), .backward(0, 0), .backward(0, 1)])
    }

    /// §3.1 and §3.5: the two pipelines never meet on a device, in a unit or across concatenated
    /// units, whole or not.
    @Test(arguments: [2, 4, 6, 8, 10, 12, 16, 24, 32])
    func thePipelinesNeverMeet(devices: Int) {
        for microbatches in [1, devices / 2, devices / 2 + 1, 2 * devices, 3 * devices + 1] {
            var held = Set<[Int]>()
            for cell in Chimera.table(devices: devices, microbatches: microbatches) {
                #expect(held.insert([cell.device, cell.step]).inserted, "p=\(devices) m=\(microbatches): device \(cell.device), step \(cell.step)")
            }
        }
    }

    /// §3.3: with forward and backward alike, a unit leaves `D − 2` idle steps on every device
    /// against 1F1B's `2(D − 1)`, and concatenated units add none: the step is each device's `2 × 2 × m`
    /// passes plus `p − 2`.
    @Test(arguments: [2, 4, 6, 8, 12, 16])
    func everyDeviceIdlesThePapersBubbles(devices: Int) throws {
        for microbatches in [devices / 2, 2 * devices] {
            let problem = try Self.problem(devices: devices, microbatches: microbatches)
            let evaluation = try Evaluation(problem, Chimera().build(problem), objective: .makespan)
            #expect(evaluation.isValid)
            #expect(evaluation.metrics.makespan == Double(4 * microbatches + devices - 2), "p=\(devices) m=\(microbatches)")
        }
    }

    /// Memory (docs/schedules.md): a stage holds at most p / 2 microbatches between a forward and its
    /// backward, in a unit or across concatenated ones.
    @Test(arguments: [2, 4, 6, 8, 16])
    func aStageHoldsAtMostHalfTheDevicesMicrobatches(devices: Int) {
        for microbatches in [devices / 2, devices / 2 + 1, 3 * devices + 1] {
            var inFlight = [Int: Int](), held = [Int: Int]()
            let cells = Chimera.table(devices: devices, microbatches: microbatches).sorted { ($0.step, $0.op.kind) < ($1.step, $1.op.kind) }
            for cell in cells {
                inFlight[cell.op.stage, default: 0] += cell.op.kind == .forward ? 1 : -1
                held[cell.op.stage] = max(held[cell.op.stage, default: 0], inFlight[cell.op.stage]!)
            }
            #expect(held.values.allSatisfy { $0 <= devices / 2 }, "p=\(devices) m=\(microbatches): \(held)")
            #expect(inFlight.values.allSatisfy { $0 == 0 })
        }
    }

    @Test func everyCountOfMicrobatchesIsValidWithCommunication() throws {
        for microbatches in [1, 3, 5, 9, 17] {
            let problem = try Self.problem(devices: 6, microbatches: microbatches, latency: 0.3)
            let schedule = try Chimera().build(problem)
            #expect(Validator.validate(problem, schedule).isEmpty, "m=\(microbatches)")
            #expect(schedule.orders.allSatisfy { $0.count == 4 * microbatches })
        }
    }

    @Test func refusesOddDevicesAndOnePipeline() throws {
        #expect(throws: FamilyError.self) { try Chimera().build(Self.problem(devices: 3, microbatches: 4)) }
        let onePipeline = TestProblems.unit(devices: 4, microbatches: 4, placement: .v, chunks: 2)
        #expect(throws: SolveError.self) { try Methods.standard.solve(onePipeline, method: "chimera") }
    }

    @Test func autoRunsItAsACandidate() throws {
        let problem = try Self.problem(devices: 4, microbatches: 6)
        let solution = try Methods.standard.solve(problem, method: "chimera")
        #expect(solution.evaluation.isValid)
        let (auto, _) = try Methods.solveAuto(problem, options: SolveOptions(timeLimit: 0.5))
        #expect(auto.evaluation.metrics.stageSpan <= solution.evaluation.metrics.stageSpan + 1e-9)
        #expect(auto.candidates?.contains { $0.method == "chimera" && $0.value != nil } == true)
    }
}
