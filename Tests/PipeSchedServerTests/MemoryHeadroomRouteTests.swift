import Foundation
import Hummingbird
import PipeSched
@testable import PipeSchedServer
import Testing

/// `memoryHeadroom` on `POST /v1/solve`: the search keeps the margin under every cap, the schedule
/// is measured against the real caps, the margin is part of the request key, and a margin the caps
/// cannot give is a `400` naming the field.
@Suite struct MemoryHeadroomRouteTests {
    /// Four devices capped at 8 (one microbatch takes 2 of it).
    static func capped() -> [String: Any] {
        var problem = Fixtures.problem(devices: 4, microbatches: 8)
        problem["memoryLimit"] = [8.0, 8.0, 8.0, 8.0]
        return problem
    }

    static func peaks(_ reply: [String: Any]) throws -> [Double] {
        let schedule = try #require(reply["schedule"] as? [String: Any])
        let metrics = try #require(schedule["metrics"] as? [String: Any])
        return try #require(metrics["peakMemory"] as? [Double])
    }

    @Test(arguments: ["greedy", "local"])
    func theSearchKeepsTheMarginAndTheKeyCountsIt(method: String) async throws {
        try await ServerHarness().run { client in
            let plain = try await client.post("/v1/solve", Fixtures.solve(method: method, problem: Self.capped(), extra: ["timeLimit": 0.5]))
            let kept = try await client.post("/v1/solve", Fixtures.solve(method: method, problem: Self.capped(),
                                                                          extra: ["timeLimit": 0.5, "memoryHeadroom": 25]))
            #expect(plain.status == .ok && kept.status == .ok, "\(kept.text.prefix(300))")
            let plainBody = try plain.object(), keptBody = try kept.object()
            #expect(plainBody["id"] as? String != keptBody["id"] as? String)
            // Without a margin the greedy fills the cap; with 25% every device stays at or under 6.
            #expect(try Self.peaks(plainBody).max()! > 6)
            for peak in try Self.peaks(keptBody) { #expect(peak <= 6 + 1e-9) }
            // Measured against the real problem: the same lower bound as the plain request.
            // The schedule records the margin; without one the field is absent.
            #expect((keptBody["schedule"] as? [String: Any])?["memoryHeadroom"] as? Double == 25)
            #expect((plainBody["schedule"] as? [String: Any])?["memoryHeadroom"] == nil)
            let plainMetrics = (plainBody["schedule"] as? [String: Any])?["metrics"] as? [String: Any]
            let keptMetrics = (keptBody["schedule"] as? [String: Any])?["metrics"] as? [String: Any]
            #expect(plainMetrics?["lowerBound"] as? Double == keptMetrics?["lowerBound"] as? Double)
        }
    }

    /// A job (auto with a time limit) keeps the margin too, and its stored request (what another
    /// server runs when it takes the job over) carries it.
    @Test func aJobKeepsTheMargin() async throws {
        try await ServerHarness().run { client in
            let body = try JSONSerialization.data(withJSONObject: Fixtures.solve(method: "auto", problem: Self.capped(),
                                                                                 extra: ["timeLimit": 2, "memoryHeadroom": 25]))
            let reply = try await client.request(.post, "/v1/solve?wait=30", body: body)
            #expect(reply.status == .ok, "\(reply.text.prefix(300))")
            for peak in try Self.peaks(try reply.object()) { #expect(peak <= 6 + 1e-9) }
            #expect((try reply.object()["schedule"] as? [String: Any])?["memoryHeadroom"] as? Double == 25)
        }
    }

    /// The job row's request parses back to the same key, margin included (a server taking the job
    /// over runs the same solve), and the margin changes the key.
    @Test func theStoredRequestKeepsTheMarginAndTheKey() throws {
        let limits = ServerLimits()
        let methods = Set(Methods.all.map(\.name))
        let body = try JSONSerialization.data(withJSONObject: Fixtures.solve(method: "greedy", problem: Self.capped(), extra: ["memoryHeadroom": 12.5]))
        let request = try SolveRequest.parse(body, waitParameter: nil, limits: limits, methods: methods)
        #expect(request.memoryHeadroom == 12.5)
        let again = try SolveRequest.parse(try request.storedBody(cap: limits.maxTimeLimit), waitParameter: nil, limits: limits, methods: methods)
        #expect(again.memoryHeadroom == 12.5)
        #expect(again.key(cap: limits.maxTimeLimit) == request.key(cap: limits.maxTimeLimit))
        var without = request
        without.memoryHeadroom = 0
        #expect(without.key(cap: limits.maxTimeLimit) != request.key(cap: limits.maxTimeLimit))
    }

    @Test(arguments: [80.0, 100, -1])
    func aMarginTheCapsCannotGiveIsRefused(percent: Double) async throws {
        try await ServerHarness().run { client in
            let reply = try await client.post("/v1/solve", Fixtures.solve(method: "greedy", problem: Self.capped(), extra: ["memoryHeadroom": percent]))
            #expect(reply.status == .badRequest)
            #expect(reply.errorCode == "invalidRequest")
            #expect(reply.text.contains("memoryHeadroom"), "\(reply.text.prefix(300))")
        }
    }
}
