import Foundation
import PipeSchedILP
import PipeSchedServer
import Testing
import Yams
@testable import PipeSched
@testable import PipeSchedSweep

/// The JSON Schemas in docs/schemas/ and the OpenAPI document's request schema agree with the
/// Codable types: the same keys, and every bundled problem, every schedule the methods write and
/// every documented grid validates, while what the decoders refuse the schemas refuse too.
@Suite struct SchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let schemas = root.appendingPathComponent("docs/schemas")

    func check(_ file: String) throws -> (JSONSchemaCheck, [String: Any]) {
        let schema = try JSONSchemaCheck.load(Self.schemas.appendingPathComponent(file))
        return (JSONSchemaCheck(root: schema, folder: Self.schemas), schema)
    }

    func properties(_ schema: Any?, _ path: [String] = []) -> Set<String> {
        var node = schema
        for key in path { node = (node as? [String: Any])?[key] }
        return Set(((node as? [String: Any])?["properties"] as? [String: Any] ?? [:]).keys)
    }

    /// The problem files in Models/ (not the model and hardware descriptions in its subfolders).
    static var bundledProblems: [URL] {
        let folder = root.appendingPathComponent("Models")
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
    }

    /// The ```json blocks of a Markdown file.
    static func jsonBlocks(_ document: String) throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent(document), encoding: .utf8)
        return text.components(separatedBy: "```json\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    }

    @Test func problemSchemaHasExactlyTheCodableKeys() throws {
        let (_, schema) = try check("problem.schema.json")
        #expect(properties(schema) == Set(Problem.CodingKeys.allCases.map(\.stringValue)))
        #expect(properties(schema, ["$defs", "stage"]) == Set(StageProfile.CodingKeys.allCases.map(\.stringValue)))
        #expect(properties(schema, ["$defs", "stage", "properties", "memory"]) == Set(MemoryDeltas.CodingKeys.allCases.map(\.stringValue)))
    }

    @Test func everyBundledAndDocumentedProblemDecodesAndValidates() throws {
        let (checker, schema) = try check("problem.schema.json")
        let texts = try Self.bundledProblems.map { try String(contentsOf: $0, encoding: .utf8) } + Self.jsonBlocks("docs/problem-format.md")
        #expect(texts.count >= 5)
        for text in texts {
            _ = try Problem.decode(json: Data(text.utf8))
            let value = try #require(try Yams.load(yaml: text))
            #expect(checker.violations(value, schema).isEmpty, "\(checker.violations(value, schema)) in \(text.prefix(80))")
        }
    }

    @Test func whatTheDecoderRefusesTheSchemaRefuses() throws {
        let (checker, schema) = try check("problem.schema.json")
        let base = try #require(try Yams.load(yaml: String(contentsOf: Self.bundledProblems[0], encoding: .utf8)) as? [String: Any])
        let changes: [(String, ([String: Any]) -> [String: Any])] = [
            ("an unknown key", { var p = $0; p["latency"] = 1; return p }),
            ("a negative transfer time", { var p = $0; p["communication"] = ["latency": 1, "transfer": -1]; return p }),
            ("nodes without their latency", { var p = $0; p["communication"] = ["latency": 1, "devicesPerNode": 2]; return p }),
            ("no stages", { var p = $0; p["stages"] = nil; return p }),
            ("devices as text", { var p = $0; p["devices"] = "4"; return p }),
            ("an unknown stage key", { var p = $0; var stages = p["stages"] as! [[String: Any]]; stages[0]["fwd"] = 1; p["stages"] = stages; return p }),
        ]
        for (name, change) in changes {
            let changed = change(base)
            let data = try JSONSerialization.data(withJSONObject: changed)
            #expect(throws: ProblemError.self, "the decoder accepts \(name)") { try Problem.decode(json: data) }
            #expect(!checker.violations(changed, schema).isEmpty, "the schema accepts \(name)")
        }
    }

    @Test func schedulesTheMethodsWriteValidateAndHaveTheSchemasKeys() throws {
        let (checker, schema) = try check("schedule.schema.json")
        let problem = try Problem.decode(json: Data(contentsOf: Self.bundledProblems.first { $0.lastPathComponent == "toy-uniform.json" }!))
        let small = try Problem(name: "small", microbatches: 2, devices: 2, stages: Array(repeating: problem.stages[0], count: 2),
                                memoryLimit: [100, 100], backwardSplit: .torch)
        var documents = try ["1f1b", "zb-h1", "greedy"].map { try Methods.solve(problem, method: $0).document(for: problem) }
        let auto = try Methods.solve(problem, method: "auto", options: SolveOptions(timeLimit: 0.3)).document(for: problem)
        documents.append(auto)
        let candidates = try #require(try Yams.load(yaml: String(decoding: try auto.json(), as: UTF8.self)) as? [String: Any])["candidates"] as? [[String: Any]]
        #expect((candidates?.count ?? 0) >= 10)
        #expect(Set((candidates ?? []).flatMap(\.keys)) == properties(schema, ["properties", "candidates", "items"]))
        let baseline = try #require(try Yams.load(yaml: String(decoding: try auto.json(), as: UTF8.self)) as? [String: Any])["torchBaseline"] as? [String: Any]
        #expect(Set(baseline?.keys ?? [:].keys) == properties(schema, ["properties", "torchBaseline"]))
        // dualpipev where the stages hide all-to-all time: overlapped F&B pairs.
        let v = try Problem(name: "v-overlap", microbatches: 4, devices: 2, placement: .v, stages: Array(repeating: StageProfile(slices: [
            PassCosts(forward: 2, backwardInput: 2, backwardWeight: 1, overlap: OverlapCost(forward: 1, backward: 1))]), count: 4))
        let overlapped = try Methods.solve(v, method: "dualpipev").document(for: v)
        #expect(overlapped.timeline.joined().contains { $0.overlapped })
        documents.append(overlapped)
        // Vocabulary shards: stages that form a graph (`stageInputs`).
        var shard = StageProfile(forward: 0.5, backwardInput: 0.5, backwardWeight: 0.5)
        shard.inputs = [1]
        let graph = try Problem(name: "vocabulary-shards", microbatches: 2, devices: 2, placement: .interleaved,
                                stages: Array(repeating: problem.stages[0], count: 2) + [shard, shard])
        let sharded = try Methods.solve(graph, method: "greedy").document(for: graph)
        #expect(sharded.stageInputs != nil)
        documents.append(sharded)
        let headroom = try MemoryHeadroom(percent: 10)
        documents.append(try Methods.solve(try headroom.apply(to: small), method: "greedy").remeasured(on: small, headroom: headroom).document(for: small))
        documents.append(try MethodRegistry.withILP().solve(small, method: "ilp", options: SolveOptions(timeLimit: 10)).document(for: small))
        for document in documents {
            let value = try #require(try Yams.load(yaml: String(decoding: try document.json(), as: UTF8.self)) as? [String: Any])
            #expect(checker.violations(value, schema).isEmpty, "\(document.method): \(checker.violations(value, schema))")
        }
        let withSolver = try #require(documents.last)
        let value = try #require(try Yams.load(yaml: String(decoding: try withSolver.json(), as: UTF8.self)) as? [String: Any])
        #expect(Set(value.keys).union(["candidates", "torchBaseline", "memoryHeadroom", "pipelines", "stageInputs"]) == properties(schema), "schedule keys")
        #expect(documents.contains { $0.memoryHeadroom == 10 } && withSolver.backwardSplit == .torch)
        #expect(Set((value["metrics"] as! [String: Any]).keys) == properties(schema, ["properties", "metrics"]))
        let entry = ((value["timeline"] as! [[Any]])[0][0]) as! [String: Any]
        #expect(Set(entry.keys).union(["overlapped"]) == properties(schema, ["$defs", "entry"]))
        let solverKeys = properties(schema, ["properties", "solver"])
        #expect(Set((value["solver"] as! [String: Any]).keys).isSubset(of: solverKeys))
        #expect(solverKeys == Set(["name", "status", "objective", "bestBound", "gap", "nodes", "seconds", "timeLimit", "startObjective", "subproblems"]))
    }

    @Test func gridSchemaHasTheGridKeysAndTheDocumentedGridsValidate() throws {
        let (checker, schema) = try check("grid.schema.json")
        #expect(properties(schema) == SweepGrid.fields)
        #expect(properties(schema, ["properties", "axes"]) == SweepGrid.axisFields)
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/sweep.md"), encoding: .utf8)
        // Every YAML block but the Kubernetes manifest (apiVersion:) is a grid.
        let grids = text.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
            .filter { !$0.hasPrefix("apiVersion:") }
        #expect(grids.count >= 2)
        for grid in grids {
            let value = try #require(try Yams.load(yaml: grid))
            #expect(checker.violations(value, schema).isEmpty, "\(checker.violations(value, schema)) in \(grid.prefix(60))")
            let folder = Self.root.appendingPathComponent(grid.contains("problem:") ? "Models" : "docs")
            _ = try SweepGrid.parse(yaml: grid, folder: folder, knownMethods: Set(MethodRegistry.withILP().methods.map(\.name)))
        }
        let unknownAxis: [String: Any] = ["problem": "x.json", "axes": ["methods": ["1f1b"], "chunks": [2]]]
        #expect(!checker.violations(unknownAxis, schema).isEmpty)
    }

    @Test func openAPISolveRequestAcceptsTheDocumentedRequestAndEveryBundledProblem() throws {
        let openapi = try JSONSchemaCheck.load(Self.root.appendingPathComponent("docs/openapi.yaml"))
        let checker = JSONSchemaCheck(root: openapi, folder: Self.root.appendingPathComponent("docs"))
        let request: [String: Any] = ["$ref": "#/components/schemas/SolveRequest"]
        for file in Self.bundledProblems {
            let problem = try #require(try Yams.load(yaml: String(contentsOf: file, encoding: .utf8)))
            let body: [String: Any] = ["problem": problem, "method": "zb-h1", "solver": "glpk", "gap": 0.01, "threads": 1]
            #expect(checker.violations(body, request).isEmpty, "\(file.lastPathComponent): \(checker.violations(body, request))")
        }
        #expect(!checker.violations(["problem": ["devices": 1]] as [String: Any], request).isEmpty)
        #expect(!checker.violations(["problem": ["devices": 1, "microbatches": 1, "stages": [["forward": 1, "backwardInput": 1, "backwardWeight": 1]]],
                                     "gap": 1] as [String: Any], request).isEmpty)
    }
}
