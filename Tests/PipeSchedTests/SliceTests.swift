import Foundation
import Testing
@testable import PipeSched

/// Sequence slices (Seq1F1B, arXiv 2406.03488): per-slice costs in the problem file, the families that
/// run slices, and the reduction to the unsliced problem at k = 1.
@Suite struct SliceTests {
    static let slicedFamilies = ["gpipe", "bfs", "zb-h1", "seq1f1b"]

    func decode(_ text: String) throws(ProblemError) -> Problem { try Problem.decode(json: Data(text.utf8)) }

    func error(_ text: String) -> ProblemError? {
        do { _ = try decode(text); return nil } catch { return error }
    }

    static let sliced = """
    {"microbatches": 4, "devices": 2, "sequenceSlices": 3,
     "stages": [
       {"forward": [1, 2, 3], "backwardInput": 2, "backwardWeight": [1, 1, 1.5],
        "memory": {"forward": [3, 2, 1], "backwardInput": -1, "backwardWeight": [-2, -1, 0]}},
       {"forward": 1, "backwardInput": 1, "backwardWeight": 1}]}
    """

    @Test func perSliceCostsAreReadSliceBySlice() throws {
        let problem = try decode(Self.sliced)
        #expect((0..<3).map { problem.duration(.forward, stage: 0, slice: $0) } == [1, 2, 3])
        #expect((0..<3).map { problem.duration(.backward, stage: 0, slice: $0) } == [3, 3, 3.5])
        #expect((0..<3).map { problem.memoryDelta(.forward, stage: 0, slice: $0) } == [3, 2, 1])
        #expect((0..<3).map { problem.duration(.forward, stage: 1, slice: $0) } == [1, 1, 1])
        #expect(problem.work(device: 0) == 4 * (6 + 6 + 3.5))
        #expect(problem.work(device: 1) == 4 * 3 * 3)
    }

    @Test func perSliceCostsRoundTripThroughJSON() throws {
        let problem = try decode(Self.sliced)
        let data = try JSONEncoder().encode(problem)
        #expect(try Problem.decode(json: data) == problem)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"forward\":[1,2,3]"))
        #expect(text.contains("\"backwardInput\":2"), "a value shared by every slice is written once")
    }

    @Test func anArrayOfTheWrongLengthIsNamed() {
        let e = error(Self.sliced.replacingOccurrences(of: "\"sequenceSlices\": 3", with: "\"sequenceSlices\": 4"))
        #expect(e?.field == "stages[0].forward")
        #expect(e?.message == "has 3 values but sequenceSlices is 4")
    }

    @Test func eachSlicesDeltasMustSumToZeroOrMore() {
        let e = error(Self.sliced.replacingOccurrences(of: "\"backwardWeight\": [-2, -1, 0]", with: "\"backwardWeight\": [-2, -1, -0.5]"))
        #expect(e?.field == "stages[0].memory")
        #expect(e?.message == "deltas of slice 2 sum to -0.5; they must sum to 0 or more (what is held until the step ends)")
    }

    @Test func aStageWithTheWrongNumberOfSlicesIsRefused() {
        let stage = StageProfile(slices: Array(repeating: PassCosts(forward: 1, backwardInput: 1, backwardWeight: 1), count: 2))
        #expect(throws: ProblemError.self) { try Problem(microbatches: 2, devices: 1, stages: [stage], sequenceSlices: 3) }
    }

    @Test func oneSliceIsExactlyTheUnslicedProblem() throws {
        for (index, p) in [2, 4, 6].enumerated() {
            let plain = TestProblems.random(devices: p, microbatches: 2 * p, seed: UInt64(40 + index))
            let text = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
            let arrays = try NSRegularExpression(pattern: "\"(forward|backwardInput|backwardWeight)\":(-?[0-9.e+-]+)")
            let withArrays = arrays.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "\"$1\":[$2]")
                .replacingOccurrences(of: "\"microbatches\"", with: "\"sequenceSlices\":1,\"microbatches\"")
            #expect(withArrays.contains("\"forward\":["))
            let again = try decode(withArrays)
            #expect(again == plain)
            for family in ScheduleFamilies.all {
                guard let schedule = try? family.build(plain) else { continue }
                #expect(try family.build(again) == schedule)
                let a = try Evaluation(plain, schedule, objective: .stageSpan).metrics
                let b = try Evaluation(again, schedule, objective: .stageSpan).metrics
                #expect(a == b, "\(family.name)")
            }
        }
    }

    @Test func seq1F1BWithOneSliceIs1F1B() throws {
        for p in 2...6 {
            let problem = TestProblems.random(devices: p, microbatches: 3 * p, seed: UInt64(p))
            #expect(try Seq1F1B().build(problem) == (try OneFOneB().build(problem)))
        }
    }

    @Test(arguments: slicedFamilies)
    func slicedSchedulesAreValid(method: String) throws {
        let family = try #require(ScheduleFamilies.named(method))
        let placements: [(Placement, Int)] = method == "bfs" ? [(.sequential, 1), (.interleaved, 2), (.v, 2)] : [(.sequential, 1)]
        for (placement, chunks) in placements {
            for p in [2, 3, 4, 8] {
                for m in [1, p, 2 * p] {
                    for k in [2, 3, 4] {
                        let problem = TestProblems.randomSliced(devices: p, microbatches: m, slices: k, placement: placement,
                                                                chunks: chunks, seed: UInt64(100 * p + 10 * m + k))
                        let schedule = try family.build(problem)
                        let evaluation = try Evaluation(problem, schedule, objective: .stageSpan)
                        #expect(evaluation.isValid, "\(method) p=\(p) m=\(m) k=\(k): \(evaluation.issues.prefix(3))")
                        #expect(evaluation.metrics.stageSpan >= evaluation.metrics.lowerBound - 1e-9)
                        #expect(evaluation.metrics.makespan >= LowerBound.value(problem, objective: .makespan) - 1e-9)
                        let peaks = evaluation.metrics.peakMemory
                        #expect((0..<p).allSatisfy { peaks[$0] >= problem.minimumMemory(device: $0) - 1e-9 })
                    }
                }
            }
        }
    }

    @Test func familiesThatCannotSliceSaySo() {
        let problem = TestProblems.randomSliced(devices: 4, microbatches: 8, slices: 2, seed: 7)
        for name in ["1f1b", "zb-h2"] {
            #expect(throws: FamilyError.self) { try ScheduleFamilies.named(name)!.build(problem) }
        }
        let v = TestProblems.randomSliced(devices: 2, microbatches: 4, slices: 2, placement: .v, chunks: 2, seed: 8)
        for name in ["zb-v", "v-half", "v-min"] {
            #expect(throws: FamilyError.self) { try ScheduleFamilies.named(name)!.build(v) }
        }
    }

    @Test func seq1F1BWarmsUpWithPMinusSMinus2PlusKUnits() throws {
        let p = 4, k = 2
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1)
        let problem = try Problem(microbatches: 4, devices: p, stages: Array(repeating: stage, count: p), sequenceSlices: k)
        let schedule = try Seq1F1B().build(problem)
        for s in 0..<p {
            let warmup = schedule.orders[s].prefix { $0.kind == .forward }.count
            #expect(warmup == p - s - 2 + k + 1, "stage \(s): the warm-up plus the first steady forward")
        }
        #expect(schedule.orders[3].prefix(4) == [.forward(3, 0, slice: 0), .forward(3, 0, slice: 1), .backward(3, 0, slice: 1), .forward(3, 1, slice: 0)])
    }

    @Test func slicesCutSeq1F1BPeakMemory() throws {
        // Unit costs split evenly over k slices: 1F1B holds p microbatches on stage 0, Seq1F1B
        // holds (p − 2 + k + 1) slices of 1/k microbatch each.
        let p = 8, m = 16
        func peak(_ k: Int) throws -> Double {
            let share = 1.0 / Double(k)
            let stage = StageProfile(forward: share, backwardInput: share, backwardWeight: share,
                                     memory: MemoryDeltas(forward: share, backwardInput: -share, backwardWeight: 0))
            let problem = try Problem(microbatches: m, devices: p, stages: Array(repeating: stage, count: p), sequenceSlices: k)
            return try Evaluation(problem, try Seq1F1B().build(problem), objective: .stageSpan).metrics.peakMemory[0]
        }
        #expect(try peak(1) == 8)
        #expect(abs(try peak(4) - Double(p - 2 + 4 + 1) / 4) < 1e-9)
    }
}
