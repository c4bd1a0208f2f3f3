import Foundation
import PipeSched
import Testing

/// The web page at `GET /`: served from the binary, identical to web/index.html, self-contained
/// (nothing from another host), with the bundled problems it offers. The page's behaviour in a real
/// browser is tested by scripts/browser-test (`make test-browser`).
@Suite struct WebPageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    @Test func servedPageIsTheFileAndLoadsNothingFromAnotherHost() async throws {
        let file = try String(contentsOf: Self.root.appendingPathComponent("web/index.html"), encoding: .utf8)
        try await ServerHarness().run { client in
            let reply = try await client.get("/")
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(reply.text == file, "run `make embed` after editing web/index.html")
            for pattern in ["src=\"http", "href=\"http", "@import", "url(http", "//cdn", "https://"] {
                #expect(!reply.text.contains(pattern), "the page refers to another host: \(pattern)")
            }
        }
    }

    @Test func bundledFilesAreServedAndDecode() async throws {
        try await ServerHarness().run { client in
            let reply = try await client.get("/examples.json")
            #expect(reply.status == .ok)
            let object = try reply.object()
            for (key, folder) in [("problems", "Models"), ("models", "Models/models"), ("hardware", "Models/hardware")] {
                let table = try #require(object[key] as? [String: Any])
                let files = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent(folder).path).filter { $0.hasSuffix(".json") }
                #expect(Set(table.keys) == Set(files.map { String($0.dropLast(5)) }), "\(folder): run `make embed`")
                for (name, value) in table {
                    let served = try JSONSerialization.data(withJSONObject: value, options: .sortedKeys)
                    let file = try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(contentsOf: Self.root.appendingPathComponent("\(folder)/\(name).json"))), options: .sortedKeys)
                    #expect(served == file, "\(folder)/\(name).json: run `make embed`")
                }
            }
            for (name, value) in try #require(object["problems"] as? [String: Any]) {
                let problem = try Problem.decode(json: JSONSerialization.data(withJSONObject: value))
                #expect(problem.name == name, "Models/\(name).json names itself \(problem.name)")
            }
        }
    }

    @Test func profileBuildsTheProblemTheCLIWouldFromBundledNames() async throws {
        try await ServerHarness().run { client in
            let reply = try await client.post("/v1/profile", ["model": "zb-gpt-1.5b", "hardware": "a100-80gb", "devices": 4, "microbatches": 8, "placement": "v"])
            #expect(reply.status == .ok, "\(reply.text)")
            let problem = try Problem.decode(json: reply.body)
            #expect(problem.devices == 4 && problem.stageCount == 8 && problem.microbatches == 8)
            #expect(problem.units == .profile && problem.partition?.count == 8 && problem.memoryLimit == [80, 80, 80, 80])
            let capped = try await client.post("/v1/profile", ["model": "zb-gpt-1.5b", "hardware": "a100-80gb", "devices": 4, "microbatches": 8, "memoryLimit": 40])
            #expect(try Problem.decode(json: capped.body).memoryLimit == [40, 40, 40, 40])
            let wave = try Problem.decode(json: try await client.post("/v1/profile", ["model": "zb-gpt-1.5b", "hardware": "a100-80gb", "devices": 4,
                                                                                   "microbatches": 8, "placement": "wave"]).body)
            #expect(wave.placement == .wave && wave.stageCount == 16, "two waves unless chunks says otherwise")
            let units = try Problem.decode(json: try await client.post("/v1/profile", ["model": "zb-gpt-1.5b", "hardware": "a100-80gb", "devices": 4,
                                                                                    "microbatches": 8, "placement": "v", "memoryLimitActivations": 1.5]).body)
            #expect(units.memoryLimit == problem.activationCaps(factor: 1.5), "as pipesched profile --memory-limit-activations")
            #expect(units.memoryLimit != problem.memoryLimit)
            for (body, field) in [(["model": "zb-gpt-1.5b", "hardware": "a100-80gb", "microbatches": 8, "memoryLimitActivations": 0], "memoryLimitActivations"),
                                  (["model": "nope", "hardware": "a100-80gb", "microbatches": 8], "model"),
                                  (["model": "zb-gpt-1.5b", "hardware": "a100-80gb"], "microbatches"),
                                  (["model": "zb-gpt-1.5b", "hardware": "a100-80gb", "microbatches": 8, "placement": "ring"], "placement"),
                                  (["model": ["layers": 2], "hardware": "a100-80gb", "microbatches": 8], "model.hiddenSize")] as [([String: Any], String)] {
                let refused = try await client.post("/v1/profile", body)
                #expect(refused.status == .badRequest)
                #expect(refused.errorField == field, "\(refused.text)")
            }
        }
    }

    /// `memoryActions`, `devicesPerNode`, `sequenceLengths`, `vocabularyParallel` and `backwardSplit`, as
    /// `pipesched profile --memory-actions --devices-per-node --sequence-lengths --vocabulary-parallel --backward-split`.
    @Test func profileOffersRecomputationAndNodes() async throws {
        try await ServerHarness().run { client in
            let base: [String: Any] = ["model": "llama3-8b", "hardware": "h100-80gb", "devices": 4, "microbatches": 8]
            let plain = try Problem.decode(json: try await client.post("/v1/profile", base).body)
            #expect(!plain.hasMemoryActions && plain.communication.topology == nil)
            var asked = base
            asked["memoryActions"] = "recompute"
            asked["devicesPerNode"] = 2
            let reply = try await client.post("/v1/profile", asked)
            #expect(reply.status == .ok, "\(reply.text.prefix(300))")
            let problem = try Problem.decode(json: reply.body)
            #expect(problem.hasMemoryActions)
            #expect(problem.communication.topology?.devicesPerNode == 2)
            var offloading = base
            offloading["memoryActions"] = "offload"
            let offloaded = try Problem.decode(json: try await client.post("/v1/profile", offloading).body)
            #expect(offloaded.offersOffloading)
            var lengths = base
            lengths["sequenceLengths"] = [8192, 2048, 4096, 8192, 1024, 2048, 8192, 4096]
            let scaled = try Problem.decode(json: try await client.post("/v1/profile", lengths).body)
            #expect(scaled.costsVaryByMicrobatch && scaled.microbatchScales?.count == 8)
            var sharded = base
            sharded["vocabularyParallel"] = true
            let vocabulary = try Problem.decode(json: try await client.post("/v1/profile", sharded).body)
            #expect(vocabulary.stageCount == 8 && !vocabulary.graph.isChain)
            var torch = base
            torch["backwardSplit"] = "torch"
            let split = try Problem.decode(json: try await client.post("/v1/profile", torch).body)
            #expect(split.stages[0].slices[0].backwardInput == 0 && split.backwardAllocates(stage: 1) && !plain.backwardAllocates(stage: 1))
            for (field, value) in [("memoryActions", "sometimes" as Any), ("devicesPerNode", 0), ("sequenceLengths", [8192, 2048]),
                                   ("vocabularyParallel", "yes"), ("backwardSplit", "megatron")] {
                var bad = base
                bad[field] = value
                let refused = try await client.post("/v1/profile", bad)
                #expect(refused.status == .badRequest)
                #expect(refused.errorField == field, "\(refused.text.prefix(300))")
            }
            // PyTorch's runtime runs whole microbatches of one shape: the split refuses slices, naming them.
            var sliced = torch
            sliced["slices"] = 2
            let refused = try await client.post("/v1/profile", sliced)
            #expect(refused.status == .badRequest && refused.errorField == "slices" && refused.text.contains("--backward-split torch"), "\(refused.text.prefix(300))")
        }
    }
}
