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

    @Test func bundledProblemsAreServedAndDecode() async throws {
        try await ServerHarness().run { client in
            let reply = try await client.get("/examples.json")
            #expect(reply.status == .ok)
            let object = try reply.object()
            let files = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Models").path).filter { $0.hasSuffix(".json") }
            #expect(Set(object.keys) == Set(files.map { String($0.dropLast(5)) }))
            for (name, value) in object {
                let problem = try Problem.decode(json: JSONSerialization.data(withJSONObject: value))
                #expect(problem.name == name, "Models/\(name).json names itself \(problem.name)")
            }
        }
    }
}
