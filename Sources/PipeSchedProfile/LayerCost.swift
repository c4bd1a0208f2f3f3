/// The analytic cost formulas: FLOPs of F, B and W and activation bytes of one layer, the embedding,
/// the LM head or a vision-encoder layer, on a slice of `tokens` tokens after `prefix` earlier tokens
/// of the same sequence. Every formula and its source is in docs/cost-model.md.
///
/// Linear layers: F = 2·(tokens)·(in)·(out) FLOPs, B = F (input gradient) and W = F (weight gradient).
/// Attention's score and value products have no weights: B = 2·F, W = 0. Causal attention sees
/// `prefix + tokens/2` keys per query on average, so a slice's cost grows with its prefix.
public struct LayerCost: Sendable {
    public let model: ModelConfig
    public let recomputation: Recomputation
    /// Whether the sequence is split into slices (later slices keep earlier slices' keys and values).
    public let sliced: Bool

    public init(model: ModelConfig, recomputation: Recomputation = .selective, sliced: Bool = false) {
        self.model = model
        self.recomputation = recomputation
        self.sliced = sliced
    }

    var d: Double { model.dtype.bytes }
    var b: Double { Double(model.microbatchSize) }

    /// One language-model layer of `type` on `tokens` tokens after `prefix` tokens.
    public func layer(_ type: LayerType, tokens: Double, prefix: Double) -> UnitCost {
        let h = Double(model.hiddenSize)
        let keys = model.causal ? prefix + tokens / 2 : Double(model.sequenceLength)
        let storedKeys = model.causal ? prefix + tokens : Double(model.sequenceLength)
        var blocks: [Block] = []
        if type.hasAttention {
            blocks.append(attention(tokens: tokens, keys: keys, storedKeys: storedKeys, hidden: h, heads: Double(model.attentionHeads),
                                    query: Double(model.queryWidth), keyValue: Double(model.keyValueWidth)))
        }
        switch type {
        case .dense, .mlp: blocks.append(feedForward(tokens: tokens, hidden: h, inner: Double(model.ffnSize), gated: model.gatedFFN))
        case .moe: blocks.append(mixtureOfExperts(tokens: tokens, hidden: h))
        case .ssm: blocks.append(stateSpace(tokens: tokens, hidden: h))
        case .attention: break
        }
        return assemble(blocks, tokens: tokens, hidden: h)
    }

    /// One vision-encoder layer over all image tokens (bidirectional attention, never sliced).
    public func visionLayer() -> UnitCost {
        guard let v = model.vision else { return .zero }
        let t = Double(v.tokens), h = Double(v.hiddenSize)
        let blocks = [attention(tokens: t, keys: t, storedKeys: t, hidden: h, heads: Double(v.attentionHeads), query: h, keyValue: h),
                      feedForward(tokens: t, hidden: h, inner: Double(v.ffnSize), gated: v.gatedFFN)]
        return assemble(blocks, tokens: t, hidden: h, canSlice: false)
    }

    /// The token embedding: a lookup (no FLOPs counted) whose weight gradient scatters the output
    /// gradient; Korthikanti et al. count its dropout mask, s·b·h bytes.
    public func embedding(tokens: Double) -> UnitCost {
        let h = Double(model.hiddenSize)
        return UnitCost(storedBytes: tokens * b * h, weightPassBytes: d * tokens * b * h, outputGradientBytes: d * tokens * b * h)
    }

    /// Final norm, output projection to the vocabulary and cross-entropy loss: 2·s·b·h·V FLOPs per pass;
    /// stores the norm and projection inputs and fp32 logits (4sbh + 4sbV bytes at 16 bits). Its
    /// output gradients are the logits' and the final norm's.
    public func head(tokens: Double) -> UnitCost {
        let h = Double(model.hiddenSize), v = Double(model.vocabularySize)
        let projection = 2 * tokens * b * h * v
        return UnitCost(forwardFLOPs: projection, backwardInputFLOPs: projection, backwardWeightFLOPs: projection,
                        storedBytes: 2 * d * tokens * b * h + 4 * tokens * b * v,
                        weightPassBytes: d * tokens * b * h + d * tokens * b * v,
                        outputGradientBytes: d * tokens * b * v + normOutputGradient(tokens: tokens, hidden: h))
    }

    /// The final norm alone, which stays on the last transformer stage when the output layer is cut
    /// into vocabulary shards: it stores its input, s·b·h values.
    public func finalNorm(tokens: Double) -> UnitCost {
        UnitCost(storedBytes: d * tokens * b * Double(model.hiddenSize))
    }

    /// One of `shards` vocabulary shards of the output layer and loss (Vocabulary Parallelism, Yeung
    /// et al., 2024): the projection to V/shards entries (2·s·b·h·V/shards FLOPs per pass), storing
    /// its own copy of the normalized hidden state (s·b·h values, for its weight gradient) and its
    /// fp32 logits (4·s·b·V/shards bytes). The head's FLOPs are the shards' together; the copies of
    /// the hidden state are Vocabulary Parallelism's memory overhead.
    public func headShard(tokens: Double, shards: Int) -> UnitCost {
        let h = Double(model.hiddenSize), v = Double(model.vocabularySize) / Double(shards)
        let projection = 2 * tokens * b * h * v
        return UnitCost(forwardFLOPs: projection, backwardInputFLOPs: projection, backwardWeightFLOPs: projection,
                        storedBytes: d * tokens * b * h + 4 * tokens * b * v,
                        weightPassBytes: d * tokens * b * h + d * tokens * b * v, outputGradientBytes: d * tokens * b * v)
    }

    // MARK: parameters

    /// Parameters of one layer held by one pipeline device (routed experts divided by expert parallelism).
    public func parameters(_ type: LayerType) -> Double {
        let h = Double(model.hiddenSize), q = Double(model.queryWidth), kv = Double(model.keyValueWidth)
        var total = type.hasAttention ? h * (q + 2 * kv) + q * h : 0
        let m = model.gatedFFN ? 3.0 : 2.0
        switch type {
        case .dense, .mlp: total += m * h * Double(model.ffnSize)
        case .moe:
            if let e = model.moe {
                let expert = m * h * Double(e.expertFFNSize)
                total += h * Double(e.experts) + (Double(e.experts) / Double(e.expertParallel) + Double(e.sharedExperts)) * expert
            }
        case .ssm:
            let s = ssmWidths(hidden: h)
            total += h * s.inProjection + s.inner * h + (s.inner + 2 * s.state) * Double(model.ssm.convKernel)
        case .attention: break
        }
        return total
    }

    /// Parameters of a vision-encoder layer.
    public var visionLayerParameters: Double {
        guard let v = model.vision else { return 0 }
        let h = Double(v.hiddenSize)
        return 4 * h * h + (v.gatedFFN ? 3 : 2) * h * Double(v.ffnSize)
    }

    /// Parameters of the embedding table, and of the output projection (a separate copy on the last
    /// stage, as Megatron keeps even for tied embeddings).
    public var vocabularyParameters: Double { Double(model.vocabularySize) * Double(model.hiddenSize) }

    // MARK: blocks

    /// One block's forward FLOPs split into linear (B = F, W = F) and weightless core (B = 2F, W = 0)
    /// parts, and its stored bytes.
    struct Block {
        var linear = 0.0
        var core = 0.0
        var stored = 0.0
        var scores = 0.0
        var weightPass = 0.0
        /// Of `weightPass`, the gradients of the linear layers' outputs (the rest is their inputs).
        var outputGradients = 0.0
        var keyValue = 0.0
        var allToAll = 0.0
    }

    /// The gradient of a block's (pre-)norm output, t·b·h values: the norm has weights, so a W that
    /// computes every weight gradient from B's retained graph reads it (`UnitCost.outputGradientBytes`).
    func normOutputGradient(tokens t: Double, hidden h: Double) -> Double { d * b * t * h }

    func attention(tokens t: Double, keys: Double, storedKeys: Double, hidden h: Double, heads a: Double,
                   query q: Double, keyValue kv: Double) -> Block {
        var block = Block()
        block.linear = 2 * b * t * h * (q + 2 * kv) + 2 * b * t * q * h
        block.core = 4 * b * t * keys * q
        block.stored = d * b * t * (2 * h + 2 * q + 2 * kv) + b * t * h
        block.scores = (2 * d + 1) * a * b * t * storedKeys
        block.weightPass = d * b * t * (h + q) + d * b * t * (q + 2 * kv + h)
        block.outputGradients = d * b * t * (q + 2 * kv + h) + normOutputGradient(tokens: t, hidden: h)
        block.keyValue = 2 * d * b * t * kv
        return block
    }

    func feedForward(tokens t: Double, hidden h: Double, inner f: Double, gated: Bool) -> Block {
        let m = gated ? 3.0 : 2.0
        var block = Block()
        block.linear = 2 * b * t * h * f * m
        block.stored = d * b * t * (2 * h + m * f) + b * t * h
        block.weightPass = d * b * t * (h + f) + d * b * t * ((m - 1) * f + h)
        block.outputGradients = d * b * t * ((m - 1) * f + h) + normOutputGradient(tokens: t, hidden: h)
        return block
    }

    func mixtureOfExperts(tokens t: Double, hidden h: Double) -> Block {
        guard let e = model.moe else { return Block() }
        let m = model.gatedFFN ? 3.0 : 2.0
        let active = Double(e.topK + e.sharedExperts), fe = Double(e.expertFFNSize), experts = Double(e.experts)
        var block = Block()
        block.linear = 2 * b * t * h * experts + active * 2 * b * t * h * fe * m
        block.stored = d * b * t * (2 * h + experts) + active * d * b * t * (h + m * fe) + b * t * h
        block.weightPass = d * b * t * (h + experts) + active * d * b * t * (2 * h + m * fe)
        block.outputGradients = d * b * t * experts + active * d * b * t * ((m - 1) * fe + h) + normOutputGradient(tokens: t, hidden: h)
        // Dispatch and combine: each token's hidden vector to and from its top-k routed experts, the
        // share held by the other (EP − 1) of the EP ranks crossing the network.
        let ep = Double(e.expertParallel)
        block.allToAll = 2 * Double(e.topK) * d * b * t * h * (ep - 1) / ep
        return block
    }

    func ssmWidths(hidden h: Double) -> (inner: Double, state: Double, heads: Double, inProjection: Double) {
        let inner = Double(model.ssm.expand) * h, state = Double(model.ssm.stateSize)
        let heads = (inner / Double(model.ssm.headDim)).rounded(.up)
        return (inner, state, heads, 2 * inner + 2 * state + heads)
    }

    func stateSpace(tokens t: Double, hidden h: Double) -> Block {
        let s = ssmWidths(hidden: h)
        var block = Block()
        block.linear = 2 * b * t * h * s.inProjection + 2 * b * t * s.inner * h
        block.core = 6 * b * t * s.inner * s.state + 2 * b * t * (s.inner + 2 * s.state) * Double(model.ssm.convKernel)
        block.stored = d * b * t * (2 * h + s.inProjection + (s.inner + 2 * s.state) + 2 * s.inner)
        block.weightPass = d * b * t * (h + s.inner) + d * b * t * (s.inProjection + h)
        block.outputGradients = d * b * t * (s.inProjection + h) + normOutputGradient(tokens: t, hidden: h)
        block.keyValue = 4 * b * s.inner * s.state
        return block
    }

    /// Applies the recomputation mode to a layer's blocks.
    func assemble(_ blocks: [Block], tokens t: Double, hidden h: Double, canSlice: Bool = true) -> UnitCost {
        let linear = blocks.reduce(0) { $0 + $1.linear }, core = blocks.reduce(0) { $0 + $1.core }
        var cost = UnitCost(forwardFLOPs: linear + core, backwardInputFLOPs: linear + 2 * core, backwardWeightFLOPs: linear,
                            weightPassBytes: blocks.reduce(0) { $0 + $1.weightPass },
                            outputGradientBytes: blocks.reduce(0) { $0 + $1.outputGradients }, allToAllBytes: blocks.reduce(0) { $0 + $1.allToAll },
                            keyValueBytes: sliced && canSlice ? blocks.reduce(0) { $0 + $1.keyValue } : 0)
        switch recomputation {
        case .none: cost.storedBytes = blocks.reduce(0) { $0 + $1.stored + $1.scores }
        case .selective: cost.storedBytes = blocks.reduce(0) { $0 + $1.stored }
        case .full:
            cost.storedBytes = d * b * t * h + (sliced && canSlice ? blocks.reduce(0) { $0 + $1.keyValue } : 0)
            cost.backwardInputFLOPs += cost.forwardFLOPs
        }
        return cost
    }
}
