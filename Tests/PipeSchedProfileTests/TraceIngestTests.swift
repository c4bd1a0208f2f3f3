import Foundation
import Testing
import PipeSched
@testable import PipeSchedProfile

/// Measured profiles: Chrome traces the tests generate with known durations and memory, and the
/// plain CSV, both round-tripping to the costs they were made from.
@Suite struct TraceIngestTests {
    /// Per stage: F, I, W in ms and the memory each allocates (GiB).
    static let truth: [(f: Double, i: Double, w: Double, memF: Double, memI: Double)] = [(1.2, 1.3, 0.9, 2.0, -1.5), (1.5, 1.6, 1.1, 1.0, -0.25)]
    /// Jitter around each duration: sorted, its median is 0.
    static let jitter = [-0.1, 0.0, 0.0, 0.2]
    static let gib = 1_073_741_824.0

    /// One rank's trace of a ZB-H1-like run with one stage per rank and four microbatches: GPU
    /// annotations with the true durations, CPU annotations 0.5 ms longer, communication and profiler
    /// noise, and `[memory]` events.
    static func trace(rank: Int, singleStageNames: Bool = false, rankInFile: Bool = true, beginEnd: Bool = false) -> Data {
        let t = truth[rank]
        var events: [[String: Any]] = [["ph": "X", "name": "ProfilerStep#1", "cat": "user_annotation", "ts": 0, "dur": 1e6, "pid": 1, "tid": 1]]
        var clock = 1000.0 + 500.0 * Double(rank)
        var allocated = 10 * gib
        func memoryEvent(_ time: Double) { events.append(["ph": "i", "name": "[memory]", "ts": time, "pid": 1, "tid": 1, "args": ["Total Allocated": allocated, "Device Id": 0, "Bytes": 0]]) }
        memoryEvent(0)
        func span(_ label: String, _ milliseconds: Double, allocates bytes: Double) {
            let name = singleStageNames ? label : "PP:\(rank)\(label)"
            let start = clock, duration = milliseconds * 1000
            if beginEnd {
                events.append(["ph": "B", "name": name, "cat": "user_annotation", "ts": start, "pid": 1, "tid": 2])
                events.append(["ph": "E", "name": name, "cat": "user_annotation", "ts": start + duration + 500, "pid": 1, "tid": 2])
            } else {
                events.append(["ph": "X", "name": name, "cat": "user_annotation", "ts": start, "dur": duration + 500, "pid": 1, "tid": 2])
            }
            events.append(["ph": "X", "name": name, "cat": "gpu_user_annotation", "ts": start + 10, "dur": duration, "pid": 0, "tid": 7])
            allocated += bytes
            memoryEvent(start + duration / 2)
            events.append(["ph": "X", "name": "PP:\(rank)SEND_F0", "cat": "user_annotation", "ts": start + duration + 20, "dur": 30, "pid": 1, "tid": 2])
            clock += duration + 200
        }
        for mb in 0..<4 {
            if singleStageNames {
                span("Forward \(mb)", t.f + jitter[mb], allocates: t.memF * gib)
            } else {
                span("F\(mb)", t.f + jitter[mb], allocates: t.memF * gib)
                span("I\(mb)", t.i + jitter[(mb + 1) % 4], allocates: t.memI * gib)
                span("W\(mb)", t.w + jitter[(mb + 2) % 4], allocates: -(t.memF + t.memI) * gib)
            }
        }
        if singleStageNames {
            for mb in 0..<4 { span("Backward \(mb)", t.i + t.w + jitter[mb], allocates: -t.memF * gib) }
        }
        var root: [String: Any] = ["traceEvents": events, "displayTimeUnit": "ms"]
        if rankInFile { root["distributedInfo"] = ["rank": rank, "world_size": 2, "backend": "nccl"] }
        return try! JSONSerialization.data(withJSONObject: root)
    }

    @Test func generatedTracesYieldTheirDurationsAndMemory() throws {
        let profile = try TraceIngest.profile(traces: [Self.trace(rank: 1), Self.trace(rank: 0, beginEnd: true)], names: ["r1", "r0"])
        #expect(profile.rows.map(\.stage) == [0, 1])
        #expect(profile.observedMicrobatches == 4)
        for (row, t) in zip(profile.rows, Self.truth) {
            #expect(abs(row.forward - t.f) < 1e-9 && abs(row.backwardInput - t.i) < 1e-9 && abs(row.backwardWeight - t.w) < 1e-9, "\(row)")
            #expect(abs(row.memory.forward - t.memF) < 1e-9 && abs(row.memory.backwardInput - t.memI) < 1e-9)
            #expect(abs(row.memory.backwardWeight + t.memF + t.memI) < 1e-9)
            #expect(row.device == row.stage)
        }
        let problem = try profile.problem(name: "measured")
        #expect(problem.microbatches == 4 && problem.placement == .sequential)
        #expect(abs(problem.duration(.forward, stage: 1, slice: 0) - 1.5) < 1e-9)
        #expect(try Methods.solve(problem, method: "zb-h1").evaluation.isValid)
    }

    @Test func singleStageScheduleNamesSplitTheFusedBackwardInHalf() throws {
        let profile = try TraceIngest.profile(traces: [Self.trace(rank: 0, singleStageNames: true, rankInFile: false),
                                                       Self.trace(rank: 1, singleStageNames: true, rankInFile: false)], names: ["a", "b"])
        for (row, t) in zip(profile.rows, Self.truth) {
            #expect(abs(row.forward - t.f) < 1e-9)
            #expect(abs(row.backwardInput - (t.i + t.w) / 2) < 1e-9 && abs(row.backwardWeight - (t.i + t.w) / 2) < 1e-9)
        }
    }

    @Test func labelsOfThePipeliningRuntimeAreRecognised() {
        #expect(TraceIngest.label("PP:3I0", rank: 0)! == (3, "I", 0, 0))
        #expect(TraceIngest.label("0F12", rank: 5)! == (0, "F", 12, 0))
        #expect(TraceIngest.label("PP:2F5@1", rank: 0)! == (2, "F", 5, 1))
        #expect(TraceIngest.label("PP:1BW4", rank: 0)! == (1, "B", 4, 0))
        #expect(TraceIngest.label("Backward 7", rank: 2)! == (2, "B", 7, 0))
        for other in ["PP:0SEND_F1", "PP:1UNSHARD", "PP:0REDUCE_GRAD", "PP:(0F7;7B3)OVERLAP_F_B", "ProfilerStep#3", "aten::mm"] {
            #expect(TraceIngest.label(other, rank: 0) == nil, "\(other)")
        }
    }

    @Test func aTraceWithoutPassesIsRefused() {
        let empty = try! JSONSerialization.data(withJSONObject: ["traceEvents": [["ph": "X", "name": "aten::mm", "ts": 0, "dur": 5]]])
        #expect(throws: ProfileError.self) { try TraceIngest.profile(traces: [empty], names: ["x"]) }
        #expect(throws: ProfileError.self) { try TraceIngest.profile(traces: [Data("nope".utf8)], names: ["x"]) }
    }

    @Test func csvRoundTripsTheMeasuredProfile() throws {
        let profile = try TraceIngest.profile(traces: [Self.trace(rank: 0), Self.trace(rank: 1)], names: ["r0", "r1"])
        let text = MeasuredCSV.render(profile)
        #expect(text.hasPrefix("stage,slice,device,forward,backwardInput,backwardWeight,memoryForward"))
        let again = try MeasuredCSV.parse(text)
        #expect(again.rows == profile.rows)
    }

    @Test func csvNeedsOnlyTimesAndDefaultsTheRest() throws {
        let text = """
        # measured on 4 ranks
        stage,forward,backwardInput,backwardWeight,memoryForward,memoryBackwardInput
        0,1.0,1.1,0.9,2,-1.5
        1,1.2,1.3,1.0,2,-1.5

        """
        let problem = try MeasuredCSV.parse(text).problem(name: "csv", microbatches: 8, latency: 0.05, memoryLimit: 40)
        #expect(problem.devices == 2 && problem.microbatches == 8 && problem.communication.latency == 0.05)
        #expect(problem.stages[1].memory.backwardWeight == -0.5)
        #expect(problem.memoryLimit == [40, 40])
    }

    @Test func csvErrorsNameTheLineAndColumn() {
        let bad = "stage,forward,backwardInput,backwardWeight\n0,1,x,1\n"
        #expect(throws: ProfileError(field: "line 2, backwardInput", message: "\"x\" is not a number", fix: "give a finite number")) {
            try MeasuredCSV.parse(bad)
        }
        #expect(throws: ProfileError.self) { try MeasuredCSV.parse("stage,forward\n0,1\n") }
    }
}
