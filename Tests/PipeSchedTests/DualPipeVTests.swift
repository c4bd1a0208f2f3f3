import Testing
@testable import PipeSched

/// `dualpipev` against PyTorch's own `ScheduleDualPipeV`: the orders below were written by PyTorch
/// 2.13.0 (`scripts/peer_orders.py DualPipeV P M 2`, its own schedule code, compute actions only),
/// each overlapped pair `(F;B)OVERLAP_F_B` written as its two passes, forward first. Letters as
/// PyTorch's: `I` backward-input (our `B`), `B` full backward (our `BW`).
@Suite struct DualPipeVTests {
    static let pytorch: [(devices: Int, microbatches: Int, ranks: [String])] = [
        (devices: 2, microbatches: 4, ranks: [
            "0F0,0F1,0F2,3F0,3I0,3W0,3F1,0F3,3B1,3F2,0B0,3B2,3F3,0B1,3B3,0I2,0W2,0I3,0W3",
            "1F0,2F0,1F1,2F1,1F2,2B0,2F2,1B0,1F3,2B1,2F3,1B1,2B2,1B2,2I3,1I3,2W3,1W3",
        ]),
        (devices: 4, microbatches: 8, ranks: [
            "0F0,0F1,0F2,0F3,0F4,0F5,0F6,7F0,7I0,7W0,7F1,7I1,7W1,7F2,7I2,7W2,7F3,0F7,7B3,7F4,0B0,7B4,7F5,0B1,7B5,7F6,0B2,7B6,7F7,0B3,7B7,0I4,0W4,0I5,0W5,0I6,0W6,0I7,0W7",
            "1F0,1F1,1F2,1F3,1F4,6F0,1F5,6F1,6I0,6W0,6F2,6I1,6W1,6F3,1F6,6B2,6F4,1B0,1F7,6B3,6F5,1B1,6B4,6F6,1B2,6B5,6F7,1B3,6B6,1B4,6I7,1I5,6W7,1I6,1W5,1I7,1W6,1W7",
            "2F0,2F1,2F2,5F0,2F3,5F1,2F4,5F2,5I0,5W0,5F3,2F5,5B1,5F4,2B0,2F6,5B2,5F5,2B1,2F7,5B3,5F6,2B2,5B4,5F7,2B3,5B5,2B4,5B6,2I5,5I7,2I6,2W5,2I7,5W7,2W6,2W7",
            "3F0,4F0,3F1,4F1,3F2,4F2,3F3,4F3,3F4,4B0,4F4,3B0,3F5,4B1,4F5,3B1,3F6,4B2,4F6,3B2,3F7,4B3,4F7,3B3,4B4,3B4,4B5,3B5,4I6,3I6,4I7,3I7,4W6,3W6,4W7,3W7",
        ]),
        (devices: 4, microbatches: 10, ranks: [
            "0F0,0F1,0F2,0F3,0F4,0F5,0F6,7F0,7I0,7W0,7F1,7I1,7W1,7F2,7I2,7W2,7F3,0F7,7B3,7F4,0B0,0F8,7B4,7F5,0B1,0F9,7B5,7F6,0B2,7B6,7F7,0B3,7B7,7F8,0B4,7B8,7F9,0B5,7B9,0I6,0W6,0I7,0W7,0I8,0W8,0I9,0W9",
            "1F0,1F1,1F2,1F3,1F4,6F0,1F5,6F1,6I0,6W0,6F2,6I1,6W1,6F3,1F6,6B2,6F4,1B0,1F7,6B3,6F5,1B1,1F8,6B4,6F6,1B2,1F9,6B5,6F7,1B3,6B6,6F8,1B4,6B7,6F9,1B5,6B8,1B6,6I9,1I7,6W9,1I8,1W7,1I9,1W8,1W9",
            "2F0,2F1,2F2,5F0,2F3,5F1,2F4,5F2,5I0,5W0,5F3,2F5,5B1,5F4,2B0,2F6,5B2,5F5,2B1,2F7,5B3,5F6,2B2,2F8,5B4,5F7,2B3,2F9,5B5,5F8,2B4,5B6,5F9,2B5,5B7,2B6,5B8,2I7,5I9,2I8,2W7,2I9,5W9,2W8,2W9",
            "3F0,4F0,3F1,4F1,3F2,4F2,3F3,4F3,3F4,4B0,4F4,3B0,3F5,4B1,4F5,3B1,3F6,4B2,4F6,3B2,3F7,4B3,4F7,3B3,3F8,4B4,4F8,3B4,3F9,4B5,4F9,3B5,4B6,3B6,4B7,3B7,4I8,3I8,4I9,3I9,4W8,3W8,4W9,3W9",
        ]),
        (devices: 3, microbatches: 7, ranks: [
            "0F0,0F1,0F2,0F3,0F4,5F0,5I0,5W0,5F1,5I1,5W1,5F2,0F5,5B2,5F3,0B0,0F6,5B3,5F4,0B1,5B4,5F5,0B2,5B5,5F6,0B3,5B6,0I4,0W4,0I5,0W5,0I6,0W6",
            "1F0,1F1,1F2,4F0,1F3,4F1,4I0,4W0,4F2,1F4,4B1,4F3,1B0,1F5,4B2,4F4,1B1,1F6,4B3,4F5,1B2,4B4,4F6,1B3,4B5,1B4,4I6,1I5,4W6,1I6,1W5,1W6",
            "2F0,3F0,2F1,3F1,2F2,3F2,2F3,3B0,3F3,2B0,2F4,3B1,3F4,2B1,2F5,3B2,3F5,2B2,2F6,3B3,3F6,2B3,3B4,2B4,3B5,2I5,3I6,2I6,2W5,3W6,2W6",
        ]),
    ]

    @Test(arguments: pytorch.indices)
    func ordersArePyTorchs(index: Int) throws {
        let c = Self.pytorch[index]
        let problem = TestProblems.unit(devices: c.devices, microbatches: c.microbatches, placement: .v, chunks: 2)
        PyTorchOrders.expect(try DualPipeV().build(problem), are: c.ranks, on: problem, "p=\(c.devices) m=\(c.microbatches)")
    }

    @Test func problemsPyTorchRefusesAreRefused() {
        let few = TestProblems.unit(devices: 4, microbatches: 7, placement: .v, chunks: 2)
        #expect(throws: FamilyError.self) { try DualPipeV().build(few) }
        let interleaved = TestProblems.unit(devices: 4, microbatches: 8, placement: .interleaved, chunks: 2)
        #expect(throws: FamilyError.self) { try DualPipeV().build(interleaved) }
    }
}
