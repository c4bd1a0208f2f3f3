import Foundation
@testable import PipeSchedProfile

/// Small model and hardware descriptions the cost-model tests share.
enum Fixtures {
    /// A GPT layer stack with h = 1024, a = 16, f = 4h, s = 2048, b = 1, bf16, V = 51200.
    static func gpt(layers: Int = 8, extra: String = "") -> String {
        """
        {"name": "gpt-test", "layers": \(layers), "hiddenSize": 1024, "attentionHeads": 16, "ffnSize": 4096,
         "vocabularySize": 51200, "sequenceLength": 2048, "microbatchSize": 1, "dtype": "bf16"\(extra)}
        """
    }

    /// 100 TFLOP/s at 50%: 5·10¹³ FLOP/s achieved; 80 GiB; 10 GB/s and 10 µs links.
    static let hardware = """
    {"name": "test-gpu", "peakTFLOPS": 100, "efficiency": 0.5, "memoryGiB": 80,
     "p2pBandwidthGBps": 10, "p2pLatencyMicroseconds": 10, "hostBandwidthGBps": 32}
    """

    static func model(_ text: String) throws -> ModelConfig { try ConfigDecoding.decode(ModelConfig.self, from: Data(text.utf8)) }
    static func device(_ text: String = hardware) throws -> HardwareConfig { try ConfigDecoding.decode(HardwareConfig.self, from: Data(text.utf8)) }

    /// The repository root (for the bundled `Models/`).
    static var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
}
