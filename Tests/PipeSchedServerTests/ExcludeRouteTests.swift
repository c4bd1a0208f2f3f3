import Foundation
import Hummingbird
import PipeSched
@testable import PipeSchedServer
import Testing

/// `exclude` on `POST /v1/solve`: `auto` leaves the candidates out of its run and of the schedule's
/// table, the list is part of the request key (in any order) and of a job's stored request, and a
/// name `auto` does not run, or `exclude` with another method, is a `400` naming the field.
@Suite struct ExcludeRouteTests {
    /// 12 microbatches: more than `auto` proves with the ILP, so it stays quick.
    static var problem: [String: Any] { Fixtures.problem(devices: 4, microbatches: 12) }
    static let excluded = ["zb-h1", "greedy", "local"]

    @Test func autoLeavesThemOutAndTheKeyCountsThem() async throws {
        try await ServerHarness().run { client in
            let plain = try await client.post("/v1/solve", Fixtures.solve(method: "auto", problem: Self.problem, extra: ["timeLimit": 0.5]))
            let without = try await client.post("/v1/solve", Fixtures.solve(method: "auto", problem: Self.problem,
                                                                             extra: ["timeLimit": 0.5, "exclude": Self.excluded]))
            #expect(plain.status == .ok && without.status == .ok, "\(without.text.prefix(300))")
            let plainBody = try plain.object(), withoutBody = try without.object()
            #expect(plainBody["id"] as? String != withoutBody["id"] as? String)
            func methods(_ body: [String: Any]) -> [String] {
                ((body["schedule"] as? [String: Any])?["candidates"] as? [[String: Any]] ?? []).compactMap { $0["method"] as? String }
            }
            #expect(methods(plainBody).contains("zb-h1") && methods(plainBody).contains("greedy"))
            let rows = methods(withoutBody)
            #expect(rows.contains("1f1b") && rows.allSatisfy { !Self.excluded.contains($0) && !$0.hasPrefix("local(") }, "\(rows)")
        }
    }

    @Test func theStoredRequestKeepsThemAndTheKeyIgnoresTheirOrder() throws {
        let limits = ServerLimits()
        let methods = Set(Methods.all.map(\.name))
        let auto = Methods.named("auto")
        func parse(_ extra: [String: Any]) throws -> SolveRequest {
            let body = try JSONSerialization.data(withJSONObject: Fixtures.solve(method: "auto", problem: Self.problem, extra: extra))
            return try SolveRequest.parse(body, waitParameter: nil, limits: limits, methods: methods, auto: auto)
        }
        let request = try parse(["exclude": Self.excluded])
        #expect(request.excludedCandidates == Set(Self.excluded))
        #expect(request.options(cap: limits.maxTimeLimit).excludedCandidates == Set(Self.excluded))
        let again = try SolveRequest.parse(try request.storedBody(cap: limits.maxTimeLimit), waitParameter: nil, limits: limits,
                                           methods: methods, auto: auto)
        #expect(again.excludedCandidates == request.excludedCandidates)
        #expect(again.key(cap: limits.maxTimeLimit) == request.key(cap: limits.maxTimeLimit))
        #expect(try parse(["exclude": Array(Self.excluded.reversed())]).key(cap: limits.maxTimeLimit) == request.key(cap: limits.maxTimeLimit))
        #expect(try parse([:]).key(cap: limits.maxTimeLimit) != request.key(cap: limits.maxTimeLimit))
        #expect(try parse(["exclude": [String]()]).key(cap: limits.maxTimeLimit) == (try parse([:])).key(cap: limits.maxTimeLimit),
                "an empty list is no exclusion")
    }

    /// `exclude` as JSON text.
    @Test(arguments: [
        ("auto", #"["zb-h1", "pipedream"]"#, #"\"pipedream\" is not one of auto's candidates"#),
        ("greedy", #"["zb-h1"]"#, "goes with the method auto"),
        ("auto", #""zb-h1""#, "a list of auto's candidate names"),
    ])
    func badExclusionsAreRefused(method: String, exclude: String, message: String) async throws {
        try await ServerHarness().run { client in
            let value = try JSONSerialization.jsonObject(with: Data(exclude.utf8), options: .fragmentsAllowed)
            let reply = try await client.post("/v1/solve", Fixtures.solve(method: method, problem: Self.problem, extra: ["exclude": value]))
            #expect(reply.status == .badRequest)
            #expect(reply.errorCode == "invalidRequest")
            #expect(reply.text.contains("exclude") && reply.text.contains(message), "\(reply.text.prefix(400))")
        }
    }
}
