import Foundation
import PipeSched
import Testing
@testable import PipeSchedExport

/// Offloaded schedules in every export: the copy streams as tracks and strips, PyTorch's refusal.
@Suite struct OffloadExportTests {
    @Test func copiesRunOnTracksOfTheirOwnInTheChromeTrace() throws {
        let (problem, document) = try ExportFixtures.offloaded()
        let copies = document.timeline.joined().filter { $0.op == .offload || $0.op == .reload }
        #expect(!copies.isEmpty)
        let trace = ChromeTrace().render(document, problem: problem)
        let events = try #require(try JSONSerialization.jsonObject(with: Data(trace.utf8)) as? [String: Any])["traceEvents"] as? [[String: Any]]
        let passes = try #require(events).filter { $0["ph"] as? String == "X" }
        #expect(passes.filter { $0["tid"] as? Int == 3 }.count == copies.filter { $0.op == .offload }.count)
        #expect(passes.filter { $0["tid"] as? Int == 4 }.count == copies.filter { $0.op == .reload }.count)
        let threads = try #require(events).filter { $0["name"] as? String == "thread_name" }.compactMap { ($0["args"] as? [String: Any])?["name"] as? String }
        #expect(threads.contains("copy device to host") && threads.contains("copy host to device"))
    }

    @Test func copiesSitInAStripUnderEachDeviceRowOfTheSVG() throws {
        let (problem, document) = try ExportFixtures.offloaded()
        let svg = SVGTimeline().render(document, problem: problem)
        #expect(svg.components(separatedBy: #"class="copy-row""#).count - 1 == document.timeline.count)
        #expect(svg.contains("O offload to host") && svg.contains("L reload from host"))
        let opRects = svg.components(separatedBy: #"class="op""#).count - 1
        #expect(opRects == document.timeline.joined().count)
    }

    @Test func pyTorchsCSVRefusesOffloadsNamingTheAction() throws {
        let document = try ExportFixtures.offloaded().document
        do {
            _ = try TorchCSVWriter().write(Schedule(document.timeline.map { $0.map(\.timedOp) }), placement: document.placement, microbatches: 8)
            Issue.record("an offload was written")
        } catch {
            #expect(error.rule == .memoryActions)
            #expect(error.message.contains("no offload or reload action (O, L)"))
        }
    }
}
