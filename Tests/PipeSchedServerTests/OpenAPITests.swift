import Foundation
import PipeSched
import PipeSchedServer
import PipeSchedStore
import Testing
import Yams

/// docs/openapi.yaml describes every route the server has, and the server serves that file.
@Suite struct OpenAPITests {
    static let documentPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/openapi.yaml").standardized.path

    @Test func everyRouteIsInTheDocumentWithItsMethod() async throws {
        let text = try String(contentsOfFile: Self.documentPath, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: Any])
        let (store, _) = try temporaryStore()
        let routes = PipeSchedServer.routes(service: SolveService(store: store, limits: ServerLimits()))
        #expect(routes.count >= 8)
        for route in routes {
            let operations = try #require(paths[route.path] as? [String: Any], "\(route.path) is missing from docs/openapi.yaml")
            #expect(operations[route.method.lowercased()] != nil, "\(route.method) \(route.path) is missing from docs/openapi.yaml")
        }
        let served = Set(routes.map { "\($0.method.lowercased()) \($0.path)" })
        for (path, value) in paths {
            for method in ((value as? [String: Any]) ?? [:]).keys where method != "parameters" {
                #expect(served.contains("\(method) \(path)"), "docs/openapi.yaml documents \(method) \(path), which the server lacks")
            }
        }
        try await store.close()
    }

    @Test func servedDocumentIsTheFileInDocs() async throws {
        let file = try String(contentsOfFile: Self.documentPath, encoding: .utf8)
        try await ServerHarness().run { client in
            let reply = try await client.get("/openapi.yaml")
            #expect(reply.status == .ok)
            #expect(reply.text == file, "run `make embed` after editing docs/openapi.yaml")
        }
    }

    @Test func servedSchemasAreTheFilesInDocs() async throws {
        let folder = URL(fileURLWithPath: Self.documentPath).deletingLastPathComponent().appendingPathComponent("schemas")
        try await ServerHarness().run { client in
            for name in ["problem", "schedule", "grid"] {
                let file = try String(contentsOf: folder.appendingPathComponent("\(name).schema.json"), encoding: .utf8)
                let reply = try await client.get("/schemas/\(name).schema.json")
                #expect(reply.status == .ok)
                #expect(reply.text == file, "run `make embed` after editing docs/schemas/")
            }
            #expect(try await client.get("/schemas/nope.json").status == .notFound)
        }
    }

    func temporaryStore() throws -> (SQLiteResultStore, String) {
        let path = ServerHarness.temporaryDatabase()
        return (try SQLiteResultStore(path: path), path)
    }
}
