import Foundation
import Hummingbird
import PipeSched
import PipeSchedServer
import Testing

/// Malformed, invalid and oversized requests get 4xx answers with the CLI's field-level messages,
/// never a crash or a 500.
@Suite struct BadRequestTests {
    @Test func malformedJSONIsABadRequest() async throws {
        try await ServerHarness().run { client in
            for body in ["{\"problem\": ", "not json", "[1, 2]", "", "{\"problem\": {}} trailing"] {
                let reply = try await client.request(.post, "/v1/solve", body: Data(body.utf8))
                #expect(reply.status == .badRequest, "\(body)")
                #expect(reply.errorCode == "invalidJSON", "\(body)")
            }
        }
    }

    @Test func invalidProblemGetsTheCLIFieldMessage() async throws {
        var problem = Fixtures.problem()
        var stages = problem["stages"] as! [[String: Any]]
        stages[2]["memory"] = ["forward": 2.0, "backwardInput": -1.0, "backwardWeight": -1.5]
        problem["stages"] = stages
        let problemJSON = try JSONSerialization.data(withJSONObject: problem)
        let body = try JSONSerialization.data(withJSONObject: Fixtures.solve(method: "1f1b", problem: problem))
        let expected = try #require(cliError(problemJSON))
        try await ServerHarness().run { client in
            let reply = try await client.request(.post, "/v1/solve", body: body)
            #expect(reply.status == .badRequest)
            let error = try #require(try reply.object()["error"] as? [String: Any])
            #expect(error["code"] as? String == "invalidProblem")
            #expect(error["field"] as? String == "stages[2].memory")
            #expect(error["field"] as? String == expected.field)
            #expect(error["message"] as? String == expected.message)
            #expect(error["fix"] as? String == expected.fix)
            #expect(error["description"] as? String == expected.description)
        }
    }

    /// The error the CLI reports for this problem file.
    func cliError(_ data: Data) -> ProblemError? {
        do {
            _ = try Problem.decode(json: data)
            return nil
        } catch {
            return error
        }
    }

    @Test func unknownFieldsMethodsAndBadValuesNameTheField() async throws {
        var withoutMicrobatches = Fixtures.problem()
        withoutMicrobatches["microbatches"] = nil
        let missingField = try JSONSerialization.data(withJSONObject: Fixtures.solve(method: "1f1b", problem: withoutMicrobatches))
        try await ServerHarness().run { client in
            let missing = try await client.request(.post, "/v1/solve", body: missingField)
            #expect(missing.status == .badRequest)
            #expect(missing.errorField == "microbatches", "\(missing.text)")
            let cases: [([String: Any], String)] = [
                (Fixtures.solve(method: "1f1b", extra: ["timelimit": 3]), "timelimit"),
                (Fixtures.solve(method: "no-such-method"), "method"),
                (Fixtures.solve(method: "1f1b", extra: ["objective": "speed"]), "objective"),
                (Fixtures.solve(method: "local", extra: ["timeLimit": -1]), "timeLimit"),
                (Fixtures.solve(method: "local", extra: ["timeLimit": 100_000]), "timeLimit"),
                (Fixtures.solve(method: "1f1b", extra: ["seed": "one"]), "seed"),
                (Fixtures.solve(method: "auto", extra: ["wait": 1e9]), "wait"),
                (["method": "1f1b"], "problem"),
            ]
            for (body, field) in cases {
                let reply = try await client.post("/v1/solve", body)
                #expect(reply.status == .badRequest, "\(field): \(reply.text)")
                #expect(reply.errorField == field, "\(reply.text)")
            }
        }
    }

    @Test func oversizedBodyIsRefusedWith413() async throws {
        try await ServerHarness(limits: ServerLimits(maxBodyBytes: 4096)).run { client in
            let padding = String(repeating: "x", count: 8192)
            let reply = try await client.post("/v1/solve", Fixtures.solve(method: "1f1b", problem: Fixtures.problem(name: padding)))
            #expect(reply.status == .contentTooLarge)
            #expect(reply.errorCode == "bodyTooLarge")
            // The server goes on answering.
            #expect(try await client.post("/v1/solve", Fixtures.solve(method: "1f1b")).status == .ok)
        }
    }

    @Test func problemOverTheSizeLimitIsRefused() async throws {
        try await ServerHarness(limits: ServerLimits(maxProblemSize: 16)).run { client in
            let reply = try await client.post("/v1/solve", Fixtures.solve(method: "1f1b", problem: Fixtures.problem(devices: 4, microbatches: 8)))
            #expect(reply.status == .badRequest)
            #expect(reply.errorCode == "problemTooLarge")
        }
    }

    /// An exact method on a problem whose model would not fit the memory budget (`ExactSizeGuard`):
    /// refused before anything is built, with 422, the `tooLarge` code and a fix naming the methods
    /// that handle the size; the server keeps serving.
    @Test func exactMethodOverTheMemoryBudgetIsRefusedWith422() async throws {
        try await ServerHarness(limits: ServerLimits(concurrentJobs: 2, queueLength: 8, shutdownGrace: 0.5)).run { client in
            let body = try JSONSerialization.data(withJSONObject: Fixtures.solve(method: "ilp", problem: Fixtures.problem(devices: 32, microbatches: 256)))
            let reply = try await client.request(.post, "/v1/solve?wait=30", body: body)
            #expect(reply.status == .unprocessableContent, "\(reply.text.prefix(300))")
            #expect(reply.errorCode == "tooLarge", "\(reply.text.prefix(300))")
            #expect(reply.text.contains("ilp-window") || reply.text.contains("cpsat-window"), "\(reply.text.prefix(300))")
            #expect(try await client.post("/v1/solve", Fixtures.solve(method: "1f1b")).status == .ok)
        }
    }

    @Test func unknownJobIsNotFound() async throws {
        try await ServerHarness().run { client async throws in
            #expect(try await client.get("/v1/jobs/nothing").status == .notFound)
            #expect(try await client.request(.delete, "/v1/jobs/nothing").status == .notFound)
        }
    }
}
