import Foundation
import Testing
import PipeSched
@testable import PipeSchedProfile

/// The analytic cost model against hand-computed values (docs/cost-model.md). GPT layer, h = 1024,
/// a = 16, f = 4h, s = 2048, b = 1, 16-bit: sbh = 2048·1024 = 2,097,152.
@Suite struct CostModelTests {
    let sbh = 2048.0 * 1024.0

    @Test func gptLayerFLOPsMatchTheHandComputation() throws {
        let costs = LayerCost(model: try Fixtures.model(Fixtures.gpt()))
        let layer = costs.layer(.dense, tokens: 2048, prefix: 0)
        // Linear: 24·s·b·h² = 24 · 2048 · 1024² = 51,539,607,552. Causal scores and values:
        // 4·b·s·(s/2)·h = 2·s²·h = 8,589,934,592. B doubles the weightless part; W is the linear part.
        #expect(layer.forwardFLOPs == 51_539_607_552 + 8_589_934_592)
        #expect(layer.backwardInputFLOPs == 51_539_607_552 + 17_179_869_184)
        #expect(layer.backwardWeightFLOPs == 51_539_607_552)
    }

    @Test func bidirectionalAttentionGivesMegatronsCount() throws {
        // Narayanan et al. (SC 2021): 24·b·s·h² + 4·b·s²·h forward FLOPs per layer.
        let costs = LayerCost(model: try Fixtures.model(Fixtures.gpt(extra: ", \"causal\": false")))
        let layer = costs.layer(.dense, tokens: 2048, prefix: 0)
        #expect(layer.forwardFLOPs == 24 * sbh * 1024 + 4 * sbh * 2048)
        #expect(layer.totalFLOPs == 3 * (24 * sbh * 1024 + 4 * sbh * 2048))
    }

    @Test func gptLayerActivationsMatchKorthikanti() throws {
        let model = try Fixtures.model(Fixtures.gpt())
        // Selective (scores not stored): 34·s·b·h = 71,303,168 bytes; W needs 32·s·b·h of them.
        let selective = LayerCost(model: model, recomputation: .selective).layer(.dense, tokens: 2048, prefix: 0)
        #expect(selective.storedBytes == 34 * sbh)
        #expect(selective.storedBytes == 71_303_168)
        #expect(selective.weightPassBytes == 32 * sbh)
        #expect(BackwardSplit.stored.memoryDeltas(selective, firstStage: false).backwardInput == -2 * sbh)
        // The gradients of the outputs of the layers with weights: of W's 32·s·b·h, the linear layers'
        // (QKV 3h, projection h, fc1 4h, fc2 h: 18·s·b·h), and the two norms' (4·s·b·h).
        #expect(selective.outputGradientBytes == 22 * sbh)
        // No recomputation: plus 5·a·s²·b = 5 · 16 · 2048² = 335,544,320 bytes of attention scores.
        let none = LayerCost(model: model, recomputation: .none).layer(.dense, tokens: 2048, prefix: 0)
        #expect(none.storedBytes == 71_303_168 + 335_544_320)
        // Full recomputation: only the layer input, 2·s·b·h; B re-runs the forward first.
        let full = LayerCost(model: model, recomputation: .full).layer(.dense, tokens: 2048, prefix: 0)
        #expect(full.storedBytes == 2 * sbh)
        #expect(full.backwardInputFLOPs == selective.backwardInputFLOPs + selective.forwardFLOPs)
    }

    /// PyTorch's split backward (`BackwardSplit.torch`, measured by scripts/backward_memory.py): B
    /// keeps all 34·s·b·h the forward stored and adds the 22·s·b·h of output gradients W reads (the
    /// linear layers' and the norms'); W frees the 56. The stored split holds 32 from B to W, a
    /// microbatch waiting for its W 1.75× less.
    @Test func torchSplitKeepsTheForwardAndTheOutputGradientsUntilW() throws {
        let layer = LayerCost(model: try Fixtures.model(Fixtures.gpt())).layer(.dense, tokens: 2048, prefix: 0)
        let torch = BackwardSplit.torch.memoryDeltas(layer, firstStage: false)
        #expect(torch.forward == 34 * sbh && torch.backwardInput == 22 * sbh && torch.backwardWeight == -56 * sbh)
        let stored = BackwardSplit.stored.memoryDeltas(layer, firstStage: false)
        #expect(stored.forward + stored.backwardInput == 32 * sbh)
        for split in BackwardSplit.allCases {
            for first in [false, true] {
                let deltas = split.memoryDeltas(layer, firstStage: first)
                #expect(deltas.forward + deltas.backwardInput + deltas.backwardWeight == 0)
                let flops = split.backwardFLOPs(layer, firstStage: first)
                #expect(flops.input + flops.weight == layer.backwardInputFLOPs + layer.backwardWeightFLOPs)
            }
        }
        // On the first stage PyTorch's B runs nothing: W runs the whole backward and frees all.
        let first = BackwardSplit.torch.memoryDeltas(layer, firstStage: true)
        #expect(first.backwardInput == 0 && first.backwardWeight == -34 * sbh)
        #expect(BackwardSplit.torch.backwardFLOPs(layer, firstStage: true).input == 0)
    }

    /// `--backward-split torch` in the problem: on stage 0, B lasts nothing and W the whole backward;
    /// elsewhere the times are the stored split's and B allocates; each stage's memory carries what
    /// PyTorch's runtime holds at its boundaries (`BoundaryMemory`): buffers as static memory, the
    /// outputs sent and input gradients held from their pass to the step's end; refused, naming the field, with
    /// full recomputation, memory actions, slices, several pipelines, vocabulary-parallel shards and
    /// microbatches of different lengths.
    @Test func torchSplitProblem() throws {
        var options = ProfileOptions(devices: 4, microbatches: 8)
        options.partition = .uniform
        let model = try Fixtures.model(Fixtures.gpt()), hardware = try Fixtures.device()
        let stored = try ProblemBuilder(model: model, hardware: hardware, options: options).build()
        options.backwardSplit = .torch
        let torch = try ProblemBuilder(model: model, hardware: hardware, options: options).build()
        // One boundary tensor s·b·h at 16 bits, and the logits s·b·V at 16 bits, in GiB.
        let gib = 1024.0 * 1024.0 * 1024.0, boundary = 2 * sbh / gib, logits = 2 * 2048 * 51200 / gib
        let (a, b) = (stored.stages[0].slices[0], torch.stages[0].slices[0])
        #expect(b.backwardInput == 0 && b.memory.backwardInput == 0)
        #expect(abs(b.backwardWeight - (a.backwardInput + a.backwardWeight)) < 1e-12)
        // Stage 0 sends its output to stage 1 on another device: F allocates it, and W does not free it.
        #expect(b.forward == a.forward && abs(b.memory.forward - (a.memory.forward + boundary)) < 1e-12)
        #expect(abs(b.memory.heldToStepEnd - boundary) < 1e-12 && torch.holdsMemoryToStepEnd && !stored.holdsMemoryToStepEnd)
        for stage in 1..<4 {
            let (a, b) = (stored.stages[stage].slices[0], torch.stages[stage].slices[0])
            #expect(a.backwardInput == b.backwardInput && a.backwardWeight == b.backwardWeight && a.forward == b.forward)
            #expect(b.memory.backwardInput > 0 && a.memory.backwardInput < 0)
            #expect(torch.backwardAllocates(stage: stage) && !stored.backwardAllocates(stage: stage))
            // F leaves the stage's input to its receive buffer and allocates the output it sends; the
            // last stage's F keeps the logits until B. B allocates the input gradient, held to the step's end.
            let last = stage == 3
            #expect(abs(b.memory.forward - (a.memory.forward - boundary + (last ? logits : boundary))) < 1e-12)
            #expect(abs(b.memory.heldToStepEnd - (last ? 1 : 2) * boundary) < 1e-12)
        }
        // Static: per receiving side (activations in, gradients in) one buffer per microbatch.
        for stage in 0..<4 {
            let sides = Double((stage > 0 ? 1 : 0) + (stage < 3 ? 1 : 0))
            #expect(abs(torch.stages[stage].staticMemory - stored.stages[stage].staticMemory - 8 * sides * boundary) < 1e-12)
        }
        var full = options, actions = options, slices = options, pipelines = options, vocabulary = options, lengths = options
        full.recomputation = .full
        actions.memoryActions = .recompute
        slices.slices = 2
        pipelines.placement = .v
        pipelines.pipelines = 2
        vocabulary.vocabularyParallel = true
        lengths.sequenceLengths = Array(repeating: 2048, count: 8)
        for (refused, field) in [(full, "backwardSplit"), (actions, "backwardSplit"), (slices, "slices"), (pipelines, "pipelines"),
                                 (vocabulary, "vocabularyParallel"), (lengths, "sequenceLengths")] {
            do { _ = try ProblemBuilder(model: model, hardware: hardware, options: refused); Issue.record("\(field) accepted") } catch {
                #expect(error.field == field)
            }
        }
    }

    /// What PyTorch's runtime holds at a stage's boundaries (`BoundaryMemory.torch`, measured by
    /// scripts/schedule_memory.py): m receive buffers per receiving side; the step keeps each sent
    /// output and each input gradient to its end when the neighbour sits on another device; F leaves
    /// its input to the buffer, keeps the logits until B on the last stage, and an output handed to a
    /// neighbour on the same device until its W.
    @Test func torchBoundaryMemory() {
        let middle = BoundaryMemory.torch(input: 1, output: 1, logits: 0, microbatches: 8, remoteInput: true, remoteOutput: true)
        #expect(middle == BoundaryMemory(staticBytes: 16, forwardBytes: -1, backwardInputBytes: 0, forwardHeldBytes: 1, backwardInputHeldBytes: 1))
        #expect(middle.heldAtStepEnd(microbatches: 8) == 16)
        let turn = BoundaryMemory.torch(input: 1, output: 1, logits: 0, microbatches: 8, remoteInput: true, remoteOutput: false)
        #expect(turn == BoundaryMemory(staticBytes: 16, forwardBytes: 0, backwardInputBytes: 0, backwardInputHeldBytes: 1))
        let last = BoundaryMemory.torch(input: 1, output: 0, logits: 2, microbatches: 8, remoteInput: true, remoteOutput: false)
        #expect(last == BoundaryMemory(staticBytes: 8, forwardBytes: 1, backwardInputBytes: -2, backwardInputHeldBytes: 1))
        #expect(BackwardSplit.stored.boundaryMemory(input: 1, output: 1, logits: 0, microbatches: 8, remoteInput: true, remoteOutput: true) == .none)
    }

    @Test func headAndEmbeddingAreTheirOwnCost() throws {
        let costs = LayerCost(model: try Fixtures.model(Fixtures.gpt()))
        let head = costs.head(tokens: 2048)
        #expect(head.forwardFLOPs == 2 * sbh * 51200)
        #expect(head.storedBytes == 4 * sbh + 4 * 2048 * 51200)
        let embedding = costs.embedding(tokens: 2048)
        #expect(embedding.forwardFLOPs == 0 && embedding.storedBytes == sbh)
    }

    @Test func problemTimesAndMemoryFollowFromTheFLOPs() throws {
        var options = ProfileOptions(devices: 4, microbatches: 8)
        options.partition = .uniform
        let builder = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt()), hardware: try Fixtures.device(), options: options)
        let problem = try builder.build()
        #expect(problem.partition == [2, 2, 2, 2])
        // Stage 1: two plain layers at 5·10¹³ FLOP/s: 2 · 60,129,542,144 / 5e13 s = 2.40518168576 ms.
        let stage = problem.stages[1].slices[0]
        #expect(abs(stage.forward - 2.40518168576) < 1e-12)
        #expect(abs(stage.backwardWeight - 2 * 51_539_607_552 / 5e13 * 1e3) < 1e-12)
        // Two layers keep 2 · 34 · s·b·h bytes = 0.1328125 GiB.
        #expect(abs(stage.memory.forward - 0.1328125) < 1e-15)
        // Static: 12·h² parameters per layer · 16 bytes, two layers = 0.375 GiB.
        #expect(abs(problem.stages[1].staticMemory - 0.375) < 1e-12)
        // The last stage adds the head: 3 · 2·s·b·h·V more FLOPs than stage 1.
        #expect(problem.stages[3].slices[0].work > stage.work)
        #expect(abs(problem.stages[3].slices[0].forward - stage.forward - 2 * sbh * 51200 / 5e13 * 1e3) < 1e-9)
        // One activation, s·b·h·2 bytes = 4 MiB over 10 GB/s, plus 10 µs.
        #expect(abs(problem.communication.lag(from: 0, to: 1) - (0.01 + 2 * sbh / 1e10 * 1e3)) < 1e-12)
        #expect(problem.memoryLimit == [80, 80, 80, 80])
    }

    /// Expert parallelism: each MoE layer's dispatch and combine, 2·topK·d·s·b·h·(EP − 1)/EP bytes, are
    /// added to its F and to its B and declared hideable by an overlapped F&B pass.
    @Test func expertParallelAllToAllIsTimedAndHideable() throws {
        var options = ProfileOptions(devices: 4, microbatches: 8)
        options.partition = .uniform
        func build(expertParallel: Int) throws -> Problem {
            let mix = #", "layerTypes": [{"type": "dense", "count": 2}, {"type": "moe", "count": 2}, {"type": "dense", "count": 4}], "moe": {"experts": 8, "topK": 2, "expertFFNSize": 1024, "expertParallel": \#(expertParallel)}"#
            return try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt(extra: mix)), hardware: try Fixtures.device(), options: options).build()
        }
        let local = try build(expertParallel: 1), spread = try build(expertParallel: 8)
        // Two MoE layers: 2 · (2 · 2 · 2 bytes · 2048 · 1024 · 7/8) = 29,360,128 bytes over 10 GB/s.
        let exchange = 2.9360128
        let before = local.stages[1].slices[0], after = spread.stages[1].slices[0]
        #expect(abs(after.forward - before.forward - exchange) < 1e-12)
        #expect(abs(after.backwardInput - before.backwardInput - exchange) < 1e-12)
        #expect(after.backwardWeight == before.backwardWeight)
        #expect(abs((after.overlap?.forward ?? 0) - exchange) < 1e-12 && abs((after.overlap?.backward ?? 0) - exchange) < 1e-12)
        #expect(local.stages[1].slices[0].overlap == nil && spread.stages[0].slices[0].overlap == nil)
        #expect(spread.hasOverlap && !local.hasOverlap)
    }

    @Test func heterogeneousLayerTypesChangeOnlyTheirStages() throws {
        var options = ProfileOptions(devices: 4, microbatches: 8)
        options.partition = .uniform
        let dense = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt()), hardware: try Fixtures.device(), options: options).build()
        let mixes: [(String, Int)] = [
            (#", "layerTypes": ["dense", "dense", "dense", "dense", {"type": "ssm", "count": 2}, "dense", "dense"]"#, 2),
            (#", "layerTypes": [{"type": "dense", "count": 2}, {"type": "moe", "count": 2}, {"type": "dense", "count": 4}], "moe": {"experts": 8, "topK": 2, "expertFFNSize": 1024}"#, 1),
            (#", "layerTypes": [{"type": "dense", "count": 6}, "attention", "mlp"]"#, 3),
        ]
        for (mix, changed) in mixes {
            let problem = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt(extra: mix)), hardware: try Fixtures.device(), options: options).build()
            for s in 0..<4 {
                if s == changed {
                    #expect(problem.stages[s] != dense.stages[s], "\(mix): stage \(s) should change")
                } else {
                    #expect(problem.stages[s] == dense.stages[s], "\(mix): stage \(s) should not change")
                }
            }
        }
    }

    @Test func anSSMLayerHasNoQuadraticTerm() throws {
        let costs = LayerCost(model: try Fixtures.model(Fixtures.gpt()))
        let early = costs.layer(.ssm, tokens: 512, prefix: 0), late = costs.layer(.ssm, tokens: 512, prefix: 1536)
        #expect(early == late)
        #expect(costs.layer(.dense, tokens: 512, prefix: 1536).forwardFLOPs > costs.layer(.dense, tokens: 512, prefix: 0).forwardFLOPs)
    }

    @Test func aVisionEncoderLoadsTheFirstStageOnly() throws {
        var options = ProfileOptions(devices: 2, microbatches: 4)
        options.partition = .uniform
        let vision = #", "vision": {"layers": 2, "hiddenSize": 512, "attentionHeads": 8, "ffnSize": 2048, "tokens": 256}"#
        let plain = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt(layers: 8)), hardware: try Fixtures.device(), options: options).build()
        let problem = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt(layers: 6, extra: vision)), hardware: try Fixtures.device(), options: options).build()
        #expect(problem.partition == [4, 4])
        #expect(problem.stages[0] != plain.stages[0], "two vision layers replace two language layers on stage 0")
        #expect(problem.stages[1] == plain.stages[1])
    }

    @Test func badFieldsAreNamed() throws {
        #expect(throws: ProfileError(field: "layerTypes", message: "lists 2 layers but layers is 8",
                                     fix: "give one type per layer (runs may use {\"type\": ..., \"count\": n})")) {
            try Fixtures.model(Fixtures.gpt(extra: #", "layerTypes": ["dense", "ssm"]"#))
        }
        do {
            _ = try Fixtures.model(Fixtures.gpt(extra: #", "hiddensize": 3"#))
            Issue.record("a misspelt field must be refused")
        } catch let error as ProfileError {
            #expect(error.field == "hiddensize" && error.fix == "did you mean \"hiddenSize\"?")
        }
        do {
            _ = try Fixtures.device(Fixtures.hardware.replacingOccurrences(of: "0.5", with: "1.5"))
            Issue.record("efficiency above 1 must be refused")
        } catch let error as ProfileError {
            #expect(error.field == "efficiency")
        }
    }

    @Test func yamlAndJSONDescribeTheSameModel() throws {
        let yaml = """
        name: gpt-test
        layers: 8
        hiddenSize: 1024
        attentionHeads: 16
        ffnSize: 4096
        vocabularySize: 51200
        sequenceLength: 2048
        microbatchSize: 1
        dtype: bf16
        """
        #expect(try ConfigDecoding.decode(ModelConfig.self, from: Data(yaml.utf8)) == (try Fixtures.model(Fixtures.gpt())))
    }

    @Test func aModelThatDoesNotFitSaysHowToFix() throws {
        let big = Fixtures.hardware.replacingOccurrences(of: "\"memoryGiB\": 80", with: "\"memoryGiB\": 0.1")
        let builder = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt()), hardware: try Fixtures.device(big),
                                         options: ProfileOptions(devices: 4, microbatches: 8))
        #expect(throws: ProfileError.self) { try builder.build() }
        var options = ProfileOptions(devices: 4, microbatches: 8)
        options.memoryLimit = false
        #expect(try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt()), hardware: try Fixtures.device(big), options: options).build().memoryLimit == nil)
    }
}
