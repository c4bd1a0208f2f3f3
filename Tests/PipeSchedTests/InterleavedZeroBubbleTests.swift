import Testing
@testable import PipeSched

/// `interleaved-zb` against PyTorch's own `ScheduleInterleavedZeroBubble`: the orders below were
/// written by PyTorch 2.13.0 (`scripts/peer_orders.py InterleavedZeroBubble P M CHUNKS`, its own
/// schedule code, compute actions only; `I` is PyTorch's backward-input, our `B`).
@Suite struct InterleavedZeroBubbleTests {
    static let pytorch: [(devices: Int, microbatches: Int, chunks: Int, ranks: [String])] = [
        (devices: 4, microbatches: 8, chunks: 2, ranks: [
            "0F0,0F1,0F2,0F3,4F0,4F1,4F2,4F3,4I0,4W0,0F4,4I1,4W1,0F5,4I2,4W2,0F6,4I3,4W3,0F7,0I0,0W0,4F4,0I1,0W1,4F5,0I2,0W2,4F6,0I3,0W3,4F7,4I4,4W4,4I5,4W5,4I6,4W6,4I7,4W7,0I4,0W4,0I5,0W5,0I6,0W6,0I7,0W7",
            "1F0,1F1,1F2,1F3,5F0,5F1,5F2,5I0,5F3,5I1,5W0,1F4,5I2,5W1,1F5,5I3,5W2,1F6,1I0,5W3,1F7,1I1,1W0,5F4,1I2,1W1,5F5,1I3,1W2,5F6,5I4,1W3,5F7,5I5,5W4,5I6,5W5,5I7,5W6,1I4,5W7,1I5,1W4,1I6,1W5,1I7,1W6,1W7",
            "2F0,2F1,2F2,2F3,6F0,6F1,6I0,6F2,6I1,6F3,6I2,6W0,2F4,6I3,6W1,2F5,2I0,6W2,2F6,2I1,6W3,2F7,2I2,2W0,6F4,2I3,2W1,6F5,6I4,2W2,6F6,6I5,2W3,6F7,6I6,6W4,6I7,6W5,2I4,6W6,2I5,6W7,2I6,2W4,2I7,2W5,2W6,2W7",
            "3F0,3F1,3F2,3F3,7F0,7I0,7F1,7I1,7F2,7I2,7F3,7I3,7W0,3F4,3I0,7W1,3F5,3I1,7W2,3F6,3I2,7W3,3F7,3I3,3W0,7F4,7I4,3W1,7F5,7I5,3W2,7F6,7I6,3W3,7F7,7I7,7W4,3I4,7W5,3I5,7W6,3I6,7W7,3I7,3W4,3W5,3W6,3W7",
        ]),
        (devices: 3, microbatches: 6, chunks: 3, ranks: [
            "0F0,0F1,0F2,3F0,3F1,3F2,6F0,6F1,6F2,6I0,6W0,0F3,6I1,6W1,0F4,6I2,6W2,0F5,3I0,3W0,3F3,3I1,3W1,3F4,3I2,3W2,3F5,0I0,0W0,6F3,0I1,0W1,6F4,0I2,0W2,6F5,6I3,6W3,6I4,6W4,6I5,6W5,3I3,3W3,3I4,3W4,3I5,3W5,0I3,0W3,0I4,0W4,0I5,0W5",
            "1F0,1F1,1F2,4F0,4F1,4F2,7F0,7F1,7I0,7F2,7I1,7W0,1F3,7I2,7W1,1F4,4I0,7W2,1F5,4I1,4W0,4F3,4I2,4W1,4F4,1I0,4W2,4F5,1I1,1W0,7F3,1I2,1W1,7F4,7I3,1W2,7F5,7I4,7W3,7I5,7W4,4I3,7W5,4I4,4W3,4I5,4W4,1I3,4W5,1I4,1W3,1I5,1W4,1W5",
            "2F0,2F1,2F2,5F0,5F1,5F2,8F0,8I0,8F1,8I1,8F2,8I2,8W0,2F3,5I0,8W1,2F4,5I1,8W2,2F5,5I2,5W0,5F3,2I0,5W1,5F4,2I1,5W2,5F5,2I2,2W0,8F3,8I3,2W1,8F4,8I4,2W2,8F5,8I5,8W3,5I3,8W4,5I4,8W5,5I5,5W3,2I3,5W4,2I4,5W5,2I5,2W3,2W4,2W5",
        ]),
        (devices: 4, microbatches: 6, chunks: 2, ranks: [
            "0F0,0F1,0F2,0F3,0F4,0F5,4F0,4F1,4F2,4F3,4I0,4W0,4F4,4I1,4W1,4F5,4I2,4W2,4I3,4W3,4I4,4W4,4I5,4W5,0I0,0W0,0I1,0W1,0I2,0W2,0I3,0W3,0I4,0W4,0I5,0W5",
            "1F0,1F1,1F2,1F3,1F4,1F5,5F0,5F1,5F2,5I0,5F3,5I1,5W0,5F4,5I2,5W1,5F5,5I3,5W2,5I4,5W3,5I5,5W4,1I0,5W5,1I1,1W0,1I2,1W1,1I3,1W2,1I4,1W3,1I5,1W4,1W5",
            "2F0,2F1,2F2,2F3,2F4,2F5,6F0,6F1,6I0,6F2,6I1,6F3,6I2,6W0,6F4,6I3,6W1,6F5,6I4,6W2,6I5,6W3,2I0,6W4,2I1,6W5,2I2,2W0,2I3,2W1,2I4,2W2,2I5,2W3,2W4,2W5",
            "3F0,3F1,3F2,3F3,3F4,3F5,7F0,7I0,7F1,7I1,7F2,7I2,7F3,7I3,7W0,7F4,7I4,7W1,7F5,7I5,7W2,3I0,7W3,3I1,7W4,3I2,7W5,3I3,3W0,3I4,3W1,3I5,3W2,3W3,3W4,3W5",
        ]),
        (devices: 4, microbatches: 12, chunks: 2, ranks: [
            "0F0,0F1,0F2,0F3,4F0,4F1,4F2,4F3,4I0,4W0,0F4,4I1,4W1,0F5,4I2,4W2,0F6,4I3,4W3,0F7,0I0,0W0,4F4,0I1,0W1,4F5,0I2,0W2,4F6,0I3,0W3,4F7,4I4,4W4,0F8,4I5,4W5,0F9,4I6,4W6,0F10,4I7,4W7,0F11,0I4,0W4,4F8,0I5,0W5,4F9,0I6,0W6,4F10,0I7,0W7,4F11,4I8,4W8,4I9,4W9,4I10,4W10,4I11,4W11,0I8,0W8,0I9,0W9,0I10,0W10,0I11,0W11",
            "1F0,1F1,1F2,1F3,5F0,5F1,5F2,5I0,5F3,5I1,5W0,1F4,5I2,5W1,1F5,5I3,5W2,1F6,1I0,5W3,1F7,1I1,1W0,5F4,1I2,1W1,5F5,1I3,1W2,5F6,5I4,1W3,5F7,5I5,5W4,1F8,5I6,5W5,1F9,5I7,5W6,1F10,1I4,5W7,1F11,1I5,1W4,5F8,1I6,1W5,5F9,1I7,1W6,5F10,5I8,1W7,5F11,5I9,5W8,5I10,5W9,5I11,5W10,1I8,5W11,1I9,1W8,1I10,1W9,1I11,1W10,1W11",
            "2F0,2F1,2F2,2F3,6F0,6F1,6I0,6F2,6I1,6F3,6I2,6W0,2F4,6I3,6W1,2F5,2I0,6W2,2F6,2I1,6W3,2F7,2I2,2W0,6F4,2I3,2W1,6F5,6I4,2W2,6F6,6I5,2W3,6F7,6I6,6W4,2F8,6I7,6W5,2F9,2I4,6W6,2F10,2I5,6W7,2F11,2I6,2W4,6F8,2I7,2W5,6F9,6I8,2W6,6F10,6I9,2W7,6F11,6I10,6W8,6I11,6W9,2I8,6W10,2I9,6W11,2I10,2W8,2I11,2W9,2W10,2W11",
            "3F0,3F1,3F2,3F3,7F0,7I0,7F1,7I1,7F2,7I2,7F3,7I3,7W0,3F4,3I0,7W1,3F5,3I1,7W2,3F6,3I2,7W3,3F7,3I3,3W0,7F4,7I4,3W1,7F5,7I5,3W2,7F6,7I6,3W3,7F7,7I7,7W4,3F8,3I4,7W5,3F9,3I5,7W6,3F10,3I6,7W7,3F11,3I7,3W4,7F8,7I8,3W5,7F9,7I9,3W6,7F10,7I10,3W7,7F11,7I11,7W8,3I8,7W9,3I9,7W10,3I10,7W11,3I11,3W8,3W9,3W10,3W11",
        ]),
    ]

    @Test(arguments: pytorch.indices)
    func ordersArePyTorchs(index: Int) throws {
        let c = Self.pytorch[index]
        let problem = TestProblems.unit(devices: c.devices, microbatches: c.microbatches, placement: .interleaved, chunks: c.chunks)
        PyTorchOrders.expect(try InterleavedZeroBubble().build(problem), are: c.ranks, on: problem,
                             "p=\(c.devices) m=\(c.microbatches) chunks=\(c.chunks)")
    }

    @Test func microbatchesPyTorchRefusesAreRefused() {
        // p=4, m=6: one round of 6 (accepted); p=4, m=9: two rounds, 9 % 2 ≠ 0 (PyTorch raises).
        let accepted = TestProblems.unit(devices: 4, microbatches: 6, placement: .interleaved, chunks: 2)
        #expect(throws: Never.self) { try InterleavedZeroBubble().build(accepted) }
        let refused = TestProblems.unit(devices: 4, microbatches: 9, placement: .interleaved, chunks: 2)
        #expect(throws: FamilyError.self) { try InterleavedZeroBubble().build(refused) }
        let v = TestProblems.unit(devices: 4, microbatches: 8, placement: .v, chunks: 2)
        #expect(throws: FamilyError.self) { try InterleavedZeroBubble().build(v) }
    }
}
