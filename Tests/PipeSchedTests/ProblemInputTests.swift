import Foundation
import Testing
@testable import PipeSched

/// Problem files: the documented defaults, and the field-level errors for malformed input.
@Suite struct ProblemInputTests {
    static let valid = """
    {"name": "example", "microbatches": 12, "devices": 4, "placement": "sequential",
     "stages": [
       {"forward": 5, "backwardInput": 6, "backwardWeight": 4, "memory": {"forward": 2, "backwardInput": -1, "backwardWeight": -1}},
       {"forward": 5, "backwardInput": 6, "backwardWeight": 4, "memory": {"forward": 2, "backwardInput": -1, "backwardWeight": -1}},
       {"forward": 5, "backwardInput": 6, "backwardWeight": 4, "memory": {"forward": 2, "backwardInput": -1, "backwardWeight": -1}},
       {"forward": 5, "backwardInput": 6, "backwardWeight": 4, "memory": {"forward": 2, "backwardInput": -1, "backwardWeight": -1}}],
     "communication": 0, "memoryLimit": 10}
    """

    func decode(_ text: String) throws(ProblemError) -> Problem { try Problem.decode(json: Data(text.utf8)) }

    func error(_ text: String) -> ProblemError? {
        do { _ = try decode(text); return nil } catch { return error }
    }

    @Test func decodesTheDocumentedExample() throws {
        let problem = try decode(Self.valid)
        #expect(problem.devices == 4 && problem.microbatches == 12)
        #expect(problem.memoryLimit == [10, 10, 10, 10])
        #expect(problem.stageDevice == [0, 1, 2, 3])
        #expect(problem.sequenceSlices == 1)
    }

    @Test func roundTripsThroughJSON() throws {
        let problem = try decode(Self.valid)
        let again = try Problem.decode(json: try JSONEncoder().encode(problem))
        #expect(again == problem)
    }

    /// `backwardSplit` (how the problem was profiled) survives a round trip, is left out where the
    /// problem does not say, and an unknown value is refused naming the field and the values.
    @Test func backwardSplitRoundTripsAndAnUnknownOneIsNamed() throws {
        let torch = try decode(Self.valid.replacingOccurrences(of: "\"memoryLimit\": 10", with: "\"memoryLimit\": 10, \"backwardSplit\": \"torch\""))
        #expect(torch.backwardSplit == .torch)
        #expect(try Problem.decode(json: try JSONEncoder().encode(torch)).backwardSplit == .torch)
        let unsaid = try decode(Self.valid)
        let unsaidJSON = String(decoding: try JSONEncoder().encode(unsaid), as: UTF8.self)
        #expect(unsaid.backwardSplit == nil && !unsaidJSON.contains("backwardSplit"))
        let e = error(Self.valid.replacingOccurrences(of: "\"memoryLimit\": 10", with: "\"memoryLimit\": 10, \"backwardSplit\": \"megatron\""))
        #expect(e?.field == "backwardSplit")
        let fix = e?.fix ?? ""
        #expect(fix.contains("\"stored\" or \"torch\""), "\(fix)")
    }

    @Test func resolvesPlacements() throws {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1)
        #expect(try Problem(microbatches: 1, devices: 2, placement: .interleaved, stages: Array(repeating: stage, count: 6)).stageDevice == [0, 1, 0, 1, 0, 1])
        #expect(try Problem(microbatches: 1, devices: 3, placement: .v, stages: Array(repeating: stage, count: 6)).stageDevice == [0, 1, 2, 2, 1, 0])
        #expect(try Problem(microbatches: 1, devices: 2, placement: .explicit([1, 0, 0]), stages: Array(repeating: stage, count: 3)).deviceStages == [[1, 2], [0]])
    }

    @Test func missingFieldIsNamed() {
        let text = Self.valid.replacingOccurrences(of: "\"forward\": 5, \"backwardInput\": 6, \"backwardWeight\": 4, \"memory\": {\"forward\": 2, \"backwardInput\": -1, \"backwardWeight\": -1}},\n   {\"forward\": 5, \"backwardInput\": 6,", with: "\"forward\": 5, \"backwardInput\": 6, \"backwardWeight\": 4, \"memory\": {\"forward\": 2, \"backwardInput\": -1, \"backwardWeight\": -1}},\n   {\"forward\": 5,", options: [], range: nil)
        let e = error(text)
        #expect(e?.field == "stages[1].backwardInput")
        #expect(e?.message == "is missing")
    }

    @Test func negativeTimeIsRejected() {
        let e = error(Self.valid.replacingOccurrences(of: "\"backwardWeight\": 4", with: "\"backwardWeight\": -4"))
        #expect(e?.field == "stages[0].backwardWeight")
        #expect(e?.message.contains("≥ 0") == true)
    }

    /// Deltas that free more than was allocated are refused with the fix; deltas that leave memory
    /// allocated are memory held until the step ends (`StepEndMemory.swift`).
    @Test func deltasThatFreeMoreThanAllocatedAreRejectedWithTheFix() throws {
        let e = error(Self.valid.replacingOccurrences(of: "\"backwardInput\": -1, \"backwardWeight\": -1}},\n   {", with: "\"backwardInput\": -1, \"backwardWeight\": -1.5}},\n   {"))
        #expect(e?.field == "stages[0].memory")
        #expect(e?.message == "deltas sum to -0.5; they must sum to 0 or more (what is held until the step ends)")
        #expect(e?.fix.contains("set backwardWeight to -1 ") == true)
        let held = try decode(Self.valid.replacingOccurrences(of: "\"backwardInput\": -1, \"backwardWeight\": -1}},\n   {", with: "\"backwardInput\": -1, \"backwardWeight\": -0.5}},\n   {"))
        #expect(held.stages[0].memory.heldToStepEnd == 0.5 && held.holdsMemoryToStepEnd)
        #expect(held.stepEndRelaxation.stages[0].memory.backwardWeight == -1 && !held.stepEndRelaxation.holdsMemoryToStepEnd)
    }

    @Test func placementThatDoesNotFitIsRejected() {
        let e = error(Self.valid.replacingOccurrences(of: "\"sequential\"", with: "\"v\""))
        #expect(e?.field == "placement")
        #expect(e?.message.contains("2 stages per device") == true)
        let explicit = error(Self.valid.replacingOccurrences(of: "\"sequential\"", with: "[0, 1, 2, 7]"))
        #expect(explicit?.field == "placement[3]")
    }

    @Test func memoryLimitBelowOneMicrobatchIsRejected() {
        let e = error(Self.valid.replacingOccurrences(of: "\"memoryLimit\": 10", with: "\"memoryLimit\": 1.5"))
        #expect(e?.field == "memoryLimit")
        #expect(e?.message.contains("needs at least 2") == true)
    }

    @Test func perDeviceMemoryLimitMustMatchTheDeviceCount() {
        let e = error(Self.valid.replacingOccurrences(of: "\"memoryLimit\": 10", with: "\"memoryLimit\": [10, 10]"))
        #expect(e?.field == "memoryLimit")
        #expect(e?.message.contains("2 caps for 4 devices") == true)
    }

    @Test func unknownFieldsAreRejectedWithASuggestion() {
        let e = error(Self.valid.replacingOccurrences(of: "\"memoryLimit\"", with: "\"memorylimit\""))
        #expect(e?.field == "memorylimit")
        #expect(e?.fix == "did you mean \"memoryLimit\"?")
    }

    @Test func wrongTypesAndBrokenJSONAreExplained() {
        #expect(error(Self.valid.replacingOccurrences(of: "\"microbatches\": 12", with: "\"microbatches\": \"12\""))?.field == "microbatches")
        #expect(error("{\"devices\": 2,")?.message.hasPrefix("is not valid JSON") == true)
        #expect(error(Self.valid.replacingOccurrences(of: "\"sequential\"", with: "\"zigzag\""))?.field == "placement")
    }
}
