import Foundation
import Testing
@testable import PipeSched
@testable import PipeSchedExport

/// The Chrome trace: valid JSON, one complete event per pass with its real duration, memory counters.
@Suite struct ChromeTraceTests {
    /// A JSON number as a Double, whether the parser produced an integer or not.
    func number(_ value: Any?) -> Double? {
        guard let value else { return nil }
        switch value {
        case let value as Int: return Double(value)
        case let value as Double: return value
        case let value as NSNumber: return value.doubleValue
        default: return nil
        }
    }

    func events(_ trace: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(trace.utf8)) as? [String: Any]
        return try #require(object?["traceEvents"] as? [[String: Any]])
    }

    @Test func hasOneCompleteEventPerPassWithTheRightDuration() throws {
        let problem = ExportFixtures.problem(devices: 4, microbatches: 8, placement: .interleaved, chunks: 2)
        let document = try ExportFixtures.document(problem, method: "interleaved-1f1b")
        let passes = try events(ChromeTrace(timeUnit: .us).render(document)).filter { $0["ph"] as? String == "X" }
        #expect(passes.count == document.timeline.joined().count)
        for (device, row) in document.timeline.enumerated() {
            let mine = passes.filter { $0["pid"] as? Int == device + 1 }
            #expect(mine.count == row.count)
            for (event, entry) in zip(mine, row) {
                let args = try #require(event["args"] as? [String: Any])
                #expect(event["name"] as? String == ChromeTrace.name(entry))
                #expect(args["stage"] as? Int == entry.stage && args["microbatch"] as? Int == entry.microbatch && args["slice"] as? Int == 0)
                #expect(abs((number(event["ts"]) ?? -1) - entry.start) < 1e-9)
                #expect(abs((number(event["dur"]) ?? -1) - (entry.end - entry.start)) < 1e-9)
                #expect(event["cname"] as? String == ChromeTrace.colorName(entry.op))
            }
        }
    }

    @Test func anOverlappedPairsBackwardRunsOnATrackBesideItsForward() throws {
        let problem = try ExportFixtures.overlapping(ExportFixtures.problem(devices: 4, microbatches: 8, placement: .v, chunks: 2))
        let document = try ExportFixtures.document(problem, method: "dualpipev")
        let passes = try events(ChromeTrace(timeUnit: .us).render(document)).filter { $0["ph"] as? String == "X" }
        #expect(passes.count == document.timeline.joined().count)
        let overlapped = passes.filter { ($0["args"] as? [String: Any])?["overlapped"] as? Bool == true }
        #expect(overlapped.count == document.timeline.joined().filter(\.overlapped).count)
        #expect(overlapped.filter { $0["tid"] as? Int == 2 }.count == overlapped.count / 2)
        #expect(passes.filter { $0["tid"] as? Int == 2 }.allSatisfy { ($0["args"] as? [String: Any])?["kind"] as? String != "F" })
    }

    @Test func theTimeUnitScalesToMicroseconds() throws {
        let document = try ExportFixtures.document(ExportFixtures.problem(devices: 2, microbatches: 2), method: "1f1b")
        let passes = try events(ChromeTrace(timeUnit: .ms).render(document)).filter { $0["ph"] as? String == "X" }
        let first = try #require(document.timeline[0].first)
        #expect(abs((number(passes[0]["dur"]) ?? 0) - (first.end - first.start) * 1000) < 1e-6)
    }

    @Test func eachDeviceIsATrackAndMemoryIsACounterWhenTheProblemIsGiven() throws {
        let problem = ExportFixtures.problem(devices: 4, microbatches: 8, memoryLimit: 40)
        let document = try ExportFixtures.document(problem, method: "zb-h1")
        let all = try events(ChromeTrace().render(document, problem: problem))
        let names = all.filter { $0["name"] as? String == "process_name" }.compactMap { ($0["args"] as? [String: Any])?["name"] as? String }
        #expect(names == (0..<4).map { "device \($0)" })
        let counters = all.filter { $0["ph"] as? String == "C" }
        #expect(Set(counters.compactMap { $0["pid"] as? Int }) == [1, 2, 3, 4])
        let peak = counters.filter { $0["pid"] as? Int == 1 }.compactMap { number(($0["args"] as? [String: Any])?["memory"]) }.max()
        #expect(peak == document.metrics.peakMemory[0])
        #expect(try events(ChromeTrace().render(document)).allSatisfy { $0["ph"] as? String != "C" })
    }

    @Test func otherDataRecordsTheMethodAndMetrics() throws {
        let document = try ExportFixtures.document(ExportFixtures.problem(devices: 2, microbatches: 2), method: "1f1b")
        let object = try JSONSerialization.jsonObject(with: Data(ChromeTrace().render(document).utf8)) as? [String: Any]
        let other = try #require(object?["otherData"] as? [String: Any])
        #expect(other["method"] as? String == "1f1b")
        #expect(number(other["stageSpan"]) == document.metrics.stageSpan)
    }

    @Test func slicesAreNamedAsPyTorchNamesThem() throws {
        func entry(_ op: OpKind, stage: Int, microbatch: Int, slice: Int = 0) -> ScheduleDocument.Entry {
            ScheduleDocument.Entry(TimedOp(Op(op, stage: stage, microbatch: microbatch, slice: slice), start: 0, end: 1))
        }
        #expect(ChromeTrace.name(entry(.forward, stage: 0, microbatch: 1)) == "PP:0F1")
        #expect(ChromeTrace.name(entry(.backwardInput, stage: 3, microbatch: 0)) == "PP:3I0")
        #expect(ChromeTrace.name(entry(.backwardWeight, stage: 2, microbatch: 7)) == "PP:2W7")
        #expect(ChromeTrace.name(entry(.backward, stage: 1, microbatch: 4)) == "PP:1B4")
        #expect(ChromeTrace.name(entry(.forward, stage: 2, microbatch: 5, slice: 1)) == "PP:2F5@1")
    }

    @Test(arguments: [("1f1b", Placement.sequential, 1, 1), ("interleaved-1f1b", .interleaved, 2, 1), ("zb-v", .v, 2, 1), ("seq1f1b", .sequential, 1, 2)])
    func everyTransferBetweenDevicesIsOneFlowArrow(method: String, placement: Placement, chunks: Int, slices: Int) throws {
        let problem = ExportFixtures.problem(devices: 3, microbatches: 4, placement: placement, chunks: chunks, slices: slices)
        let document = try ExportFixtures.document(problem, method: method)
        let all = try events(ChromeTrace().render(document, problem: problem))
        let starts = all.filter { $0["ph"] as? String == "s" }, finishes = all.filter { $0["ph"] as? String == "f" }
        var crossing = 0
        for (device, row) in document.timeline.enumerated() {
            for entry in row {
                for dependency in problem.dependencies(of: entry.timedOp.op) {
                    let stage: Int
                    switch dependency {
                    case .op(let op): stage = op.stage
                    case .inputGradient(let s, _, _): stage = s
                    case .ifScheduled(let action): stage = action.stage
                    }
                    if problem.stageDevice[stage] != device { crossing += 1 }
                }
            }
        }
        #expect(crossing > 0)
        #expect(starts.count == crossing && finishes.count == crossing)
        for (start, finish) in zip(starts, finishes) {
            #expect(start["id"] as? Int == finish["id"] as? Int && start["pid"] as? Int != finish["pid"] as? Int)
            #expect(finish["bp"] as? String == "e")
            let args = try #require(finish["args"] as? [String: Any])
            #expect((number(args["arrival"]) ?? .infinity) <= (number(args["consumerStart"]) ?? -1) + 1e-9, "data arrives before its consumer starts")
        }
        let without = try events(ChromeTrace().render(document))
        #expect(!without.contains { $0["ph"] as? String == "s" }, "no flows without the problem (the dependencies come from it)")
    }

    /// Where messages hold their links (`Communication.transfer`), each appears on its sender's track
    /// "link to device k" for its transfer time, one at a time per link, and arrives before its consumer.
    @Test func busyLinksGetTracksWithTheirMessages() throws {
        let base = ExportFixtures.problem(devices: 3, microbatches: 4, placement: .sequential, chunks: 1, slices: 1)
        let problem = try base.with { $0.communication = Communication(latency: 0.1, transfer: 1.5, topology: nil) }
        let document = try ExportFixtures.document(problem, method: "1f1b")
        let all = try events(ChromeTrace().render(document, problem: problem))
        let sends = all.filter { $0["cat"] as? String == "link" }
        #expect(sends.count == all.filter { $0["ph"] as? String == "s" }.count)
        let names = all.filter { $0["name"] as? String == "thread_name" }.compactMap { ($0["args"] as? [String: Any])?["name"] as? String }
        #expect(names.contains("link to device 1") && names.contains("link to device 0"))
        for link in Set(sends.map { [$0["pid"] as! Int, $0["tid"] as! Int] }) {
            let busy = sends.filter { [$0["pid"] as! Int, $0["tid"] as! Int] == link }
                .map { (number($0["ts"])!, number($0["ts"])! + number($0["dur"])!) }.sorted { $0.0 < $1.0 }
            for (a, b) in zip(busy, busy.dropFirst()) { #expect(a.1 <= b.0 + 1e-6, "messages overlap on link \(link)") }
        }
        for finish in all.filter({ $0["ph"] as? String == "f" }) {
            let args = try #require(finish["args"] as? [String: Any])
            #expect((number(args["arrival"]) ?? .infinity) <= (number(args["consumerStart"]) ?? -1) + 1e-9)
        }
    }
}
