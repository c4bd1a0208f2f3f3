import Foundation
import Hummingbird
import PipeSchedFuzz
import PipeSchedServer
import Testing

/// Issue 15 fuzz suite, HTTP: `FuzzBudget.count` seeded hostile bodies and paths against the real
/// server. Every answer is a status below 500 with a JSON body (or a schedule), and `/health`
/// answers throughout.
@Suite struct HTTPFuzzTests {
    static let bodies = [
        #"{"method": "1f1b", "problem": {"name": "f", "microbatches": 4, "devices": 2, "stages": [{"forward": 1, "backwardInput": 1, "backwardWeight": 1, "memory": {"forward": 2, "backwardInput": -1, "backwardWeight": -1}}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}], "memoryLimit": 10}}"#,
        #"{"method": "greedy", "objective": "makespan", "seed": 3, "problem": {"microbatches": 3, "devices": 2, "placement": "interleaved", "sequenceSlices": 2, "stages": [{"forward": [1, 2], "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}]}}"#,
        #"{"method": "local", "timeLimit": 0.05, "wait": 0, "problem": {"microbatches": 2, "devices": 2, "placement": "v", "stages": [{"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}]}}"#,
    ]

    @Test func hostileRequestsNeverGetA500() async throws {
        let limits = ServerLimits(maxBodyBytes: 1 << 20, maxProblemSize: 3_000, concurrentJobs: 2, queueLength: 64, shutdownGrace: 0.2,
                                  maxStages: 48, syncTimeLimit: 2)
        try await ServerHarness(limits: limits).run { client in
            var mutator = Mutator(seed: FuzzBudget.seed &+ 100)
            for round in 0..<FuzzBudget.count {
                let reply: ServerHarness.Reply
                switch round % 10 {
                case 9:
                    let path = mutator.pick(["/v1/jobs/", "/v1/schedules/", "/v1/schedules/x?format=", "/v1/jobs/%00", "/v1/schedules/"])
                        + mutator.pick(["", "nothing", "..%2F..", String(repeating: "a", count: 3000), "svg", "1e308"])
                    reply = try await client.request(mutator.pick([.get, .delete]), path)
                default:
                    let body = mutator.mutateJSON(mutator.pick(Self.bodies))
                    reply = try await client.request(.post, "/v1/solve" + mutator.pick(["", "?wait=1e308", "?wait=-1", "?wait=0"]),
                                                     body: Data(body.utf8))
                }
                #expect(reply.status.code < 500, "\(reply.status) \(reply.text.prefix(300))")
                if reply.status.code >= 400 { #expect(reply.errorCode != nil, "\(reply.status): \(reply.text.prefix(300))") }
                if round % 100 == 0 { #expect(try await client.get("/health").status == .ok) }
            }
            #expect(try await client.get("/health").status == .ok)
        }
    }
}
