import PipeSched
import Testing
@testable import PipeSchedProfile

/// `profile --sequence-lengths`: each microbatch's scale is the cost model's time and activations at
/// its length over those at the model's; the lengths are checked by name.
@Suite struct SequenceLengthTests {
    static func problem(_ lengths: [Int]?, microbatches: Int = 4, slices: Int = 1) throws -> Problem {
        var options = ProfileOptions(devices: 2, microbatches: microbatches)
        options.sequenceLengths = lengths
        options.slices = slices
        return try ProblemBuilder(model: Fixtures.model(Fixtures.gpt()), hardware: Fixtures.device(), options: options).build()
    }

    @Test func shorterSequencesCostLessThanInProportionUnderCausalAttention() throws {
        let problem = try Self.problem([2048, 1024, 512, 2048])
        let scales = try #require(problem.microbatchScales)
        #expect(scales[0] == .one && scales[3] == .one)
        // Activations grow linearly with the tokens, time faster (attention is quadratic).
        #expect(abs(scales[1].memory - 0.5) < 0.05 && scales[1].time < 0.5 && scales[1].time > 0.25)
        #expect(scales[2].time < scales[1].time && scales[2].memory < scales[1].memory)
        // The stage profiles are those of the model's length: only the scales differ.
        #expect(problem.stages == (try Self.problem(nil)).stages)
        #expect(try Self.problem(nil).microbatchScales == nil)
    }

    @Test(arguments: [([1024, 2048], 4, 1, "sequenceLengths"), ([1024, 0, 2048, 512], 4, 1, "sequenceLengths[1]"),
                      ([1024, 2048, 2048, 512], 4, 2, "sequenceLengths")])
    func badLengthsAreRefusedByName(lengths: [Int], microbatches: Int, slices: Int, field: String) throws {
        #expect { try Self.problem(lengths, microbatches: microbatches, slices: slices) } throws: { error in
            (error as? ProfileError)?.field == field
        }
    }

    @Test func aLongerSequenceMustFitTheCap() throws {
        #expect { try Self.problem([2048, 2048, 2048, 1 << 22]) } throws: { error in
            (error as? ProfileError)?.field == "memory" && "\(error)".contains("largest microbatch")
        }
    }
}
