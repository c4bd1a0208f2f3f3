import Testing
@testable import PipeSched

/// The families that are PyTorch's built-in classes (`ScheduleFamily.torchClass`) against orders
/// PyTorch 2.13.0 wrote (`scripts/peer_orders.py CLASS P M STAGES_PER_RANK`: its own schedule code
/// through `_schedule_visualizer.get_schedule_ops`, compute actions only; `I` is PyTorch's
/// backward-input, our `B`; `B` its full backward, our fused `BW`). `interleaved-zb` and
/// `dualpipev` have their own suites (`InterleavedZeroBubbleTests`, `DualPipeVTests`). Checked by
/// hand on 2026-12-05 for p ∈ {4, 8} and m ∈ {8, 12, 16} too; the rows below are p = 4.
@Suite struct TorchClassTests {
    static let pytorch: [(family: any ScheduleFamily, placement: Placement, microbatches: Int, ranks: [String])] = [
        (GPipe(), .sequential, 6, [
            "0F0,0F1,0F2,0F3,0F4,0F5,0B0,0B1,0B2,0B3,0B4,0B5",
            "1F0,1F1,1F2,1F3,1F4,1F5,1B0,1B1,1B2,1B3,1B4,1B5",
            "2F0,2F1,2F2,2F3,2F4,2F5,2B0,2B1,2B2,2B3,2B4,2B5",
            "3F0,3F1,3F2,3F3,3F4,3F5,3B0,3B1,3B2,3B3,3B4,3B5",
        ]),
        // PyTorch's visualizer numbers the last rank's forwards from 1 (it writes 3F1 … 3F8 for
        // microbatches 0 … 7, and 3F8 does not exist); the row below is its row with each forward's
        // number less one. The other ranks are its rows as written.
        (OneFOneB(), .sequential, 8, [
            "0F0,0F1,0F2,0F3,0B0,0F4,0B1,0F5,0B2,0F6,0B3,0F7,0B4,0B5,0B6,0B7",
            "1F0,1F1,1F2,1B0,1F3,1B1,1F4,1B2,1F5,1B3,1F6,1B4,1F7,1B5,1B6,1B7",
            "2F0,2F1,2B0,2F2,2B1,2F3,2B2,2F4,2B3,2F5,2B4,2F6,2B5,2F7,2B6,2B7",
            "3F0,3B0,3F1,3B1,3F2,3B2,3F3,3B3,3F4,3B4,3F5,3B5,3F6,3B6,3F7,3B7",
        ]),
        (Interleaved1F1B(), .interleaved, 8, [
            "0F0,0F1,0F2,0F3,4F0,4F1,4F2,4F3,0F4,0F5,0F6,4B0,0F7,4B1,4F4,4B2,4F5,4B3,4F6,0B0,4F7,0B1,0B2,0B3,4B4,4B5,4B6,4B7,0B4,0B5,0B6,0B7",
            "1F0,1F1,1F2,1F3,5F0,5F1,5F2,5F3,1F4,5B0,1F5,5B1,1F6,5B2,1F7,5B3,5F4,1B0,5F5,1B1,5F6,1B2,5F7,1B3,5B4,5B5,5B6,5B7,1B4,1B5,1B6,1B7",
            "2F0,2F1,2F2,2F3,6F0,6F1,6F2,6B0,6F3,6B1,2F4,6B2,2F5,6B3,2F6,2B0,2F7,2B1,6F4,2B2,6F5,2B3,6F6,6B4,6F7,6B5,6B6,6B7,2B4,2B5,2B6,2B7",
            "3F0,3F1,3F2,3F3,7F0,7B0,7F1,7B1,7F2,7B2,7F3,7B3,3F4,3B0,3F5,3B1,3F6,3B2,3F7,3B3,7F4,7B4,7F5,7B5,7F6,7B6,7F7,7B7,3B4,3B5,3B6,3B7",
        ]),
        // m = 6 on 4 ranks: one round of 6 microbatches (PyTorch's rounds, max(1, m / p)), not
        // Megatron's groups of p, which deadlocked where p does not divide m.
        (Interleaved1F1B(), .interleaved, 6, [
            "0F0,0F1,0F2,0F3,0F4,0F5,4F0,4F1,4F2,4F3,4F4,4F5,4B0,4B1,4B2,4B3,4B4,4B5,0B0,0B1,0B2,0B3,0B4,0B5",
            "1F0,1F1,1F2,1F3,1F4,1F5,5F0,5F1,5F2,5F3,5F4,5B0,5F5,5B1,5B2,5B3,5B4,5B5,1B0,1B1,1B2,1B3,1B4,1B5",
            "2F0,2F1,2F2,2F3,2F4,2F5,6F0,6F1,6F2,6B0,6F3,6B1,6F4,6B2,6F5,6B3,6B4,6B5,2B0,2B1,2B2,2B3,2B4,2B5",
            "3F0,3F1,3F2,3F3,3F4,3F5,7F0,7B0,7F1,7B1,7F2,7B2,7F3,7B3,7F4,7B4,7F5,7B5,3B0,3B1,3B2,3B3,3B4,3B5",
        ]),
        (ZBV(), .v, 8, [
            "0F0,0F1,0F2,0F3,0F4,0F5,0F6,7F0,7I0,7W0,7F1,7I1,7W1,7F2,7I2,7W2,7F3,7I3,7W3,0F7,0I0,0W0,7F4,7I4,7W4,0I1,0W1,7F5,7I5,7W5,0I2,0W2,7F6,7I6,7W6,0I3,0W3,7F7,7I7,7W7,0I4,0W4,0I5,0W5,0I6,0W6,0I7,0W7",
            "1F0,1F1,1F2,1F3,1F4,6F0,1F5,6F1,6I0,6W0,6F2,6I1,6W1,6F3,6I2,6W2,1F6,1I0,1W0,6F4,6I3,6W3,1F7,1I1,1W1,6F5,6I4,6W4,1I2,1W2,6F6,6I5,6W5,1I3,1W3,6F7,6I6,6W6,1I4,6I7,1I5,1W4,1I6,1W5,1I7,1W6,6W7,1W7",
            "2F0,2F1,2F2,5F0,2F3,5F1,2F4,5F2,5I0,5W0,5F3,5I1,5W1,2F5,2I0,2W0,5F4,5I2,5W2,2F6,2I1,2W1,5F5,5I3,5W3,2F7,2I2,2W2,5F6,5I4,5W4,2I3,2W3,5F7,5I5,5W5,2I4,5I6,2I5,5I7,2I6,2W4,2I7,2W5,5W6,5W7,2W6,2W7",
            "3F0,4F0,3F1,4F1,3F2,4F2,3F3,4F3,4I0,4W0,3F4,3I0,3W0,4F4,4I1,4W1,3F5,3I1,3W1,4F5,4I2,4W2,3F6,3I2,3W2,4F6,4I3,4W3,3F7,3I3,3W3,4F7,4I4,4W4,3I4,4I5,3I5,4I6,3I6,4I7,3I7,3W4,4W5,4W6,4W7,3W5,3W6,3W7",
        ]),
        (LoopedBFS(), .interleaved, 6, [
            "0F0,0F1,0F2,0F3,0F4,0F5,4F0,4F1,4F2,4F3,4F4,4F5,4B5,4B4,4B3,4B2,4B1,4B0,0B5,0B4,0B3,0B2,0B1,0B0",
            "1F0,1F1,1F2,1F3,1F4,1F5,5F0,5F1,5F2,5F3,5F4,5F5,5B5,5B4,5B3,5B2,5B1,5B0,1B5,1B4,1B3,1B2,1B1,1B0",
            "2F0,2F1,2F2,2F3,2F4,2F5,6F0,6F1,6F2,6F3,6F4,6F5,6B5,6B4,6B3,6B2,6B1,6B0,2B5,2B4,2B3,2B2,2B1,2B0",
            "3F0,3F1,3F2,3F3,3F4,3F5,7F0,7F1,7F2,7F3,7F4,7F5,7B5,7B4,7B3,7B2,7B1,7B0,3B5,3B4,3B3,3B2,3B1,3B0",
        ]),
    ]

    @Test(arguments: pytorch.indices)
    func ordersArePyTorchs(index: Int) throws {
        let c = Self.pytorch[index]
        let problem = TestProblems.unit(devices: 4, microbatches: c.microbatches, placement: c.placement, chunks: c.placement == .sequential ? 1 : 2)
        PyTorchOrders.expect(try c.family.build(problem), are: c.ranks, on: problem, c.family.name)
    }

    /// The families named as PyTorch classes are exactly those checked against PyTorch's orders.
    @Test func theClassesAreTheCheckedFamilies() {
        let named = Dictionary(uniqueKeysWithValues: ScheduleFamilies.all.compactMap { family in family.torchClass.map { (family.name, $0) } })
        #expect(named == ["gpipe": "ScheduleGPipe", "1f1b": "Schedule1F1B", "interleaved-1f1b": "ScheduleInterleaved1F1B",
                          "interleaved-zb": "ScheduleInterleavedZeroBubble", "zb-v": "ScheduleZBVZeroBubble", "dualpipev": "ScheduleDualPipeV",
                          "bfs": "ScheduleLoopedBFS"])
    }

    /// A family's orders are its PyTorch class's only on problems PyTorch's class runs: whole
    /// sequences; the interleaved placement with two stages per device or more for `bfs`,
    /// `interleaved-1f1b` and `interleaved-zb` (which also build one stage per device); m ≥ p for
    /// `1f1b`.
    @Test func theClassAppliesWherePyTorchRunsTheProblem() throws {
        let interleaved = TestProblems.unit(devices: 4, microbatches: 8, placement: .interleaved, chunks: 2)
        #expect(LoopedBFS().torchClass(for: interleaved) == "ScheduleLoopedBFS")
        #expect(LoopedBFS().torchClass(for: TestProblems.unit(devices: 4, microbatches: 8, placement: .v, chunks: 2)) == nil)
        let sequential = TestProblems.unit(devices: 4, microbatches: 8)
        #expect(LoopedBFS().torchClass(for: sequential) == nil)
        #expect(GPipe().torchClass(for: sequential) == "ScheduleGPipe")
        #expect(OneFOneB().torchClass(for: sequential) == "Schedule1F1B")
        #expect(OneFOneB().torchClass(for: TestProblems.unit(devices: 4, microbatches: 3)) == nil, "PyTorch's 1F1B needs m ≥ p")
        #expect(Interleaved1F1B().torchClass(for: interleaved) == "ScheduleInterleaved1F1B")
        #expect(InterleavedZeroBubble().torchClass(for: interleaved) == "ScheduleInterleavedZeroBubble")
        for family: any ScheduleFamily in [Interleaved1F1B(), InterleavedZeroBubble()] {
            #expect(family.torchClass(for: sequential) == nil, "PyTorch's interleaved classes need two stages per rank")
        }
        let sliced = try Problem(microbatches: 4, devices: 2, stages: Array(repeating: StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1), count: 2),
                                 sequenceSlices: 2)
        #expect(try GPipe().build(sliced).orders.count == 2)
        #expect(GPipe().torchClass(for: sliced) == nil)
    }

    /// The baseline is the lowest value among the PyTorch classes' own rows: not a variant row, not a
    /// row without a value (over the cap), not another method, not a family that is not PyTorch's
    /// class on the problem; it carries that row's makespan.
    @Test func theBaselineIsTheBestClassThatFits() {
        let sequential = TestProblems.unit(devices: 4, microbatches: 8)
        let rows = [CandidateSummary(method: "zb-v", value: 10, seconds: 0),
                    CandidateSummary(method: "dualpipev", seconds: 0, note: "over the memory cap or deadlocked"),
                    CandidateSummary(method: "zb-v (shortest first)", value: 8, seconds: 0),
                    CandidateSummary(method: "greedy", value: 7, seconds: 0),
                    CandidateSummary(method: "1f1b", value: 9.5, makespan: 11, seconds: 0)]
        #expect(TorchBaseline.best(among: rows, on: sequential) == TorchBaseline(torchClass: "Schedule1F1B", method: "1f1b", value: 9.5, makespan: 11))
        #expect(TorchBaseline.best(among: Array(rows[1...3]), on: sequential) == nil)
        #expect(TorchBaseline.best(among: [CandidateSummary(method: "bfs", value: 5, seconds: 0)], on: sequential) == nil)
    }
}
