import Foundation
import PipeSched
import PipeSchedServer
import Testing

/// `solver`, `gap` and `threads` over HTTP, as `pipesched solve --solver --gap --threads`.
@Suite struct ExactSolverSettingsTests {
    @Test func anILPRequestRunsWithTheNamedSolverAndGap() async throws {
        try await ServerHarness().run { client in
            let body = Fixtures.solve(method: "ilp", problem: Fixtures.problem(devices: 2, microbatches: 2),
                                      extra: ["solver": "glpk", "gap": 0.05, "threads": 1, "timeLimit": 20, "wait": 30])
            let reply = try await client.post("/v1/solve", body)
            #expect(reply.status == .ok, "\(reply.text)")
            let solver = try #require((try reply.object()["schedule"] as? [String: Any])?["solver"] as? [String: Any])
            #expect((solver["name"] as? String)?.hasPrefix("GLPK") == true, "\(solver)")
            let cbc = try await client.post("/v1/solve", Fixtures.solve(method: "ilp", problem: Fixtures.problem(devices: 2, microbatches: 2),
                                                                         extra: ["solver": "cbc", "timeLimit": 20, "wait": 30]))
            #expect(cbc.status == .ok, "\(cbc.text)")
            #expect(try cbc.object()["id"] as? String != reply.object()["id"] as? String, "the solver is part of the request key")
            let solverName = ((try cbc.object()["schedule"] as? [String: Any])?["solver"] as? [String: Any])?["name"] as? String
            #expect(solverName?.hasPrefix("CBC") == true)
        }
    }

    @Test func badSolverSettingsAreRefusedNamingTheField() async throws {
        try await ServerHarness().run { client in
            for (field, value) in [("solver", "gurobi"), ("gap", 1.5), ("threads", 0)] as [(String, Any)] {
                let reply = try await client.post("/v1/solve", Fixtures.solve(method: "ilp", extra: [field: value]))
                #expect(reply.status == .badRequest)
                #expect(reply.errorField == field)
            }
        }
    }

    @Test func aServerWithoutExactSolversRefusesTheSettings() throws {
        let body = try JSONSerialization.data(withJSONObject: Fixtures.solve(method: "1f1b", extra: ["gap": 0.1]))
        #expect(throws: APIError.self) {
            try SolveRequest.parse(body, waitParameter: nil, limits: ServerLimits(), methods: ["1f1b"])
        }
    }
}
