import Foundation
import GRDB
import Hummingbird
import PipeSched
import PipeSchedServer
import PipeSchedStore
import Synchronization
import Testing

/// Issue 15, remote cases: requests that used to kill the server, exhaust its memory or hold its
/// connections get a JSON `4xx`, and the server goes on answering `/health`.
@Suite struct HardeningServerTests {
    static func raw(_ text: String) -> Data { Data(text.utf8) }

    static func body(microbatches: String = "4", devices: Int = 2, stages: Int = 2, placement: String = "sequential", method: String = "1f1b",
                     extra: String = "", stage: String = #"{"forward": 1, "backwardInput": 1, "backwardWeight": 1}"#) -> Data {
        raw(#"{"method": "\#(method)", "problem": {"devices": \#(devices), "microbatches": \#(microbatches), "placement": "\#(placement)", "stages": [\#(Array(repeating: stage, count: stages).joined(separator: ","))]\#(extra)}}"#)
    }

    // Case 1: one ~300-byte request used to overflow the size check and kill the server.
    @Test func overflowingSizesAreRefusedAndTheServerLives() async throws {
        try await ServerHarness().run { client in
            let bodies = [Self.body(microbatches: "4611686018427387904"), Self.body(microbatches: "9223372036854775807"),
                          Self.body(extra: #", "sequenceSlices": 9223372036854775807"#),
                          Self.body(devices: 1 << 62, extra: #", "memoryLimit": 10"#)]
            for body in bodies {
                #expect(body.count < 400)
                let reply = try await client.request(.post, "/v1/solve", body: body)
                #expect(reply.status == .badRequest, "\(reply.text)")
                #expect(reply.errorCode == "problemTooLarge", "\(reply.text)")
            }
            #expect(try await client.get("/health").status == .ok)
        }
    }

    // Case 2: the size counts stages (30 interleaved stages × 65536 microbatches used to take 1.66 GB).
    @Test func theSizeCountsStages() async throws {
        try await ServerHarness().run { client in
            let reply = try await client.request(.post, "/v1/solve", body: Self.body(microbatches: "65536", devices: 1, stages: 30,
                                                                                     placement: "interleaved", method: "bfs"))
            #expect(reply.status == .badRequest)
            #expect(reply.errorCode == "problemTooLarge")
            #expect(reply.errorField == "problem.microbatches")
        }
    }

    // Case 3: the stage count is bounded (greedy's time grows with its square).
    @Test func tooManyStagesAreRefused() async throws {
        try await ServerHarness().run { client in
            let reply = try await client.request(.post, "/v1/solve", body: Self.body(microbatches: "2", devices: 1, stages: 3000,
                                                                                     placement: "interleaved", method: "greedy"))
            #expect(reply.status == .badRequest)
            #expect(reply.errorField == "problem.stages")
        }
    }

    // Case 7: finite but huge numbers are a 400 naming the field, never an empty 500.
    @Test func hugeNumbersAreABadRequest() async throws {
        try await ServerHarness().run { client in
            for (extra, stage, field) in [("", #"{"forward": 1e308, "backwardInput": 1, "backwardWeight": 1}"#, "stages[0].forward"),
                                          (#", "communication": 1e308"#, #"{"forward": 1, "backwardInput": 1, "backwardWeight": 1}"#, "communication"),
                                          (#", "memoryLimit": 1e308"#, #"{"forward": 1, "backwardInput": 1, "backwardWeight": 1}"#, "memoryLimit")] {
                let reply = try await client.request(.post, "/v1/solve", body: Self.body(extra: extra, stage: stage))
                #expect(reply.status == .badRequest, "\(reply.text)")
                #expect(reply.errorField == field, "\(reply.text)")
            }
        }
    }

    // Case 14: duplicate keys inside the problem are refused.
    @Test func duplicateKeysInTheProblemAreRefused() async throws {
        try await ServerHarness().run { client in
            let reply = try await client.request(.post, "/v1/solve", body: Self.body(extra: #", "devices": 3"#))
            #expect(reply.status == .badRequest)
            #expect(reply.errorField == "devices")
        }
    }

    // Case 4: a request that declares 1000 bytes and sends 10 is closed after the idle timeout.
    @Test func aStalledRequestIsClosed() async throws {
        let limits = ServerLimits(concurrentJobs: 1, queueLength: 1, idleTimeout: 0.3)
        try await ServerHarness(limits: limits).run { client in
            let port = try #require(client.client.port)
            let closed = try await Task.detached { try StalledConnection.sendsPartAndWaitsForClose(port: port) }.value
            #expect(closed, "the server kept the stalled connection open")
            // The test client's own connection was idle too, and closed: ask on a new one.
            #expect(try await Task.detached { try StalledConnection.healthStatusLine(port: port) }.value.hasPrefix("HTTP/1.1 200"))
        }
    }

    // Case 12: a store whose schema was damaged is refused at open.
    @Test(arguments: ["DROP TABLE jobs", "DROP TABLE results; CREATE TABLE results (id TEXT)"])
    func aBrokenSchemaIsRefusedAtOpen(_ damage: String) async throws {
        let path = ServerHarness.temporaryDatabase()
        try await SQLiteResultStore(path: path).close()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { try $0.execute(sql: damage) }
        try queue.close()
        #expect(throws: (any Error).self) { try SQLiteResultStore(path: path) }
    }

    // Case 12: a stored document that does not decode is never served as 200.
    @Test func aGarbageStoredDocumentIsA500WithABody() async throws {
        let harness = ServerHarness()
        let id = try await harness.run { client in
            let reply = try await client.request(.post, "/v1/solve", body: Self.body())
            return try #require(try reply.object()["id"] as? String, "\(reply.text)")
        }
        let queue = try DatabaseQueue(path: harness.databasePath)
        try await queue.write { try $0.execute(sql: "UPDATE results SET document = x'7b7b7b'") }
        try queue.close()
        try await harness.run { client in
            let reply = try await client.get("/v1/schedules/\(id)")
            #expect(reply.status == .internalServerError)
            #expect(reply.errorCode == "internal", "\(reply.text)")
        }
    }

    // Case 13: two stores opened at once on one new file both open.
    @Test func twoStoresOpenTogether() async throws {
        for _ in 0..<5 {
            let path = ServerHarness.temporaryDatabase()
            async let first = Task.detached { try SQLiteResultStore(path: path) }.value
            async let second = Task.detached { try SQLiteResultStore(path: path) }.value
            let (a, b) = try await (first, second)
            try await a.close()
            try await b.close()
        }
    }
}

/// A raw socket client that declares a body it never finishes sending.
enum StalledConnection {
    /// The status line of `GET /health` on a new connection.
    static func healthStatusLine(port: Int) throws -> String {
        let fd = try connected(port: port)
        defer { close(fd) }
        let request = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
    }

    static func connected(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Sends the head and 10 of 1000 declared bytes, then reads until the server closes; `false`
    /// when the connection is still open after 20 s (the failure cut-off, not a timing claim).
    static func sendsPartAndWaitsForClose(port: Int) throws -> Bool {
        let fd = try connected(port: port)
        defer { close(fd) }
        let head = "POST /v1/solve HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"problem\""
        _ = head.withCString { send(fd, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { return true }       // closed by the server
            if count < 0 { return errno == ECONNRESET }  // timed out (still open) or reset
        }
    }
}

/// Case 3: synchronous solves run under the server's time limit.
@Suite struct SyncTimeLimitTests {
    /// A synchronous method (its name has no "ilp") that runs until the server stops it; if nobody
    /// does within a minute it fails, so the test fails without timing anything.
    struct StoppableSync: SchedulingMethod {
        let name = "spin-sync"
        let summary = "Test method: runs until stopped"
        func fits(_ problem: Problem) -> Bool { true }
        func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
            let start = Date()
            while !options.stopRequested {
                guard Date().timeIntervalSince(start) < 60 else { throw .unknownMethod("spin-sync was never stopped") }
                Thread.sleep(forTimeInterval: 0.005)
            }
            return try Methods.named("1f1b")!.schedule(problem, options: options)
        }
    }

    @Test func aSynchronousSolveStopsAtTheSyncTimeLimit() async throws {
        var harness = ServerHarness(limits: ServerLimits(concurrentJobs: 1, queueLength: 4, shutdownGrace: 0.2, syncTimeLimit: 0.3))
        harness.configuration.methods.append(StoppableSync())
        try await harness.run { client in
            let reply = try await client.post("/v1/solve", Fixtures.solve(method: "spin-sync"))
            #expect(reply.status == .ok, "\(reply.text)")
        }
    }
}

/// Case 3: a synchronous solve stops when its client goes away.
@Suite struct ClientGoneTests {
    /// Counts the solves that started, and those that saw a stop request.
    static let started = Mutex(0)
    static let stops = Mutex(0)

    struct CountsStops: SchedulingMethod {
        let name = "spin-sync-count"
        let summary = "Test method: runs until stopped, counting stops"
        func fits(_ problem: Problem) -> Bool { true }
        func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
            let start = Date()
            ClientGoneTests.started.withLock { $0 += 1 }
            while !options.stopRequested {
                guard Date().timeIntervalSince(start) < 60 else { throw .unknownMethod("never stopped") }
                Thread.sleep(forTimeInterval: 0.005)
            }
            ClientGoneTests.stops.withLock { $0 += 1 }
            return try Methods.named("1f1b")!.schedule(problem, options: options)
        }
    }

    @Test func aSynchronousSolveStopsWhenItsClientGoesAway() async throws {
        var harness = ServerHarness(limits: ServerLimits(concurrentJobs: 1, queueLength: 4, shutdownGrace: 0.2, syncTimeLimit: 600))
        harness.configuration.methods.append(CountsStops())
        try await harness.run { client in
            let port = try #require(client.client.port)
            let body = try JSONSerialization.data(withJSONObject: Fixtures.solve(method: "spin-sync-count"))
            let fd = try await Task.detached {
                let fd = try StalledConnection.connected(port: port)
                let head = "POST /v1/solve HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
                let bytes = Array(head.utf8) + Array(body)
                _ = bytes.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count, 0) }
                return fd
            }.value
            // Once the solve runs, the client goes away. Polls fail after 20 s (cut-offs, not timing claims).
            var deadline = Date().addingTimeInterval(20)
            while ClientGoneTests.started.withLock({ $0 }) == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            close(fd)
            deadline = Date().addingTimeInterval(20)
            while ClientGoneTests.stops.withLock({ $0 }) == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(ClientGoneTests.stops.withLock { $0 } == 1)
        }
    }
}
