import Testing
@testable import CPSAT

/// The protobuf encoder and decoder against the examples of the wire-format specification.
@Suite struct WireFormatTests {
    @Test func varintsMatchTheSpecification() {
        var writer = ProtoWriter()
        writer.varint(1)
        writer.varint(150)
        writer.varint(300)
        #expect(writer.bytes == [0x01, 0x96, 0x01, 0xAC, 0x02])
    }

    @Test func negativeIntegersTakeTenBytesAndReadBack() throws {
        var writer = ProtoWriter()
        writer.int(3, -1)
        #expect(writer.bytes == [0x18] + Array(repeating: 0xFF, count: 9) + [0x01])
        var reader = ProtoReader(writer.bytes)
        let field = try #require(try reader.next())
        #expect(field.field == 3)
        #expect(field.value.int64 == -1)
        #expect(try reader.next() == nil)
    }

    @Test func defaultsAreOmittedAndMessagesNest() throws {
        var writer = ProtoWriter()
        writer.int(1, 0)
        writer.double(2, 0)
        writer.bool(3, false)
        #expect(writer.bytes.isEmpty)
        writer.message(4) { $0.packed(2, [Int64(-5), 0, 7]) }
        writer.double(5, 2.5)
        var reader = ProtoReader(writer.bytes)
        let nested = try #require(try reader.next())
        #expect(nested.field == 4)
        guard case .bytes(var inner) = nested.value else { Issue.record("not length-delimited"); return }
        let packed = try #require(try inner.next())
        #expect(packed.field == 2)
        #expect(packed.value.int64s == [-5, 0, 7])
        let double = try #require(try reader.next())
        #expect(double.field == 5 && double.value.double == 2.5)
    }

    @Test func truncatedInputThrowsInsteadOfTrapping() {
        for bytes: [UInt8] in [[0x08], [0x12, 0x05, 0x01], [0x09, 0x00], [0x80, 0x80], [0x00]] {
            var reader = ProtoReader(bytes)
            #expect(throws: ProtoReader.Malformed.self) { while try reader.next() != nil {} }
        }
    }

    @Test func responsesDecodeStatusSolutionAndBound() throws {
        var writer = ProtoWriter()
        writer.int(1, 4)
        writer.packed(2, [Int64(10), -3])
        writer.double(3, 7)
        writer.double(4, 6.5)
        writer.int(12, 42)
        writer.string(20, "done")
        writer.int(99, 1)  // unknown: skipped
        let response = try CPResponse(serialized: writer.bytes)
        #expect(response == CPResponse(status: .optimal, solution: [10, -3], objectiveValue: 7, bestObjectiveBound: 6.5, branches: 42, info: "done"))
    }

    /// `expand_reservoir_constraints` defaults to `true` in OR-Tools, so `false` must be on the wire.
    @Test func reservoirExpansionIsSentEvenWhenOff() throws {
        for expand in [false, true] {
            var reader = ProtoReader(CPParameters(timeLimit: 1, workers: 1, expandReservoirs: expand).serialized())
            var value: Int64?
            while let field = try reader.next() {
                if field.field == 182 { value = field.value.int64 }
            }
            #expect(value == (expand ? 1 : 0))
        }
    }
}
