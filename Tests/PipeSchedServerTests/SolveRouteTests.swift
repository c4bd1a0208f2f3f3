import Foundation
import Hummingbird
import PipeSched
import PipeSchedExport
import PipeSchedServer
import Testing

/// `POST /v1/solve` for heuristics, the store, and `GET /v1/schedules/{id}` in every format, on a
/// live server.
@Suite struct SolveRouteTests {
    @Test func heuristicAnswersAtOnceWithAStoredSchedule() async throws {
        try await ServerHarness().run { client in
            let reply = try await client.post("/v1/solve", Fixtures.solve(method: "zb-h1"))
            #expect(reply.status == .ok)
            let body = try reply.object()
            let id = try #require(body["id"] as? String)
            #expect(body["cached"] as? Bool == false)
            let schedule = try #require(body["schedule"] as? [String: Any])
            #expect(schedule["format"] as? String == "pipesched.schedule.v1")
            #expect(schedule["method"] as? String == "zb-h1")
            #expect(reply.headers[.location] == "/v1/schedules/\(id)")

            let fetched = try await client.get("/v1/schedules/\(id)")
            #expect(fetched.status == .ok)
            #expect(fetched.headers[.contentType] == "application/json")
            let document = try ScheduleDocument.decode(json: fetched.body)
            #expect(document.method == "zb-h1")
            #expect(try JSONSerialization.jsonObject(with: fetched.body) as? NSDictionary == schedule as NSDictionary)
        }
    }

    @Test func repeatedRequestIsAStoreHit() async throws {
        try await ServerHarness().run { client in
            let first = try await client.post("/v1/solve", Fixtures.solve(method: "greedy")).object()
            let second = try await client.post("/v1/solve", Fixtures.solve(method: "greedy")).object()
            #expect(first["cached"] as? Bool == false)
            #expect(second["cached"] as? Bool == true)
            #expect(first["id"] as? String == second["id"] as? String)
            let metrics = try await client.get("/metrics").text
            #expect(metrics.contains("pipesched_store_hits_total 1"))
            #expect(metrics.contains("pipesched_store_misses_total 1"))
        }
    }

    /// The API serves every exporter format under the exporter's own name, and the standard renderers
    /// render every format it names.
    @Test func everyExportFormatIsAKnownFormat() {
        #expect(Set(ScheduleFormat.known.compactMap(\.export)) == Set(ExportFormat.allCases))
        #expect(ScheduleFormat.known.allSatisfy { $0.name == $0.export?.rawValue ?? "json" })
        #expect(Set(ScheduleRenderers.standard.available.map(\.name)) == Set(ScheduleFormat.known.map(\.name)))
    }

    /// `GET /v1/formats` lists what the server renders (the web page's download links), JSON first.
    @Test func formatsListsTheRenderedFormats() async throws {
        try await ServerHarness().run { client in
            let reply = try await client.get("/v1/formats")
            #expect(reply.status == .ok)
            let listed = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [[String: String]])
            #expect(listed.map { $0["name"] ?? "" } == ["json", "chrome-trace", "html", "megatron", "svg", "torch-csv", "torchtitan"])
            #expect(listed.allSatisfy { entry in ScheduleFormat.known.contains { $0.name == entry["name"] && $0.mediaType == entry["mediaType"] } })
        }
    }

    @Test func everyFormatIsServedByNameAndByAccept() async throws {
        try await ServerHarness().run { client in
            let id = try #require(try await client.post("/v1/solve", Fixtures.solve(method: "1f1b")).object()["id"] as? String)
            #expect(try await client.get("/v1/schedules/\(id)", headers: [.accept: "*/*"]).headers[.contentType] == "application/json")
            let expected: [(format: String, mediaType: String, start: String)] = [
                ("json", "application/json", "{"), ("torch-csv", "text/csv", ""), ("svg", "image/svg+xml", "<svg"),
                ("html", "text/html", "<!"), ("chrome-trace", "application/vnd.chrome-trace+json", "{"),
            ]
            for item in expected {
                for reply in [try await client.get("/v1/schedules/\(id)?format=\(item.format)"),
                              try await client.get("/v1/schedules/\(id)", headers: [.accept: item.mediaType])] {
                    #expect(reply.status == .ok, "\(item.format): \(reply.text.prefix(200))")
                    #expect(reply.headers[.contentType] == item.mediaType, "\(item.format)")
                    #expect(reply.body.count > 100, "\(item.format)")
                    #expect(reply.text.hasPrefix(item.start), "\(item.format): \(reply.text.prefix(40))")
                }
            }
            let csv = try await client.get("/v1/schedules/\(id)?format=torch-csv").text
            #expect(csv.contains("0F0"), "\(csv.prefix(200))")
            let unknown = try await client.get("/v1/schedules/\(id)?format=pdf")
            #expect(unknown.status == .badRequest)
            #expect(unknown.errorCode == "unknownFormat")
            #expect(try await client.get("/v1/schedules/nothing-here").status == .notFound)
        }
    }

    /// The PyTorch downloads of a problem profiled for another runtime (`backwardSplit: stored`) carry
    /// the warning the CLI prints, in `PipeSched-Warning`; the other formats, and problems profiled
    /// for PyTorch or that do not say, carry none.
    @Test func pytorchDownloadsOfAStoredSplitProblemCarryAWarning() async throws {
        try await ServerHarness().run { client in
            let stage: [String: Any] = ["forward": 2, "backwardInput": 2, "backwardWeight": 1,
                                        "memory": ["forward": 2, "backwardInput": -1, "backwardWeight": -1]]
            for split in ["stored", "torch", nil] {
                var problem: [String: Any] = ["microbatches": 4, "devices": 2, "stages": [stage, stage]]
                problem["backwardSplit"] = split
                let reply = try await client.post("/v1/solve", Fixtures.solve(method: "1f1b", problem: problem))
                let id = try #require(try reply.object()["id"] as? String, "\(reply.text.prefix(300))")
                for format in ["torch-csv", "torchtitan", "svg"] {
                    let download = try await client.get("/v1/schedules/\(id)?format=\(format)")
                    #expect(download.status == .ok, "\(format): \(download.text.prefix(200))")
                    let warning = download.headers[ScheduleFormat.warningHeader]
                    #expect((warning?.contains("--backward-split torch") ?? false) == (split == "stored" && format != "svg"),
                            "\(split ?? "none") \(format): \(warning ?? "no warning")")
                }
            }
        }
    }

    /// A problem that offers offloading under a cap: `offload` answers with O and L passes, every
    /// picture shows the copy streams, and PyTorch's CSV is refused naming the action.
    @Test func anOffloadedScheduleIsServedInEveryFormatButPyTorchs() async throws {
        try await ServerHarness().run { client in
            let stage: [String: Any] = ["forward": 2, "backwardInput": 2, "backwardWeight": 1,
                                        "memory": ["forward": 2, "backwardInput": -1, "backwardWeight": -1],
                                        "offload": ["memory": 2, "time": 1]]
            let problem: [String: Any] = ["microbatches": 4, "devices": 2, "memoryLimit": [5, 100], "stages": [stage, stage]]
            let reply = try await client.post("/v1/solve", Fixtures.solve(method: "offload", problem: problem))
            #expect(reply.status == .ok, "\(reply.text.prefix(300))")
            let id = try #require(try reply.object()["id"] as? String)
            let document = try ScheduleDocument.decode(json: try await client.get("/v1/schedules/\(id)").body)
            #expect(document.timeline.joined().contains { $0.op == .offload } && document.timeline.joined().contains { $0.op == .reload })
            #expect(try await client.get("/v1/schedules/\(id)?format=svg").text.contains("copy-row"))
            #expect(try await client.get("/v1/schedules/\(id)?format=chrome-trace").text.contains("copy device to host"))
            let csv = try await client.get("/v1/schedules/\(id)?format=torch-csv")
            #expect(csv.status == .unprocessableContent)
            #expect(csv.errorCode == "exportRefused" && csv.text.contains("offload"), "\(csv.text.prefix(300))")
        }
    }

    @Test func unregisteredFormatsAreRefusedAndRegisteredOnesServed() async throws {
        var harness = ServerHarness()
        harness.configuration.renderers = .jsonOnly
        harness.configuration.renderers.register(.svg) { document, problem in
            Data("<svg data-method=\"\(document.method)\" data-devices=\"\(problem.devices)\"/>".utf8)
        }
        try await harness.run { client in
            let id = try #require(try await client.post("/v1/solve", Fixtures.solve(method: "1f1b")).object()["id"] as? String)
            let listed = try JSONSerialization.jsonObject(with: try await client.get("/v1/formats").body) as? [[String: String]]
            #expect(listed?.map { $0["name"] ?? "" } == ["json", "svg"], "only what this server renders")
            for format in ["torch-csv", "html", "chrome-trace"] {
                let reply = try await client.get("/v1/schedules/\(id)?format=\(format)")
                #expect(reply.status == .notAcceptable, "\(format)")
                #expect(reply.errorCode == "formatNotAvailable", "\(format)")
            }
            let byAccept = try await client.get("/v1/schedules/\(id)", headers: [.accept: "text/html"])
            #expect(byAccept.status == .notAcceptable)
            for reply in [try await client.get("/v1/schedules/\(id)?format=svg"),
                          try await client.get("/v1/schedules/\(id)", headers: [.accept: "text/html;q=0.9, image/svg+xml"])] {
                #expect(reply.status == .ok)
                #expect(reply.headers[.contentType] == "image/svg+xml")
                #expect(reply.text == "<svg data-method=\"1f1b\" data-devices=\"4\"/>")
            }
        }
    }

    @Test func methodWithoutAScheduleIsUnprocessableAndRemembered() async throws {
        try await ServerHarness().run { client in
            // zb-v needs a V placement; this problem is sequential.
            let first = try await client.post("/v1/solve", Fixtures.solve(method: "zb-v"))
            #expect(first.status == .unprocessableContent)
            #expect(first.errorCode == "doesNotFit")
            let second = try await client.post("/v1/solve", Fixtures.solve(method: "zb-v"))
            #expect(second.status == .unprocessableContent)
            #expect(try await client.get("/metrics").text.contains("pipesched_store_hits_total 1"))
        }
    }

    @Test func methodsHealthAndMetricsAnswer() async throws {
        try await ServerHarness().run { client in
            let methods = try #require(try JSONSerialization.jsonObject(with: try await client.get("/v1/methods").body) as? [[String: Any]])
            let modes = Dictionary(uniqueKeysWithValues: methods.map { ($0["name"] as! String, $0["mode"] as! String) })
            #expect(modes["1f1b"] == "sync")
            #expect(modes["greedy"] == "sync")
            #expect(modes["auto"] == "async")
            #expect(modes["local"] == "async")
            #expect(modes["ilp-spin"] == "async")
            let health = try await client.get("/health").object()
            #expect(health["status"] as? String == "ok")
            #expect(health["version"] as? String == PipeSchedVersion.current)
            #expect(try await client.post("/v1/solve", Fixtures.solve(method: "gpipe")).status == .ok)
            let metrics = try await client.get("/metrics")
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            for name in ["pipesched_http_requests_total", "pipesched_solve_duration_seconds", "pipesched_queue_depth",
                         "pipesched_store_hits_total", "pipesched_solves_running"] {
                #expect(metrics.text.contains(name), "\(name)")
            }
            #expect(metrics.text.contains(#"route="/v1/solve""#))
        }
    }
}

/// The same body answered through the memo and the in-memory cache stays correct.
@Suite struct RepeatedBodyTests {
    @Test func repeatedBodiesWithDifferentWaitParametersAreAnsweredAlike() async throws {
        try await ServerHarness().run { client in
            let body = try JSONSerialization.data(withJSONObject: Fixtures.solve(method: "zb-h1"))
            let first = try await client.request(.post, "/v1/solve", body: body)
            let second = try await client.request(.post, "/v1/solve?wait=5", body: body)
            let bad = try await client.request(.post, "/v1/solve?wait=soon", body: body)
            #expect(first.status == .ok)
            #expect(second.status == .ok)
            #expect(try second.object()["cached"] as? Bool == true)
            #expect(bad.status == .badRequest)
            #expect(bad.errorField == "wait")
            let schedule = try await client.get("/v1/schedules/\(try #require(try first.object()["id"] as? String))")
            #expect(schedule.body == (try JSONSerialization.data(withJSONObject: try #require(try second.object()["schedule"]), options: [.sortedKeys, .withoutEscapingSlashes])))
        }
    }
}
