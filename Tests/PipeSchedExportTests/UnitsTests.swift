import Foundation
import Testing
@testable import PipeSched
@testable import PipeSchedExport

/// A problem's `units` reach every picture and table: SVG axes and memory strips, HTML tables and
/// the Chrome trace's clock.
@Suite struct UnitsTests {
    func problem(_ units: ProblemUnits?) throws -> Problem {
        let base = ExportFixtures.problem(devices: 2, microbatches: 3, memoryLimit: 20)
        return try Problem(name: base.name, microbatches: 3, devices: 2, stages: base.stages, communication: base.communication,
                           memoryLimit: base.memoryLimit, units: units)
    }

    @Test func unitsRoundTripThroughProblemJSON() throws {
        let original = try problem(ProblemUnits(time: "us", memory: "MiB"))
        let decoded = try Problem.decode(json: JSONEncoder().encode(original))
        #expect(decoded.units == ProblemUnits(time: "us", memory: "MiB"))
        #expect(throws: ProblemError.self) {
            try Problem.decode(json: Data(#"{"devices": 1, "microbatches": 1, "stages": [{"forward": 1, "backwardInput": 1, "backwardWeight": 1}], "units": {"time": "ms", "mem": "GiB"}}"#.utf8))
        }
    }

    @Test func picturesAndTablesNameTheUnits() throws {
        let problem = try problem(.profile)
        let document = try ExportFixtures.document(problem, method: "1f1b")
        let svg = try Exporter.export(document, problem: problem, format: .svg).text
        #expect(svg.contains(">time (ms)<") && svg.contains("memory per device (GiB)"))
        let html = try Exporter.export(document, problem: problem, format: .html).text
        #expect(html.contains("<th>busy (ms)</th>") && html.contains("<th>peak memory (GiB)</th>") && html.contains("<th>F (ms)</th>"))
        let plain = try self.problem(nil)
        #expect(try Exporter.export(try ExportFixtures.document(plain, method: "1f1b"), problem: plain, format: .svg).text.contains(">time<"))
    }

    @Test func chromeTraceTakesItsClockFromTheProblemsUnits() throws {
        let problem = try problem(ProblemUnits(time: "us", memory: "GiB"))
        let document = try ExportFixtures.document(problem, method: "1f1b")
        let trace = try Exporter.export(document, problem: problem, format: .chromeTrace).text
        let object = try #require(try JSONSerialization.jsonObject(with: Data(trace.utf8)) as? [String: Any])
        let other = try #require(object["otherData"] as? [String: Any])
        #expect(other["timeUnit"] as? String == "us" && other["memoryUnit"] as? String == "GiB")
        let given = try Exporter.export(document, problem: problem, format: .chromeTrace, options: ExportOptions(timeUnit: .s)).text
        #expect(given.contains(#""timeUnit":"s""#))
    }
}
