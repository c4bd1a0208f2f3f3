import Foundation
import PipeSched
import Testing
@testable import PipeSchedStore

/// The fast schedule writer makes exactly the bytes `JSONEncoder` makes, for schedules of every shape.
@Suite struct ScheduleJSONWriterTests {
    static func encoderJSON(_ document: ScheduleDocument) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }

    static var documents: [ScheduleDocument] {
        let uniform = StageProfile(forward: 1, backwardInput: 1.25, backwardWeight: 0.75,
                                   memory: MemoryDeltas(forward: 2, backwardInput: -1.5, backwardWeight: -0.5), staticMemory: 3)
        var documents: [ScheduleDocument] = []
        let cases: [(Problem, String)] = [
            (try! Problem(name: "plain", microbatches: 6, devices: 3, stages: Array(repeating: uniform, count: 3)), "1f1b"),
            (try! Problem(name: "profiled for PyTorch", microbatches: 6, devices: 3, stages: Array(repeating: uniform, count: 3),
                          backwardSplit: .torch), "1f1b"),
            (try! Problem(name: "capped \"quoted\" / slashed\ttabbed é", microbatches: 8, devices: 4, stages: Array(repeating: uniform, count: 4),
                          memoryLimit: Array(repeating: 12.3, count: 4)), "greedy"),
            (try! Problem(name: "v", microbatches: 8, devices: 2, placement: .v, stages: Array(repeating: uniform, count: 4),
                          communication: Communication(latency: 0.1)), "zb-v"),
            (try! Problem(name: "sliced", microbatches: 4, devices: 2, stages: Array(repeating: uniform, count: 2), sequenceSlices: 2), "greedy"),
            (try! Problem(name: "tiny numbers", microbatches: 3, devices: 2,
                          stages: Array(repeating: StageProfile(forward: 1e-7, backwardInput: 3.3e-5, backwardWeight: 12345678.9), count: 2)), "gpipe"),
        ]
        for (problem, method) in cases {
            let solution = try! Methods.solve(problem, method: method)
            documents.append(solution.document(for: problem))
        }
        // A margin kept under the caps (`solve --memory-headroom`).
        let capped = cases[2].0
        let headroom = try! MemoryHeadroom(percent: 7.5)
        documents.append(try! Methods.solve(try! headroom.apply(to: capped), method: "greedy").remeasured(on: capped, headroom: headroom)
            .document(for: capped))
        return documents
    }

    @Test func bytesMatchJSONEncoder() throws {
        for document in Self.documents {
            let fast = try ScheduleJSONWriter.write(document)
            let reference = try Self.encoderJSON(document)
            #expect(fast == reference, "\(document.problem): \(String(decoding: fast.prefix(300), as: UTF8.self))")
            #expect(try ScheduleDocument.decode(json: fast) == document)
        }
    }

    @Test func documentsWithoutOptionalPartsMatchToo() throws {
        for var document in Self.documents.prefix(3) {
            document.bubbles = nil
            #expect(try ScheduleJSONWriter.write(document) == (try Self.encoderJSON(document)))
            document.criticalPath = nil
            #expect(try ScheduleJSONWriter.write(document) == (try Self.encoderJSON(document)))
        }
    }

    @Test func nonFiniteNumbersAreRefused() {
        var document = Self.documents[0]
        document.metrics.gap = .nan
        #expect(throws: ScheduleJSONWriter.NonFiniteNumber.self) { try ScheduleJSONWriter.write(document) }
    }
}
