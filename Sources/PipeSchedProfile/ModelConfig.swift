import PipeSched

/// A transformer-family model as the cost model sees it: sizes, sequence, microbatch, number format,
/// and optionally a per-layer type mix (dense, MoE, attention-only, MLP-only, SSM) and a vision
/// encoder ahead of the language model. Written as JSON or YAML (`Models/*.json`, docs/cost-model.md).
public struct ModelConfig: Sendable, Equatable, Decodable {
    /// A label carried into the problem name.
    public var name: String
    /// Where the numbers come from (paper, model card, config file).
    public var source: String?
    /// Language-model layers.
    public var layers: Int
    /// Hidden size h.
    public var hiddenSize: Int
    /// Attention (query) heads a.
    public var attentionHeads: Int
    /// Key/value heads g (grouped-query attention); `attentionHeads` when absent.
    public var kvHeads: Int
    /// Width of one head; `hiddenSize / attentionHeads` when absent.
    public var headDim: Int
    /// Feed-forward inner size f.
    public var ffnSize: Int
    /// Whether the feed-forward block is gated (SwiGLU: three h×f matrices instead of two).
    public var gatedFFN: Bool
    /// Vocabulary size V.
    public var vocabularySize: Int
    /// Tokens per sequence s.
    public var sequenceLength: Int
    /// Sequences per microbatch b.
    public var microbatchSize: Int
    /// Number format of weights and activations.
    public var dtype: DataType
    /// Whether attention is causal (decoder); sequence slices need it.
    public var causal: Bool
    /// Type of each language-model layer, in order.
    public var layerTypes: [LayerType]
    /// Mixture-of-experts settings, needed when a layer is `moe`.
    public var moe: MoEConfig?
    /// State-space (Mamba-2-like) settings for `ssm` layers; defaults apply when absent.
    public var ssm: SSMConfig
    /// A vision encoder run ahead of the language model, if any.
    public var vision: VisionEncoder?
    /// Bytes of static memory per parameter (weights, gradients, optimizer state); 16 for mixed-precision Adam.
    public var bytesPerParameter: Double
    /// Tensor-parallel degree t: one pipeline device is a group of t GPUs sharing each layer.
    public var tensorParallel: Int
    /// The pipeline size the source trained with; `profile` uses it when `--devices` is not given.
    public var pipelineDevices: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, source, layers, hiddenSize, attentionHeads, kvHeads, headDim, ffnSize, gatedFFN, vocabularySize
        case sequenceLength, microbatchSize, dtype, causal, layerTypes, moe, ssm, vision, bytesPerParameter, tensorParallel, pipelineDevices
    }

    public init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? "model"
        source = try c.decodeIfPresent(String.self, forKey: .source)
        layers = try c.decode(Int.self, forKey: .layers)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        attentionHeads = try c.decode(Int.self, forKey: .attentionHeads)
        kvHeads = try c.decodeIfPresent(Int.self, forKey: .kvHeads) ?? attentionHeads
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim) ?? (attentionHeads > 0 ? hiddenSize / attentionHeads : 0)
        ffnSize = try c.decode(Int.self, forKey: .ffnSize)
        gatedFFN = try c.decodeIfPresent(Bool.self, forKey: .gatedFFN) ?? false
        vocabularySize = try c.decode(Int.self, forKey: .vocabularySize)
        sequenceLength = try c.decode(Int.self, forKey: .sequenceLength)
        microbatchSize = try c.decodeIfPresent(Int.self, forKey: .microbatchSize) ?? 1
        dtype = try c.decodeIfPresent(DataType.self, forKey: .dtype) ?? .bf16
        causal = try c.decodeIfPresent(Bool.self, forKey: .causal) ?? true
        let runs = try c.decodeIfPresent([LayerRun].self, forKey: .layerTypes)
        // Before layer lists are built: the layer count and every size within `maxDimension`.
        guard layers <= Self.maxLayers else {
            throw ProfileError.invalid("layers", "is \(layers), over the limit of \(Self.maxLayers)", "give the model's real layer count")
        }
        if let runs {
            var total = 0
            for (index, run) in runs.enumerated() {
                let (sum, overflow) = total.addingReportingOverflow(run.count)
                guard !overflow, sum <= Self.maxLayers else {
                    throw ProfileError.invalid("layerTypes[\(index)].count", "brings the layer count over the limit of \(Self.maxLayers)",
                                               "give one run per group of layers, \(Self.maxLayers) layers at most in all")
                }
                total = sum
            }
        }
        layerTypes = runs.map { $0.flatMap { Array(repeating: $0.type, count: $0.count) } } ?? Array(repeating: .dense, count: max(layers, 0))
        moe = try c.decodeIfPresent(MoEConfig.self, forKey: .moe)
        ssm = try c.decodeIfPresent(SSMConfig.self, forKey: .ssm) ?? SSMConfig()
        vision = try c.decodeIfPresent(VisionEncoder.self, forKey: .vision)
        bytesPerParameter = try c.decodeIfPresent(Double.self, forKey: .bytesPerParameter) ?? 16
        tensorParallel = try c.decodeIfPresent(Int.self, forKey: .tensorParallel) ?? 1
        pipelineDevices = try c.decodeIfPresent(Int.self, forKey: .pipelineDevices)
        try validate()
    }

    /// Checks sizes and the layer mix; throws a `ProfileError` naming the field.
    public func validate() throws(ProfileError) {
        let positive: [(String, Int)] = [("layers", layers), ("hiddenSize", hiddenSize), ("attentionHeads", attentionHeads),
                                         ("kvHeads", kvHeads), ("headDim", headDim), ("ffnSize", ffnSize),
                                         ("vocabularySize", vocabularySize), ("sequenceLength", sequenceLength),
                                         ("microbatchSize", microbatchSize), ("tensorParallel", tensorParallel)]
        for (field, value) in positive where value < 1 {
            throw .invalid(field, "must be at least 1, got \(value)", "give a positive integer")
        }
        for (field, value) in positive where value > Self.maxDimension {
            throw .invalid(field, "is \(value), over the limit of \(Self.maxDimension)", "give the model's real size")
        }
        if layers > Self.maxLayers {
            throw .invalid("layers", "is \(layers), over the limit of \(Self.maxLayers)", "give the model's real layer count")
        }
        guard attentionHeads % kvHeads == 0 else {
            throw .invalid("kvHeads", "\(kvHeads) does not divide attentionHeads (\(attentionHeads))", "give a divisor of attentionHeads")
        }
        guard layerTypes.count == layers else {
            throw .invalid("layerTypes", "lists \(layerTypes.count) layers but layers is \(layers)", "give one type per layer (runs may use {\"type\": ..., \"count\": n})")
        }
        if layerTypes.contains(.moe), moe == nil {
            throw .invalid("moe", "is missing but layerTypes has moe layers", "add {\"experts\": E, \"topK\": k, \"expertFFNSize\": f}")
        }
        if let p = pipelineDevices, p < 1 {
            throw .invalid("pipelineDevices", "must be at least 1, got \(p)", "give the source's pipeline size or omit it")
        }
        guard bytesPerParameter >= 0, bytesPerParameter.isFinite else {
            throw .invalid("bytesPerParameter", "must be a finite number ≥ 0", "use 16 for mixed-precision Adam")
        }
    }

    /// Most layers a model may have (the largest published models have a few hundred).
    public static let maxLayers = 100_000
    /// Largest size (hidden, heads, FFN, vocabulary, sequence, ...) a model may give: 2²⁴, so
    /// products of two sizes stay exact and far from overflow.
    public static let maxDimension = 1 << 24

    /// Width of the queries, a · headDim.
    public var queryWidth: Int { attentionHeads * headDim }
    /// Width of the keys (and of the values), g · headDim.
    public var keyValueWidth: Int { kvHeads * headDim }
}

/// A run of consecutive layers of one type in `layerTypes`: either a bare type name or
/// `{"type": "moe", "count": 58}`.
struct LayerRun: Decodable {
    var type: LayerType
    var count: Int

    enum CodingKeys: String, CodingKey, CaseIterable { case type, count }

    init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer().decode(LayerType.self) {
            type = single
            count = 1
            return
        }
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(LayerType.self, forKey: .type)
        count = try c.decodeIfPresent(Int.self, forKey: .count) ?? 1
        guard count >= 1 else {
            throw ProfileError(field: ProblemError.fieldPath(decoder.codingPath + [CodingKeys.count]), message: "must be at least 1, got \(count)", fix: "give a positive count")
        }
    }
}

/// The kind of one language-model layer: which token mixer and which feed-forward block it has.
public enum LayerType: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    /// Attention and a dense feed-forward block (a standard transformer layer).
    case dense
    /// Attention and a mixture-of-experts feed-forward block.
    case moe
    /// A state-space (Mamba-2-like) mixer only; attention-free.
    case ssm
    /// Attention only (hybrid models such as Nemotron-H split attention and MLP layers).
    case attention
    /// A dense feed-forward block only.
    case mlp

    /// Whether the layer has self-attention.
    public var hasAttention: Bool { self == .dense || self == .moe || self == .attention }
}

/// Number formats and their sizes.
public enum DataType: String, Sendable, Equatable, Codable, CaseIterable {
    case fp32, bf16, fp16

    /// Bytes per element of weights and stored activations.
    public var bytes: Double { self == .fp32 ? 4 : 2 }
}

/// Mixture-of-experts settings (Switch/GShard style routing, DeepSeek-style shared experts).
public struct MoEConfig: Sendable, Equatable, Decodable {
    /// Routed experts E.
    public var experts: Int
    /// Experts each token is routed to.
    public var topK: Int
    /// Feed-forward inner size of one expert.
    public var expertFFNSize: Int
    /// Experts every token goes through (0 when absent).
    public var sharedExperts: Int
    /// Expert-parallel degree: routed experts' weights are spread over this many devices, and each
    /// MoE layer's dispatch and combine cross the network (`LayerCost.mixtureOfExperts`).
    public var expertParallel: Int

    enum CodingKeys: String, CodingKey, CaseIterable { case experts, topK, expertFFNSize, sharedExperts, expertParallel }

    public init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        experts = try c.decode(Int.self, forKey: .experts)
        topK = try c.decode(Int.self, forKey: .topK)
        expertFFNSize = try c.decode(Int.self, forKey: .expertFFNSize)
        sharedExperts = try c.decodeIfPresent(Int.self, forKey: .sharedExperts) ?? 0
        expertParallel = try c.decodeIfPresent(Int.self, forKey: .expertParallel) ?? 1
        guard experts >= 1, topK >= 1, topK <= experts, expertFFNSize >= 1, sharedExperts >= 0, expertParallel >= 1 else {
            throw ProfileError(field: ProblemError.fieldPath(decoder.codingPath), message: "needs experts ≥ 1, 1 ≤ topK ≤ experts, expertFFNSize ≥ 1, sharedExperts ≥ 0, expertParallel ≥ 1",
                               fix: "fix the MoE sizes")
        }
    }
}

/// State-space mixer settings (Mamba-2: Dao & Gu, "Transformers are SSMs", ICML 2024).
public struct SSMConfig: Sendable, Equatable, Decodable {
    /// State size N per channel.
    public var stateSize: Int = 128
    /// Inner width as a multiple of the hidden size.
    public var expand: Int = 2
    /// Channels per SSM head (one decay per head).
    public var headDim: Int = 64
    /// Width of the causal convolution.
    public var convKernel: Int = 4

    enum CodingKeys: String, CodingKey, CaseIterable { case stateSize, expand, headDim, convKernel }

    public init() {}

    public init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        stateSize = try c.decodeIfPresent(Int.self, forKey: .stateSize) ?? 128
        expand = try c.decodeIfPresent(Int.self, forKey: .expand) ?? 2
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim) ?? 64
        convKernel = try c.decodeIfPresent(Int.self, forKey: .convKernel) ?? 4
        guard stateSize >= 1, expand >= 1, headDim >= 1, convKernel >= 1 else {
            throw ProfileError(field: ProblemError.fieldPath(decoder.codingPath), message: "sizes must be at least 1", fix: "fix the SSM sizes")
        }
    }
}

/// A vision encoder (ViT) ahead of the language model: bidirectional attention over image tokens.
public struct VisionEncoder: Sendable, Equatable, Decodable {
    public var layers: Int
    public var hiddenSize: Int
    public var attentionHeads: Int
    public var ffnSize: Int
    /// Image tokens (patches) per sequence.
    public var tokens: Int
    public var gatedFFN: Bool

    enum CodingKeys: String, CodingKey, CaseIterable { case layers, hiddenSize, attentionHeads, ffnSize, tokens, gatedFFN }

    public init(from decoder: Decoder) throws {
        try UnknownKeys.reject(in: decoder, allowed: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        layers = try c.decode(Int.self, forKey: .layers)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        attentionHeads = try c.decode(Int.self, forKey: .attentionHeads)
        ffnSize = try c.decode(Int.self, forKey: .ffnSize)
        tokens = try c.decode(Int.self, forKey: .tokens)
        gatedFFN = try c.decodeIfPresent(Bool.self, forKey: .gatedFFN) ?? false
        guard layers >= 1, hiddenSize >= 1, attentionHeads >= 1, ffnSize >= 1, tokens >= 1 else {
            throw ProfileError(field: ProblemError.fieldPath(decoder.codingPath), message: "sizes must be at least 1", fix: "fix the vision encoder sizes")
        }
    }
}
